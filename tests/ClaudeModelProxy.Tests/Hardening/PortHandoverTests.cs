using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using ClaudeModelProxy.Gateway;
using ClaudeModelProxy.Service;
using ClaudeModelProxy.Tests.Service;
using ClaudeModelProxy.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace ClaudeModelProxy.Tests.Hardening;

/// <summary><c>restart</c> of the background gateway while a client keeps sending: on Linux the port is handed over without a refused connection, and a stream in flight finishes.</summary>
public partial class PortHandoverTests(ITestOutputHelper output)
{
    private const string JsonReply = """{"id":"msg_1","type":"message","role":"assistant","model":"deepseek-v4-pro","content":[{"type":"text","text":"hi"}],"usage":{"input_tokens":3,"output_tokens":1}}""";

    [Fact]
    public async Task RestartHandsThePortOverWithoutRefusingAConnectionAndFinishesTheStreamInFlight()
    {
        if (!OperatingSystem.IsLinux()) return; // elsewhere restart is stop-then-start; the README says so
        using var home = new TempHome();
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = async (context, recorded) =>
        {
            if (!recorded.BodyText.Contains("\"stream\":true"))
            {
                await FakeUpstream.Json(JsonReply)(context, recorded);
                return;
            }
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"deepseek-v4-pro\",\"content\":[],\"usage\":{\"input_tokens\":1,\"output_tokens\":0}}}\n\n");
            await context.Response.Body.FlushAsync();
            await Task.Delay(3000); // the restart happens meanwhile
            await context.Response.WriteAsync("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        };
        var port = FreePort.Next();
        var env = new Dictionary<string, string?> { ["HOME"] = home.Path, [ProxyPaths.StateDirectoryVariable] = home.StateDirectory, ["PORT"] = port.ToString() };
        var envFile = Path.Combine(home.Path, "proxy.env");
        File.WriteAllText(envFile, $"DEEPSEEK_BASE_URL={upstream.BaseUrl}\nDEEPSEEK_API_KEY=sk-deepseek-handover-test\nSHUTDOWN_GRACE_SECONDS=20\n");
        var pidFile = Path.Combine(home.StateDirectory, "gateway.pid");
        var started = new List<int>();
        try
        {
            var start = await ProxyCli.RunAsync(env, "start", "--env-file", envFile);
            start.ExitCode.ShouldBe(0, start.ToString());
            started.Add(StartedPid(start.Stdout));

            // A stream that is in flight during the whole restart.
            using var streamClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
            var streaming = streamClient.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-deepseek-v4-pro","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"hi"}]}"""));
            await Eventually.TrueAsync(() => Task.FromResult(upstream.Requests.Count == 1), TimeSpan.FromSeconds(10), "the stream reached the upstream");

            // A client sending continuously, each request on a new connection, as a fresh Claude Code would.
            using var stopSending = new CancellationTokenSource();
            var failures = new List<string>();
            var sent = 0;
            var sender = Task.Run(async () =>
            {
                while (!stopSending.IsCancellationRequested)
                {
                    try
                    {
                        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
                        var request = TestGateway.MessagesRequest("""{"model":"claude-deepseek-v4-pro","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""");
                        request.Headers.ConnectionClose = true;
                        using var reply = await client.SendAsync(request);
                        if (reply.StatusCode != HttpStatusCode.OK) lock (failures) failures.Add($"HTTP {(int)reply.StatusCode}");
                    }
                    catch (HttpRequestException e)
                    {
                        lock (failures) failures.Add(e.Message);
                    }
                    Interlocked.Increment(ref sent);
                    await Task.Delay(10);
                }
            });

            await Task.Delay(500);
            var clock = Stopwatch.StartNew();
            var restart = await ProxyCli.RunAsync(env, "restart");
            var restartTook = clock.Elapsed;
            restart.ExitCode.ShouldBe(0, restart.ToString());
            started.Add(StartedPid(restart.Stdout));
            restart.Stdout.ShouldContain("without a gap");
            await Task.Delay(500);
            await stopSending.CancelAsync();
            await sender;

            output.WriteLine($"restart took {restartTook.TotalMilliseconds:0} ms; {sent} requests sent across it, {failures.Count} failed");
            failures.ShouldBeEmpty();
            sent.ShouldBeGreaterThan(10);

            using var streamed = await streaming;
            var text = await streamed.Content.ReadAsStringAsync();
            text.ShouldContain("event: message_stop");
            text.ShouldNotContain("event: error");
            ProcessInspector.IsAlive(started[0]).ShouldBeFalse("the old gateway exited after draining");

            var stop = await ProxyCli.RunAsync(env, "stop");
            stop.ExitCode.ShouldBe(0, stop.ToString());
            File.ReadAllText(Path.Combine(home.StateDirectory, "gateway.log")).ShouldNotContain("sk-deepseek-handover-test");
        }
        finally
        {
            foreach (var pid in started.Where(ProcessInspector.IsAlive)) ProcessInspector.Kill(pid);
        }
    }

    [Fact]
    public async Task WhileTwoGatewaysShareThePortEveryNewConnectionGoesToTheNewcomer()
    {
        // The old gateway closes its listening socket at stop; a connection still waiting in its accept
        // queue then is reset by the kernel. So none may be queued there once the newcomer listens.
        if (!OperatingSystem.IsLinux()) return;
        var endpoint = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        using var old = ListenSocket.Create(endpoint, takeOver: false);
        old.Listen(512);
        using var newcomer = ListenSocket.Create(endpoint, takeOver: true);
        newcomer.Listen(512);
        ListenSocket.SteerNewConnectionsHere(newcomer).ShouldBeNull();

        const int connections = 64;
        var clients = new List<Socket>();
        try
        {
            for (var i = 0; i < connections; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                clients.Add(client);
                await client.ConnectAsync(endpoint);
            }
            AcceptAllWaiting(newcomer).ShouldBe(connections);
            AcceptAllWaiting(old).ShouldBe(0, "the old gateway's accept queue must stay empty while it is about to close");

            // The newcomer gone (a failed start): the old gateway takes connections again.
            newcomer.Close();
            using var late = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await late.ConnectAsync(endpoint);
            AcceptAllWaiting(old).ShouldBe(1);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    private static int AcceptAllWaiting(Socket listener)
    {
        var accepted = 0;
        while (listener.Poll(TimeSpan.FromMilliseconds(200), SelectMode.SelectRead))
        {
            listener.Accept().Dispose();
            accepted++;
        }
        return accepted;
    }

    [Fact]
    public async Task AnotherGatewayStartedNormallyStillFindsThePortBusy()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var port = FreePort.Next();
        var env = new Dictionary<string, string?> { ["PORT"] = port.ToString() };
        var first = ProxyProcess.Start(env, "serve");
        await using (first)
        {
            await Eventually.TrueAsync(() => Eventually.PortAnswersAsync(port), TimeSpan.FromSeconds(20), "the first gateway answers");
            var second = await ProxyCli.RunAsync(env, "serve");
            second.ExitCode.ShouldNotBe(0, second.ToString());
            // One line that says what to do: no host failure log with its stack before it, no doubled full stop.
            // (Off Linux, Kestrel's own bind names the address with its scheme.)
            var error = second.Stderr.Split('\n').Where(line => line.StartsWith("error: ")).ShouldHaveSingleItem(second.ToString());
            error.ShouldStartWith($"error: cannot listen on http://127.0.0.1:{port}: Failed to bind to address ");
            error.TrimEnd().ShouldEndWith($"127.0.0.1:{port}: address already in use. Stop the program using port {port} or set PORT to a free port.");
            second.Stderr.ShouldNotContain("fail:");
            second.Stderr.ShouldNotContain("Hosting failed to start");
            first.Process.HasExited.ShouldBeFalse();
        }
    }

    [Fact]
    public async Task TheAspNetCoreAddressVariablesOfADotnetContainerNeitherMoveTheGatewayNorWarn()
    {
        var port = FreePort.Next();
        var elsewhere = FreePort.Next();
        var env = new Dictionary<string, string?>
        {
            ["PORT"] = port.ToString(),
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{elsewhere}",
            ["ASPNETCORE_HTTP_PORTS"] = elsewhere.ToString(),
            ["ASPNETCORE_HTTPS_PORTS"] = elsewhere.ToString(),
        };
        await using var gateway = ProxyProcess.Start(env, "serve");
        await Eventually.TrueAsync(() => Eventually.PortAnswersAsync(port), TimeSpan.FromSeconds(20), "the gateway answers on PORT");
        (await Eventually.PortAnswersAsync(elsewhere)).ShouldBeFalse("nothing listens where ASPNETCORE_URLS points");
        // Log lines leave in order: once a request's line is out, any warning from the start is out too.
        const string json = """{"model":"made-up-model","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""";
        (await RawHttp.SendAsync(port, RawHttp.PostHead($"Content-Length: {json.Length}") + json, TimeSpan.FromSeconds(10))).Status.ShouldBe(404);
        await Eventually.TrueAsync(() => Task.FromResult(gateway.Stderr.Contains("POST /v1/messages - 404")), TimeSpan.FromSeconds(5), "the request was logged");
        gateway.Stderr.ShouldNotContain("Overriding address");
        gateway.Stderr.ShouldNotContain("warn:");
    }

    private static int StartedPid(string stdout) =>
        int.Parse(StartedPattern().Match(stdout) is { Success: true } match ? match.Groups[1].Value : throw new ShouldAssertException("no pid in: " + stdout));

    [GeneratedRegex(@"Started in the background: pid (\d+)")]
    private static partial Regex StartedPattern();
}
