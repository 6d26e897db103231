namespace ClaudeModelProxy.Benchmarks;

/// <summary>
/// Many mixed requests with one stream in ten abandoned by the client mid-way: no unexpected
/// errors, and memory and open descriptors flat from the first quarter to the last.
/// </summary>
public static class SoakRun
{
    public static async Task RunAsync(GatewayProcess gateway, LoadDriver driver, int total, Report report)
    {
        var bodies = new[]
        {
            Workloads.SmallRequest(Workloads.PassThroughAlias, false),
            Workloads.SmallRequest(Workloads.PassThroughAlias, true),
            Workloads.SmallRequest(Workloads.TranslatedAlias, false),
            Workloads.SmallRequest(Workloads.TranslatedAlias, true),
        };
        var uri = new Uri($"http://127.0.0.1:{gateway.Port}/v1/messages");
        var samples = new List<(int Done, long Rss, int Fds)>();
        long next = -1, done = 0, unexpected = 0, aborted = 0;
        string? firstError = null;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            long i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var body = bodies[i % bodies.Length];
                var abort = i % 2 == 1 && i % 20 == 1; // 10% of streams
                try
                {
                    if (abort)
                    {
                        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(1));
                        try { await driver.SendAsync(uri, body, cancel.Token); } catch (OperationCanceledException) { }
                        Interlocked.Increment(ref aborted);
                    }
                    else
                    {
                        await driver.SendAsync(uri, body);
                    }
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref unexpected);
                    firstError ??= e.Message;
                }
                var count = Interlocked.Increment(ref done);
                if (count % 500 == 0)
                    lock (samples) samples.Add(((int)count, gateway.RssBytes, gateway.OpenFileDescriptors));
            }
        }));
        var quarter = Math.Max(1, samples.Count / 4);
        var ordered = samples.OrderBy(s => s.Done).ToList();
        var firstRss = ordered.Take(quarter).Average(s => s.Rss) / 1024 / 1024;
        var lastRss = ordered.TakeLast(quarter).Average(s => s.Rss) / 1024 / 1024;
        var firstFds = ordered.Take(quarter).Average(s => s.Fds);
        var lastFds = ordered.TakeLast(quarter).Average(s => s.Fds);
        report.Add($"soak: {total} mixed requests, {aborted} streams aborted by the client", "0 unexpected errors", $"{unexpected} unexpected errors{(firstError is null ? "" : $" (first: {firstError})")}", unexpected == 0);
        report.Add("soak: RSS first → last quarter", "flat", $"{firstRss:0.0} → {lastRss:0.0} MiB", lastRss <= firstRss * 1.15 + 2);
        report.Add("soak: open descriptors first → last quarter", "flat", $"{firstFds:0} → {lastFds:0}", lastFds <= firstFds + 8);
    }
}
