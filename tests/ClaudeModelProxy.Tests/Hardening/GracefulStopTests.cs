using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ClaudeModelProxy.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Tests.Hardening;

/// <summary>
/// The real executable (<c>serve</c>) on SIGTERM: no new connections, streams in flight finish, a
/// stream still running when SHUTDOWN_GRACE_SECONDS runs out ends with an error event, then it exits.
/// </summary>
public class GracefulStopTests : IAsyncLifetime
{
    private const string MessageStart = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"glm-5.1\",\"content\":[],\"usage\":{\"input_tokens\":1,\"output_tokens\":0}}}\n\n";
    private const string BlockStart = "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n";
    private const string Delta = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"tick \"}}\n\n";
    private const string End = "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\nevent: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":10}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    private const string StreamRequest = """{"model":"claude-glm-5.1","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"count"}]}""";

    private FakeUpstream upstream = null!;

    public async Task InitializeAsync() => upstream = await FakeUpstream.StartAsync();

    public async Task DisposeAsync() => await upstream.DisposeAsync();

    private async Task<(ProxyProcess Proxy, int Port)> StartServeAsync(int graceSeconds, int? upstreamRetries = null)
    {
        var port = FreePort.Next();
        var env = TestGateway.AllProvidersAt(upstream);
        env["PORT"] = port.ToString();
        env["SHUTDOWN_GRACE_SECONDS"] = graceSeconds.ToString();
        if (upstreamRetries is { } retries) env["UPSTREAM_RETRIES"] = retries.ToString();
        var proxy = ProxyProcess.Start(env, "serve");
        await Eventually.TrueAsync(() => Eventually.PortAnswersAsync(port), TimeSpan.FromSeconds(20), "the gateway answers");
        return (proxy, port);
    }

    private static async Task SendSigtermAsync(Process process)
    {
        using var kill = Process.Start("/bin/sh", ["-c", $"kill -TERM {process.Id}"])!;
        await kill.WaitForExitAsync();
    }

    /// <summary>Sends a stream request on a raw socket and returns once the first event has arrived.</summary>
    private static async Task<(TcpClient Socket, NetworkStream Stream, StringBuilder Received)> OpenStreamAsync(int port)
    {
        var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(RawHttp.PostHead($"Content-Length: {StreamRequest.Length}") + StreamRequest));
        var received = new StringBuilder();
        var buffer = new byte[8192];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!received.ToString().Contains("message_start"))
        {
            var read = await stream.ReadAsync(buffer, deadline.Token);
            if (read == 0) break;
            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        return (socket, stream, received);
    }

    private static async Task<string> ReadToEndAsync(NetworkStream stream, StringBuilder received, TimeSpan timeout)
    {
        var buffer = new byte[8192];
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (!received.ToString().EndsWith("0\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, deadline.Token);
                if (read == 0) break;
                received.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
        }
        return received.ToString();
    }

    private static async Task<bool> ConnectionIsRefusedAsync(int port)
    {
        using var probe = new TcpClient();
        try
        {
            await probe.ConnectAsync(IPAddress.Loopback, port);
            return false;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode == SocketError.ConnectionRefused;
        }
    }

    [Fact]
    public async Task AStreamInFlightWhenSigtermArrivesCompletesWithMessageStopWhileNewConnectionsAreRefused()
    {
        if (OperatingSystem.IsWindows()) return; // SIGTERM is a Unix signal
        upstream.Handler = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(MessageStart + BlockStart);
            await context.Response.Body.FlushAsync();
            for (var i = 0; i < 10; i++)
            {
                await Task.Delay(250);
                await context.Response.WriteAsync(Delta);
                await context.Response.Body.FlushAsync();
            }
            await context.Response.WriteAsync(End);
        };
        var (proxy, port) = await StartServeAsync(graceSeconds: 20);
        await using (proxy)
        {
            var (socket, stream, received) = await OpenStreamAsync(port);
            using (socket)
            {
                var clock = Stopwatch.StartNew();
                await SendSigtermAsync(proxy.Process);

                await Eventually.TrueAsync(() => ConnectionIsRefusedAsync(port), TimeSpan.FromSeconds(5), "a new connection is refused during the drain");

                var text = await ReadToEndAsync(stream, received, TimeSpan.FromSeconds(20));
                text.ShouldContain("event: message_stop");
                text.ShouldNotContain("event: error");
                text.Split("event: content_block_delta").Length.ShouldBe(11); // all ten deltas arrived

                (await proxy.WaitForExitAsync(TimeSpan.FromSeconds(20))).ShouldBeTrue("the process exits within the grace period");
                proxy.Process.ExitCode.ShouldBe(0);
                clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20));
            }
            upstream.Requests.Count.ShouldBe(1);
            proxy.Stderr.ShouldNotContain("sk-test-");
            proxy.Stderr.ShouldContain("SHUTDOWN_GRACE_SECONDS");
        }
    }

    [Fact]
    public async Task AStreamStillRunningWhenTheGraceRunsOutEndsWithAnErrorEventSayingTheGatewayIsStopping()
    {
        if (OperatingSystem.IsWindows()) return;
        upstream.Handler = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(MessageStart + BlockStart + Delta);
            await context.Response.Body.FlushAsync();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted); // a model that thinks for ever
            }
            catch (OperationCanceledException)
            {
            }
        };
        var (proxy, port) = await StartServeAsync(graceSeconds: 2);
        await using (proxy)
        {
            var (socket, stream, received) = await OpenStreamAsync(port);
            using (socket)
            {
                await SendSigtermAsync(proxy.Process);
                var text = await ReadToEndAsync(stream, received, TimeSpan.FromSeconds(20));
                text.ShouldContain("event: error");
                text.ShouldContain("overloaded_error");
                text.ShouldContain("gateway is stopping");
                text.ShouldContain("0\r\n\r\n"); // the response ended properly, not cut
                (await proxy.WaitForExitAsync(TimeSpan.FromSeconds(15))).ShouldBeTrue("the process exits soon after the grace period");
                proxy.Process.ExitCode.ShouldBe(0);
            }
            await Eventually.TrueAsync(() => Task.FromResult(upstream.Aborted.Task.IsCompleted), TimeSpan.FromSeconds(5), "the upstream request was cancelled");
            proxy.Stderr.ShouldNotContain("sk-test-");
        }
    }

    [Fact]
    public async Task WhenClaudeDesktopClosesTheExtensionsStdinAStreamInFlightStillCompletes()
    {
        upstream.Handler = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(MessageStart + BlockStart);
            await context.Response.Body.FlushAsync();
            for (var i = 0; i < 10; i++)
            {
                await Task.Delay(200);
                await context.Response.WriteAsync(Delta);
                await context.Response.Body.FlushAsync();
            }
            await context.Response.WriteAsync(End);
        };
        var port = FreePort.Next();
        var env = TestGateway.AllProvidersAt(upstream);
        env["PORT"] = port.ToString();
        env["SHUTDOWN_GRACE_SECONDS"] = "20";
        await using var proxy = ProxyProcess.Start(env, "mcp");
        await proxy.InitializeAsync();
        await Eventually.TrueAsync(() => Eventually.PortAnswersAsync(port), TimeSpan.FromSeconds(20), "the gateway answers");
        var (socket, stream, received) = await OpenStreamAsync(port);
        using (socket)
        {
            proxy.CloseStdin();
            await Eventually.TrueAsync(() => ConnectionIsRefusedAsync(port), TimeSpan.FromSeconds(5), "a new connection is refused during the drain");
            var text = await ReadToEndAsync(stream, received, TimeSpan.FromSeconds(20));
            text.ShouldContain("event: message_stop");
            text.ShouldNotContain("event: error");
            (await proxy.WaitForExitAsync(TimeSpan.FromSeconds(20))).ShouldBeTrue("the MCP host exits once the stream is done");
            proxy.Process.ExitCode.ShouldBe(0);
        }
        proxy.Stderr.ShouldNotContain("sk-test-");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // a stream whose upstream has not sent its headers yet
    public async Task ARequestStillWaitingForItsUpstreamWhenTheGraceRunsOutGetsA529SayingTheGatewayIsStopping(bool stream)
    {
        if (OperatingSystem.IsWindows()) return;
        upstream.Handler = async (context, _) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
        };
        var (proxy, port) = await StartServeAsync(graceSeconds: 2);
        await using (proxy)
        {
            var reply = await SendThenStopAsync(proxy, port, stream);
            reply.Body.ShouldNotContain("sk-test-");
            (await proxy.WaitForExitAsync(TimeSpan.FromSeconds(15))).ShouldBeTrue("the process exits soon after the grace period");
            proxy.Process.ExitCode.ShouldBe(0);
            await Eventually.TrueAsync(() => Task.FromResult(upstream.Aborted.Task.IsCompleted), TimeSpan.FromSeconds(5), "the upstream request was cancelled");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // a stream is not cancelled with the stop as a JSON request is: its wait must end by itself
    public async Task ARequestWaitingToRetryWhenTheGraceRunsOutGetsA529InsteadOfItsRetry(bool stream)
    {
        if (OperatingSystem.IsWindows()) return;
        // Anthropic's overload answer, with a Retry-After the gateway waits out (under 20 s) before its retry.
        upstream.Handler = async (context, _) =>
        {
            context.Response.StatusCode = 529;
            context.Response.Headers["retry-after"] = "15";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
        };
        var (proxy, port) = await StartServeAsync(graceSeconds: 2, upstreamRetries: 2);
        await using (proxy)
        {
            await SendThenStopAsync(proxy, port, stream);
            upstream.Requests.Count.ShouldBe(1, "the retry was not sent once the grace ran out");
            (await proxy.WaitForExitAsync(TimeSpan.FromSeconds(15))).ShouldBeTrue("the process exits soon after the grace period");
        }
    }

    /// <summary>Sends a small request, stops the gateway once the upstream has it, and expects the 529 of a gateway that is stopping.</summary>
    private async Task<RawReply> SendThenStopAsync(ProxyProcess proxy, int port, bool stream)
    {
        var json = $$"""{"model":"claude-glm-5.1","max_tokens":5,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""";
        var pending = RawHttp.SendAsync(port, RawHttp.PostHead($"Content-Length: {json.Length}") + json, TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => Task.FromResult(upstream.Requests.Count == 1), TimeSpan.FromSeconds(10), "the request reached the upstream");
        await SendSigtermAsync(proxy.Process);
        var reply = await pending;
        reply.Status.ShouldBe(529, reply.Head + "\n" + reply.Body);
        reply.ErrorType.ShouldBe("overloaded_error");
        reply.ErrorMessage!.ShouldContain("gateway is stopping");
        return reply;
    }

    [Fact]
    public async Task AnIdleGatewayStopsAtOnceOnSigterm()
    {
        if (OperatingSystem.IsWindows()) return;
        var (proxy, port) = await StartServeAsync(graceSeconds: 30);
        await using (proxy)
        {
            // An idle keep-alive connection (as a client pool holds) must not hold the stop up.
            using var idle = new TcpClient();
            await idle.ConnectAsync(IPAddress.Loopback, port);
            var clock = Stopwatch.StartNew();
            await SendSigtermAsync(proxy.Process);
            (await proxy.WaitForExitAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue("an idle gateway does not wait out the grace period");
            proxy.Process.ExitCode.ShouldBe(0);
            Console.Error.WriteLine($"idle SIGTERM exit: {clock.ElapsedMilliseconds} ms");
        }
    }
}
