namespace ClaudeModelProxy.Gateway;

/// <summary>
/// Start-up (configuration, dependency injection, Kestrel, JSON metadata) leaves a few MiB of garbage
/// in pages that the GC keeps committed. A resident helper spends most of its life idle, so once the
/// first gateway of the process listens, one compacting collection hands those pages back to the system.
/// </summary>
internal static class StartupMemory
{
    private static int released;

    public static void ReleaseOnce()
    {
        if (Interlocked.Exchange(ref released, 1) == 1) return;
        // Off the start-up path. A blocking collection pauses every managed thread for its few milliseconds
        // (the heap is small at this point), once per process.
        _ = Task.Run(() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true));
    }
}
