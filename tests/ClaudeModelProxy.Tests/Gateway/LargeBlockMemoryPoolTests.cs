using ClaudeModelProxy.Gateway;

namespace ClaudeModelProxy.Tests.Gateway;

/// <summary>The blocks Kestrel receives client bytes into: 64 KiB, so a 2 MiB body takes 32 receives, not 512.</summary>
public class LargeBlockMemoryPoolTests
{
    [Fact]
    public void EveryBlockHoldsAtLeast64KiBWhateverKestrelAsksFor()
    {
        using var pool = new LargeBlockMemoryPool.Factory().Create();
        foreach (var asked in new[] { -1, 1, 4096, LargeBlockMemoryPool.BlockSize })
        {
            using var block = pool.Rent(asked);
            block.Memory.Length.ShouldBeGreaterThanOrEqualTo(LargeBlockMemoryPool.BlockSize);
        }
        pool.MaxBufferSize.ShouldBe(LargeBlockMemoryPool.BlockSize);
    }

    [Fact]
    public void AReturnedBlockIsNeitherUsableNorReturnedTwice()
    {
        using var pool = new LargeBlockMemoryPool();
        var block = pool.Rent();
        block.Dispose();
        Should.Throw<ObjectDisposedException>(() => block.Memory);
        block.Dispose(); // a second return would hand one array to two renters
        using var next = pool.Rent();
        using var other = pool.Rent();
        next.Memory.Equals(other.Memory).ShouldBeFalse();
    }
}
