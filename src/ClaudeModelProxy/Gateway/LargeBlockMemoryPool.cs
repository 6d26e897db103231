using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace ClaudeModelProxy.Gateway;

/// <summary>
/// The blocks Kestrel reads client bytes into. Its own pool hands out 4 KiB blocks, so a 2 MiB Claude Code
/// body arrives in 512 receives, each after a one-byte peek (Kestrel waits for data before taking a block):
/// about a thousand system calls and as many wake-ups of the body reader. 64 KiB blocks take it in 32. An idle
/// connection holds no block, so idle memory is unchanged. The arrays come from a pool of their own (not the
/// process-wide one, so request bytes left in them reach no other code) that keeps at most 128 of them (8 MiB).
/// </summary>
public sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 64 * 1024;

    private static readonly ArrayPool<byte> Arrays = ArrayPool<byte>.Create(BlockSize, maxArraysPerBucket: 128);

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1) => new Block(Arrays.Rent(Math.Max(BlockSize, minBufferSize)));

    protected override void Dispose(bool disposing)
    {
    }

    /// <summary>Registered in the gateway's services, where Kestrel's transport looks for its pool.</summary>
    public sealed class Factory : IMemoryPoolFactory<byte>
    {
        public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();
    }

    private sealed class Block(byte[] array) : IMemoryOwner<byte>
    {
        private byte[]? array = array;

        public Memory<byte> Memory => array ?? throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref array, null) is { } returned) Arrays.Return(returned);
        }
    }
}
