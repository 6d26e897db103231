namespace ClaudeModelProxy.Benchmarks;

/// <summary>
/// The gateway's pass-through route beside nginx in front of the same mock, interleaved in one run (issue: "measured
/// against nginx"): per-repetition ratios of throughput, CPU per request, added latency and time to listen. The
/// floors (<see cref="FloorProcess"/>) run in the same rounds, so that the gap to nginx can be split: what .NET's
/// sockets and runtime cost on this machine (the sockets floor), what Kestrel's transport adds (the transport floor),
/// what its HTTP layer and SocketsHttpHandler add (the platform floor), and what the gateway adds on top.
/// </summary>
public static class NginxComparison
{
    public static async Task RunAsync(GatewayProcess gateway, MockUpstream mock, LoadDriver driver, string repositoryRoot, bool quick, Report report)
    {
        await using var nginx = await NginxProcess.StartAsync(StartupTimer.FreePort(), mock.Port);
        var floors = new List<FloorProcess>();
        try
        {
            await StartFloorsAsync(floors, repositoryRoot, mock.Port);
            await CompareAsync(gateway, nginx, floors, mock, driver, quick, report);
        }
        finally
        {
            await DisposeAllAsync(floors);
        }
    }

    /// <summary>
    /// Without the floors (no SDK to publish them, say) the rows against nginx are still measured. Fills the caller's list
    /// as each floor starts, so that the caller's cleanup also stops one started before a later one failed.
    /// </summary>
    private static async Task StartFloorsAsync(List<FloorProcess> floors, string repositoryRoot, int mockPort)
    {
        try
        {
            foreach (var kind in new[] { FloorKind.Sockets, FloorKind.KestrelTransport, FloorKind.Kestrel })
                floors.Add(await FloorProcess.StartAsync(repositoryRoot, kind, StartupTimer.FreePort(), mockPort));
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            Console.Error.WriteLine($"The floors are left out of this run: {e.Message}");
            await DisposeAllAsync(floors);
        }
    }

    /// <summary>Stops every floor even when stopping one of them fails, and empties the list.</summary>
    private static async Task DisposeAllAsync(List<FloorProcess> floors)
    {
        var failures = new List<Exception>();
        foreach (var floor in floors)
        {
            try
            {
                await floor.DisposeAsync();
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }
        floors.Clear();
        if (failures.Count > 0) throw new AggregateException("stopping the floors failed", failures);
    }

    private static async Task CompareAsync(GatewayProcess gateway, NginxProcess nginx, List<FloorProcess> floors, MockUpstream mock, LoadDriver driver, bool quick, Report report)
    {
        Uri Direct(string path) => new($"http://127.0.0.1:{mock.Port}{path}");
        Uri ViaNginx(string path) => new($"http://127.0.0.1:{nginx.Port}{path}");
        Uri ViaFloor(FloorProcess floor) => new($"http://127.0.0.1:{floor.Port}/v1/messages");
        Uri ViaGateway(string path) => new($"http://127.0.0.1:{gateway.Port}{path}");
        var rounds = quick ? 2 : 3;
        var seconds = quick ? 1.0 : 3.0;

        var cases = new[]
        {
            (Name: "non-stream", Gateway: Workloads.SmallRequest(Workloads.PassThroughAlias, false), Upstream: Workloads.SmallRequest("deepseek-v4-pro", false), Goal: 0.75),
            (Name: "stream, 20 events in one burst", Gateway: Workloads.SmallRequest(Workloads.PassThroughAlias, true), Upstream: Workloads.SmallRequest("deepseek-v4-pro", true), Goal: 0.95),
        };
        foreach (var c in cases)
            for (var i = 0; i < 200; i++)
            {
                await driver.SendAsync(ViaGateway("/v1/messages"), c.Gateway);
                await driver.SendAsync(ViaNginx("/v1/messages"), c.Upstream);
                foreach (var floor in floors) await driver.SendAsync(ViaFloor(floor), c.Upstream);
            }

        // Every candidate in each round, in the same order: nginx, the floors, the gateway.
        MockUpstream.StreamEventDelayMs = 0;
        var cpu = (Nginx: new List<double>(), Floors: floors.Select(_ => new List<double>()).ToArray(), Gateway: new List<double>());
        var floorRows = floors.Select(_ => new List<(string Metric, string Value)>()).ToArray();
        foreach (var c in cases)
        {
            var rates = (Nginx: new List<double>(), Floors: floors.Select(_ => new List<double>()).ToArray(), Gateway: new List<double>());
            for (var round = 0; round < rounds; round++)
            {
                var (nginxRate, nginxUs) = await MeasureAsync(driver, ViaNginx("/v1/messages"), c.Upstream, () => nginx.CpuTime, seconds);
                for (var f = 0; f < floors.Count; f++)
                {
                    var floor = floors[f];
                    var (floorRate, floorUs) = await MeasureAsync(driver, ViaFloor(floor), c.Upstream, () => floor.CpuTime, seconds);
                    rates.Floors[f].Add(floorRate);
                    if (c.Name == "non-stream") cpu.Floors[f].Add(floorUs);
                }
                var (gatewayRate, gatewayUs) = await MeasureAsync(driver, ViaGateway("/v1/messages"), c.Gateway, () => gateway.CpuTime, seconds);
                rates.Nginx.Add(nginxRate);
                rates.Gateway.Add(gatewayRate);
                if (c.Name != "non-stream") continue;
                cpu.Nginx.Add(nginxUs);
                cpu.Gateway.Add(gatewayUs);
            }
            var ratios = Ratios(rates.Gateway, rates.Nginx);
            report.Add($"pass-through throughput at 32 connections, {c.Name}, vs nginx", $"≥ {c.Goal}× nginx", $"{Stats.MedianRange(ratios)}× (nginx {Stats.Median(rates.Nginx):0} req/s)", Stats.Median(ratios) >= c.Goal);
            for (var f = 0; f < floors.Count; f++)
                floorRows[f].Add(($"throughput at 32 connections, {c.Name}", $"{Stats.MedianRange(Ratios(rates.Floors[f], rates.Nginx))}× nginx; gateway {Stats.MedianRange(Ratios(rates.Gateway, rates.Floors[f]))}× this floor"));
        }
        var cpuRatios = Ratios(cpu.Gateway, cpu.Nginx);
        report.Add("pass-through CPU per request under load, vs nginx", "≤ 1.5× nginx", $"{Stats.MedianRange(cpuRatios)}× ({Stats.Median(cpu.Gateway):0} vs {Stats.Median(cpu.Nginx):0} µs)", Stats.Median(cpuRatios) <= 1.5);
        for (var f = 0; f < floors.Count; f++)
            floorRows[f].Add(("CPU per request under load", $"{Stats.MedianRange(Ratios(cpu.Floors[f], cpu.Nginx))}× nginx ({Stats.Median(cpu.Floors[f]):0} µs); gateway {Stats.MedianRange(Ratios(cpu.Gateway, cpu.Floors[f]))}× this floor"));

        // Added latency: direct, nginx, the floors and the gateway interleaved request by request.
        var count = quick ? 300 : 2000;
        var small = cases[0];
        var (direct, viaN, viaG) = (new List<double>(count), new List<double>(count), new List<double>(count));
        var viaF = floors.Select(_ => new List<double>(count)).ToArray();
        for (var i = 0; i < count; i++)
        {
            direct.Add(await driver.TimeAsync(Direct("/anthropic/v1/messages"), small.Upstream));
            viaN.Add(await driver.TimeAsync(ViaNginx("/v1/messages"), small.Upstream));
            for (var f = 0; f < floors.Count; f++) viaF[f].Add(await driver.TimeAsync(ViaFloor(floors[f]), small.Upstream));
            viaG.Add(await driver.TimeAsync(ViaGateway("/v1/messages"), small.Gateway));
        }
        foreach (var percentile in new[] { 50, 99 })
        {
            var d = Stats.Percentile(direct, percentile);
            var n = Stats.Percentile(viaN, percentile) - d;
            var g = Stats.Percentile(viaG, percentile) - d;
            report.Add($"added latency p{percentile}, sequential small request, vs nginx", "≤ 2× nginx's", $"{g:0.000} vs {n:0.000} ms ({Ratio(g, n)})", g <= 2 * n);
            for (var f = 0; f < floors.Count; f++)
            {
                var added = Stats.Percentile(viaF[f], percentile) - d;
                floorRows[f].Add(($"added latency p{percentile}, sequential small request", $"{added:0.000} ms, {Ratio(added, n)} nginx's; gateway {Ratio(g, added)} this floor's"));
            }
        }
        for (var f = 0; f < floors.Count; f++)
            foreach (var (metric, value) in floorRows[f])
                report.Add($"{floors[f].Label}: {metric}", "–", value, null);

        // Both rows are held against nginx's hop from the pass-through round. Measured in the translated round, it came out
        // at 6.3 and 21.8 ms in two runs against 1.3 and 2.3 ms in their pass-through rounds (the gateway's work after each
        // translated reply shares the two cores with the nginx request that follows), which flattered the ratio. The translated
        // round still sends its nginx requests, unused, so the gateway is timed under the same interleaving in both rounds.
        double? nginxPassThroughAdded = null;
        foreach (var (name, alias, goal) in new[] { ("pass-through", Workloads.PassThroughAlias, 2.0), ("translated", Workloads.TranslatedAlias, 4.0) })
        {
            var big = Workloads.ConversationRequest(alias, false);
            var bigUpstream = Workloads.ConversationRequest("deepseek-v4-pro", false);
            var (bd, bn, bg) = (new List<double>(), new List<double>(), new List<double>());
            // 60 interleaved triples: with 30, nginx's own 2 MiB hop moved between 1.1 and 1.8 ms from run to run.
            for (var i = 0; i < (quick ? 10 : 60); i++)
            {
                bd.Add(await driver.TimeAsync(Direct("/anthropic/v1/messages"), bigUpstream));
                bn.Add(await driver.TimeAsync(ViaNginx("/v1/messages"), bigUpstream));
                bg.Add(await driver.TimeAsync(ViaGateway("/v1/messages"), big));
            }
            var nAdded = nginxPassThroughAdded ??= Stats.Median(bn) - Stats.Median(bd);
            var gAdded = Stats.Median(bg) - Stats.Median(bd);
            report.Add($"added latency, 2 MiB request, {name}, vs nginx's pass-through", $"≤ {goal}× nginx's", $"{gAdded:0.00} vs {nAdded:0.00} ms ({gAdded / nAdded:0.0}×)", gAdded <= goal * nAdded);
        }

        report.Add("time to listen, nginx (exec → first 200)", "–", $"{nginx.TimeToListen.TotalMilliseconds:0} ms", null);
    }

    private static async Task<(double PerSecond, double CpuMicroseconds)> MeasureAsync(LoadDriver driver, Uri uri, byte[] body, Func<TimeSpan> cpuTime, double seconds)
    {
        var before = cpuTime();
        var run = await driver.ThroughputAsync(uri, body, 32, seconds);
        return (run.PerSecond, (cpuTime() - before).TotalMicroseconds / Math.Max(1, run.Requests));
    }

    /// <summary>One added latency over another, or a dash when the other is too close to nothing to divide by.</summary>
    private static string Ratio(double of, double to) => to > 0.001 ? $"{of / to:0.00}×" : "–";

    /// <summary>Per-round ratios of two candidates measured in the same rounds.</summary>
    private static List<double> Ratios(List<double> of, List<double> to) => of.Zip(to, (a, b) => a / b).ToList();
}
