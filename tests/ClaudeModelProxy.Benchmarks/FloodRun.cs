using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ClaudeModelProxy.Benchmarks;

/// <summary>
/// The flood figures for the README's Limits section, measured once: RSS and descriptors of the
/// gateway around thousands of idle keep-alive connections, the latency of a normal request while
/// slow clients trickle their headers, and memory after a flood of streams aborted mid-way.
/// Every phase is bounded; nothing here is asserted.
/// </summary>
public static class FloodRun
{
    public static async Task RunAsync(GatewayProcess gateway, bool quick)
    {
        var idleCount = quick ? 500 : 2000;
        var slowCount = quick ? 100 : 300;
        var abortCount = quick ? 500 : 2000;
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.Port}"), Timeout = TimeSpan.FromSeconds(30) };

        for (var i = 0; i < 200; i++) await SendNormalAsync(client);
        Line("baseline (after 200 requests)", gateway);
        var quiet = await LatencyAsync(client, 50);
        Console.WriteLine($"  normal request latency, quiet: p50 {quiet.P50:0.00} ms, max {quiet.Max:0.00} ms");

        // 1. Idle keep-alive connections: each made one request and then holds its connection open.
        var idle = new List<TcpClient>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < idleCount; i++)
        {
            var socket = new TcpClient();
            await socket.ConnectAsync(IPAddress.Loopback, gateway.Port);
            var stream = socket.GetStream();
            await stream.WriteAsync("HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray());
            var buffer = new byte[1024];
            _ = await stream.ReadAsync(buffer);
            idle.Add(socket);
        }
        Console.WriteLine($"{idleCount} idle keep-alive connections opened in {clock.Elapsed.TotalSeconds:0.0} s");
        await Task.Delay(1000);
        Line($"holding {idleCount} idle connections", gateway);
        var whileIdle = await LatencyAsync(client, 50);
        Console.WriteLine($"  normal request latency while they are held: p50 {whileIdle.P50:0.00} ms, max {whileIdle.Max:0.00} ms");
        foreach (var socket in idle) socket.Dispose();
        await Task.Delay(2000);
        Line("after closing them", gateway);

        // 2. Slow clients: each trickles its request head one byte every 500 ms (cut off after 15 s by the gateway).
        using var stopTrickle = new CancellationTokenSource(TimeSpan.FromSeconds(quick ? 8 : 20));
        var cutOff = 0;
        var head = Encoding.ASCII.GetBytes("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nx-pad: " + new string('p', 200) + "\r\n");
        var trickles = Enumerable.Range(0, slowCount).Select(_ => Task.Run(async () =>
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync(IPAddress.Loopback, gateway.Port);
            var stream = socket.GetStream();
            try
            {
                foreach (var b in head)
                {
                    await stream.WriteAsync(new[] { b }, stopTrickle.Token);
                    await Task.Delay(500, stopTrickle.Token);
                }
            }
            catch (IOException)
            {
                Interlocked.Increment(ref cutOff);
            }
            catch (OperationCanceledException)
            {
            }
        })).ToArray();
        await Task.Delay(1000);
        var duringSlow = await LatencyAsync(client, 100);
        Console.WriteLine($"{slowCount} slow clients trickling headers: normal request latency p50 {duringSlow.P50:0.00} ms, max {duringSlow.Max:0.00} ms");
        Line($"during the slow-client flood", gateway);
        await Task.WhenAll(trickles);
        Console.WriteLine($"  {cutOff} of {slowCount} slow clients were cut off by the gateway within the run");

        // 3. Aborted streams: each stream request is dropped after its first bytes; six rounds show whether memory levels off.
        MockUpstream.StreamEventDelayMs = 20;
        for (var round = 1; round <= 6; round++)
        {
            clock.Restart();
            var aborted = await AbortStreamsAsync(gateway, abortCount);
            Console.WriteLine($"round {round}: {aborted} streams aborted mid-way in {clock.Elapsed.TotalSeconds:0.0} s");
            await Task.Delay(2000);
            Line($"  after round {round}", gateway);
        }
        MockUpstream.StreamEventDelayMs = 0;
        for (var i = 0; i < 200; i++) await SendNormalAsync(client);
        Line("after 200 more normal requests", gateway);
    }

    private static async Task<int> AbortStreamsAsync(GatewayProcess gateway, int abortCount)
    {
        var aborted = 0;
        await Parallel.ForAsync(0, abortCount, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (_, _) =>
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync(IPAddress.Loopback, gateway.Port);
            var stream = socket.GetStream();
            var body = Workloads.SmallRequest(Workloads.PassThroughAlias, stream: true);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n"));
            await stream.WriteAsync(body);
            var buffer = new byte[512];
            _ = await stream.ReadAsync(buffer);
            socket.Client.LingerState = new LingerOption(true, 0); // a reset, as a killed client sends
            Interlocked.Increment(ref aborted);
        });
        return aborted;
    }

    private static async Task SendNormalAsync(HttpClient client)
    {
        using var content = new ByteArrayContent(Workloads.SmallRequest(Workloads.PassThroughAlias, stream: false));
        content.Headers.ContentType = new("application/json");
        using var response = await client.PostAsync("/v1/messages", content);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"a normal request got HTTP {(int)response.StatusCode}");
        await response.Content.ReadAsByteArrayAsync();
    }

    private static async Task<(double P50, double Max)> LatencyAsync(HttpClient client, int count)
    {
        var samples = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            await SendNormalAsync(client);
            samples.Add(clock.Elapsed.TotalMilliseconds);
        }
        samples.Sort();
        return (samples[count / 2], samples[^1]);
    }

    private static void Line(string phase, GatewayProcess gateway) =>
        Console.WriteLine($"{phase}: RSS {gateway.RssBytes / (1024.0 * 1024):0.0} MiB, {gateway.OpenFileDescriptors} descriptors");
}
