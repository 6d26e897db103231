using System.Diagnostics;
using System.Net.Sockets;

namespace ClaudeModelProxy.Benchmarks;

/// <summary>
/// Cold starts of the published gateway (exec → first /healthz 200, then idle RSS) beside a
/// minimal Node HTTP server measured the same way in the same run: the floor to compare with.
/// </summary>
public static class StartupTimer
{
    private const string NodeServer = "require('http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')";

    public static async Task RunAsync(string gatewayExecutable, int runs, Report report)
    {
        var gatewayTimes = new List<double>();
        var gatewayRss = new List<double>();
        var nodeTimes = new List<double>();
        var nodeRss = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var (time, rss) = await MeasureAsync(gatewayExecutable, ["serve"], "/healthz");
            gatewayTimes.Add(time);
            gatewayRss.Add(rss);
            (time, rss) = await MeasureAsync("node", ["-e", NodeServer], "/");
            nodeTimes.Add(time);
            nodeRss.Add(rss);
        }
        var timeRatio = Stats.Median(gatewayTimes) / Stats.Median(nodeTimes);
        var rssRatio = Stats.Median(gatewayRss) / Stats.Median(nodeRss);
        report.Add($"time to listen, {Path.GetFileName(Path.GetDirectoryName(gatewayExecutable))}/{Path.GetFileName(gatewayExecutable)} ({runs} cold starts)", "≤ 0.8× minimal Node",
            $"{timeRatio:0.00}× — gateway {Stats.MedianRange(gatewayTimes, "0.0")} ms, node {Stats.MedianRange(nodeTimes, "0.0")} ms", timeRatio <= 0.8);
        report.Add("idle RSS", "≤ 25 MiB (and ≤ 0.75× minimal Node)",
            $"gateway {Stats.MedianRange(gatewayRss, "0.0")} MiB, {rssRatio:0.00}× node's {Stats.MedianRange(nodeRss, "0.0")} MiB", Stats.Median(gatewayRss) <= 25 && rssRatio <= 0.75);
    }

    private static async Task<(double Milliseconds, double RssMiB)> MeasureAsync(string executable, string[] arguments, string path)
    {
        var port = FreePort();
        var info = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        info.Environment["PORT"] = port.ToString();
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromMilliseconds(200) });
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            while (true)
            {
                try
                {
                    using var response = await client.GetAsync($"http://127.0.0.1:{port}{path}");
                    if (response.IsSuccessStatusCode) break;
                }
                catch (HttpRequestException)
                {
                }
                if (clock.Elapsed > TimeSpan.FromSeconds(20)) throw new TimeoutException($"{executable} never answered");
                await Task.Delay(1);
            }
            var elapsed = clock.Elapsed.TotalMilliseconds;
            await Task.Delay(1000);
            return (elapsed, GatewayProcess.ProcStatus(process.Id, "VmRSS:") / 1024.0 / 1024.0);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
