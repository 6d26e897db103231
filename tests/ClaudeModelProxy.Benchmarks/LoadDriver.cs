using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace ClaudeModelProxy.Benchmarks;

/// <summary>
/// Measures the gateway against the same mock reached directly, interleaved in one run so that
/// both see the same machine: added latency, throughput at 32 connections, the cost of a 2 MiB
/// body, CPU per request, and memory under 64 concurrent streams.
/// </summary>
public sealed class LoadDriver(GatewayProcess gateway, MockUpstream mock, bool quick, string? only = null, double? secondsOverride = null)
{
    private sealed record Scenario(string Name, string GatewayPath, byte[] GatewayBody, string DirectPath, byte[] DirectBody);

    private readonly HttpClient client = new(new SocketsHttpHandler { MaxConnectionsPerServer = 256, UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    private Uri Direct(string path) => new($"http://127.0.0.1:{mock.Port}{path}");

    private Uri ViaGateway(string path) => new($"http://127.0.0.1:{gateway.Port}{path}");

    private sealed record Pacing(string Label, int EventDelayMs);

    private static IEnumerable<Scenario> Scenarios() =>
    [
        new("pass-through, non-stream", "/v1/messages", Workloads.SmallRequest(Workloads.PassThroughAlias, false), "/anthropic/v1/messages", Workloads.SmallRequest("deepseek-v4-pro", false)),
        new("pass-through, stream (20 deltas)", "/v1/messages", Workloads.SmallRequest(Workloads.PassThroughAlias, true), "/anthropic/v1/messages", Workloads.SmallRequest("deepseek-v4-pro", true)),
        new("translated, non-stream", "/v1/messages", Workloads.SmallRequest(Workloads.TranslatedAlias, false), "/openai/chat/completions", Workloads.OpenAiRequest(false)),
        new("translated, stream (20 deltas)", "/v1/messages", Workloads.SmallRequest(Workloads.TranslatedAlias, true), "/openai/chat/completions", Workloads.OpenAiRequest(true)),
        new("translated /responses, non-stream", "/v1/messages", Workloads.SmallRequest(Workloads.ResponsesAlias, false), "/openai/responses", Workloads.ResponsesRequest(false)),
        new("translated /responses, stream (20 deltas)", "/v1/messages", Workloads.SmallRequest(Workloads.ResponsesAlias, true), "/openai/responses", Workloads.ResponsesRequest(true)),
    ];

    private const long PeakRssGoal = 64L * 1024 * 1024;

    public async Task RunAsync(Report report)
    {
        var seqCount = quick ? 300 : 2000;
        var seconds = secondsOverride ?? (quick ? 1.0 : 3.0);
        if (only is not null)
        {
            await OnlyAsync(only, seqCount, seconds, report);
            return;
        }
        var rounds = quick ? 2 : 3;

        // Warm both paths (JIT, connection pools) before measuring.
        foreach (var s in Scenarios())
            for (var i = 0; i < 200; i++) { await SendAsync(ViaGateway(s.GatewayPath), s.GatewayBody); await SendAsync(Direct(s.DirectPath), s.DirectBody); }

        // Memory under many open streams, measured before the 2 MiB runs have grown the heap.
        var streamsRss = await ConcurrentStreamsRssAsync(64);
        report.Add("RSS under 64 concurrent streams (half of them 256 KiB requests)", "≤ 64 MiB", $"{streamsRss / 1024.0 / 1024.0:0.0} MiB", streamsRss <= PeakRssGoal);

        var small = Scenarios().First();
        AddLatencyRows(report, await SequentialAsync(small, seqCount));

        var cpuBefore = gateway.CpuTime;
        long gatewayRequests = 0;
        var cpuByScenario = new Dictionary<string, double>();
        foreach (var scenario in Scenarios())
        {
            var streaming = scenario.Name.Contains("stream (", StringComparison.Ordinal);
            // Streams are measured twice: paced like a fast model (1 ms between events) and as one burst.
            foreach (var pacing in streaming ? [new Pacing("paced", 1), new Pacing("one burst", 0)] : new[] { new Pacing("", 0) })
            {
                MockUpstream.StreamEventDelayMs = pacing.EventDelayMs;
                gateway.ResetPeakRss();
                var ratios = new List<double>();
                var directRates = new List<double>();
                var cpuPerRequestRounds = new List<double>();
                for (var round = 0; round < rounds; round++)
                {
                    var direct = await ThroughputAsync(Direct(scenario.DirectPath), scenario.DirectBody, 32, seconds);
                    var scenarioCpuBefore = gateway.CpuTime;
                    var via = await ThroughputAsync(ViaGateway(scenario.GatewayPath), scenario.GatewayBody, 32, seconds);
                    cpuPerRequestRounds.Add((gateway.CpuTime - scenarioCpuBefore).TotalMicroseconds / Math.Max(1, via.Requests));
                    gatewayRequests += via.Requests;
                    directRates.Add(direct.PerSecond);
                    ratios.Add(via.PerSecond / direct.PerSecond);
                }
                MockUpstream.StreamEventDelayMs = 0;
                var (target, goal) = scenario.Name switch
                {
                    "pass-through, non-stream" => ("≥ 0.35× direct", 0.35),
                    "pass-through, stream (20 deltas)" => ("≥ 0.85× direct", 0.85),
                    "translated, non-stream" or "translated /responses, non-stream" => ("≥ 0.3× direct", 0.3),
                    _ => ("≥ 0.8× direct", 0.8),
                };
                var label = pacing.Label.Length == 0 ? scenario.Name : $"{scenario.Name}, {pacing.Label}";
                if (pacing.EventDelayMs > 0)
                {
                    // The mock asks for 1 ms after each event; timers make it longer. Say what it really was.
                    var events = Workloads.EventCount(Workloads.StreamReplyFor(scenario.DirectPath));
                    var directRequestMs = 32 * 1000.0 / Stats.Median(directRates);
                    label += $" (one event every {directRequestMs / events:0.0} ms)";
                }
                report.Add($"throughput at 32 connections, {label}", target, $"{Stats.MedianRange(ratios)}× (direct {Stats.Median(directRates):0} req/s)", Stats.Median(ratios) >= goal);
                AddPeakRssRow(report, $"peak RSS under load, {label}");
                cpuByScenario[label] = Stats.Median(cpuPerRequestRounds);
            }
        }
        var cpuPerRequest = (gateway.CpuTime - cpuBefore).TotalMicroseconds / Math.Max(1, gatewayRequests);
        report.Add("gateway CPU time per request (throughput runs)", "–", $"{cpuPerRequest:0} µs", null);
        var passThroughCpu = cpuByScenario["pass-through, non-stream"];
        foreach (var translated in new[] { "translated, non-stream", "translated /responses, non-stream" })
        {
            var ratio = cpuByScenario[translated] / passThroughCpu;
            report.Add($"gateway CPU per request, {translated}, vs pass-through", "≤ 1.5× pass-through", $"{ratio:0.00}× ({cpuByScenario[translated]:0} vs {passThroughCpu:0} µs)", ratio <= 1.5);
        }

        foreach (var (name, alias, directPath, goal) in new[] { ("pass-through", Workloads.PassThroughAlias, "/anthropic/v1/messages", 5.0), ("translated", Workloads.TranslatedAlias, "/openai/chat/completions", 15.0), ("translated /responses", Workloads.ResponsesAlias, "/openai/responses", 15.0) })
        {
            var big = Workloads.ConversationRequest(alias, false);
            var bigDirect = Workloads.ConversationRequest("upstream-model", false);
            var (d, g) = await SequentialAsync(new Scenario(name, "/v1/messages", big, directPath, bigDirect), quick ? 10 : 30);
            var added = g.Zip(d, (x, y) => x - y).ToList();
            report.Add($"added latency, 2 MiB request, {name}", $"≤ {goal} ms", $"{Stats.MedianRange(added)} ms (direct {Stats.Median(d):0.00} ms)", Stats.Median(added) <= goal);
        }

        report.Add("peak RSS of the gateway during all load runs (2 MiB requests included)", "–", $"{gateway.PeakRssBytes / 1024.0 / 1024.0:0.0} MiB", null);
    }

    /// <summary>
    /// "latency": the sequential small-request latency alone; otherwise one throughput scenario
    /// through the gateway alone, for as long as asked (something to attach a profiler to).
    /// </summary>
    private async Task OnlyAsync(string only, int seqCount, double seconds, Report report)
    {
        if (only == "latency")
        {
            var small = Scenarios().First();
            await SequentialAsync(small, 500);
            AddLatencyRows(report, await SequentialAsync(small, seqCount * 2));
            return;
        }
        if (only.StartsWith("2mib-", StringComparison.Ordinal))
        {
            await LargeRequestsAsync(only["2mib-".Length..], seconds, report);
            return;
        }
        var scenario = Scenarios().FirstOrDefault(s => s.Name.Contains(only, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"no load scenario matches '{only}'; they are: {string.Join("; ", Scenarios().Select(s => s.Name))}");
        for (var i = 0; i < 200; i++) await SendAsync(ViaGateway(scenario.GatewayPath), scenario.GatewayBody);
        var cpuBefore = gateway.CpuTime;
        gateway.ResetPeakRss();
        var via = await ThroughputAsync(ViaGateway(scenario.GatewayPath), scenario.GatewayBody, 32, seconds);
        var cpu = (gateway.CpuTime - cpuBefore).TotalMicroseconds / Math.Max(1, via.Requests);
        report.Add($"throughput at 32 connections, {scenario.Name}, via the gateway only", "–", $"{via.PerSecond:0} req/s, gateway CPU {cpu:0} µs/request", null);
        AddPeakRssRow(report, $"peak RSS under load, {scenario.Name}");
    }

    /// <summary>Sequential 2 MiB conversations through the gateway alone on one route (pass-through, chat, responses), to profile.</summary>
    private async Task LargeRequestsAsync(string route, double seconds, Report report)
    {
        var alias = route switch
        {
            "pass-through" => Workloads.PassThroughAlias,
            "chat" => Workloads.TranslatedAlias,
            "responses" => Workloads.ResponsesAlias,
            _ => throw new ArgumentException($"2mib-{route}: the routes are 2mib-pass-through, 2mib-chat, 2mib-responses"),
        };
        var body = Workloads.ConversationRequest(alias, false);
        var times = new List<double>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds) times.Add(await TimeAsync(ViaGateway("/v1/messages"), body));
        report.Add($"2 MiB request via the gateway only, {route}", "–", $"{Stats.Median(times):0.00} ms median over {times.Count}", null);
    }

    /// <summary>The peak since the last <see cref="GatewayProcess.ResetPeakRss"/>, against the per-route memory target.</summary>
    private void AddPeakRssRow(Report report, string label)
    {
        var peak = gateway.PeakRssBytes;
        report.Add(label, "≤ 64 MiB", $"{peak / 1024.0 / 1024.0:0.0} MiB", peak <= PeakRssGoal);
    }

    /// <summary>p50 and p99 of the time the gateway adds to a sequential request.</summary>
    private static void AddLatencyRows(Report report, (List<double> Direct, List<double> Gateway) times)
    {
        foreach (var (percentile, goal) in new[] { (50, 0.08), (99, 0.5) })
        {
            var direct = Stats.Percentile(times.Direct, percentile);
            var via = Stats.Percentile(times.Gateway, percentile);
            report.Add($"added latency, sequential small request, p{percentile}", $"≤ {goal} ms", $"{via - direct:0.000} ms (direct {direct:0.000}, via gateway {via:0.000})", via - direct <= goal);
        }
    }

    private async Task<(List<double> Direct, List<double> Gateway)> SequentialAsync(Scenario scenario, int count)
    {
        var direct = new List<double>(count);
        var via = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            direct.Add(await TimeAsync(Direct(scenario.DirectPath), scenario.DirectBody));
            via.Add(await TimeAsync(ViaGateway(scenario.GatewayPath), scenario.GatewayBody));
        }
        return (direct, via);
    }

    public async Task<double> TimeAsync(Uri uri, byte[] body)
    {
        var start = Stopwatch.GetTimestamp();
        await SendAsync(uri, body);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    public async Task<(long Requests, double PerSecond)> ThroughputAsync(Uri uri, byte[] body, int connections, double seconds)
    {
        long completed = 0;
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            while (clock.Elapsed < deadline)
            {
                await SendAsync(uri, body);
                Interlocked.Increment(ref completed);
            }
        }));
        return (completed, completed / clock.Elapsed.TotalSeconds);
    }

    public async Task<int> SendAsync(Uri uri, byte[] body, CancellationToken cancellation = default)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(uri, content, cancellation);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellation);
        var buffer = new byte[16 * 1024];
        var total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellation)) > 0) total += read;
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{uri} answered {(int)response.StatusCode}");
        return total;
    }

    /// <summary>64 streams held open at once (the mock paces its events), sampling the gateway's RSS.</summary>
    private async Task<long> ConcurrentStreamsRssAsync(int streams)
    {
        MockUpstream.StreamEventDelayMs = 40;
        try
        {
            long peak = 0;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, gateway.RssBytes);
                    await Task.Delay(20);
                }
            });
            var big = Workloads.ConversationRequest(Workloads.PassThroughAlias, true, 256 * 1024);
            await Task.WhenAll(Enumerable.Range(0, streams).Select(i =>
                SendAsync(ViaGateway("/v1/messages"), i % 2 == 0 ? big : Workloads.SmallRequest(Workloads.TranslatedAlias, true))));
            await sampling.CancelAsync();
            await sampler;
            return peak;
        }
        finally
        {
            MockUpstream.StreamEventDelayMs = 0;
        }
    }
}
