using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Hardening;

/// <summary>Every bound in the README's "Limits" section holds, refuses with a clear status, forwards nothing and leaves the gateway healthy.</summary>
public class ResourceLimitTests : GatewayBehindFake
{
    private const string Body = """{"model":"claude-glm-5.1","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""";

    protected override Task<TestGateway> StartGatewayAsync(FakeUpstream fake) =>
        TestGateway.StartAsync(TestGateway.AllProvidersAt(fake), adjust: s => s with
        {
            Limits = s.Limits with
            {
                MaxConnections = 6,
                MaxUpstreamRequestsPerProvider = 2,
                ClientHeadersTimeout = TimeSpan.FromSeconds(2),
                MinClientBodyGrace = TimeSpan.FromSeconds(2),
            },
        });

    private int Port => gateway.Settings.Port;

    private async Task ShouldStayHealthyWithNothingForwarded(RawReply reply)
    {
        reply.Body.ShouldNotContain("sk-test-");
        reply.Head.ShouldNotContain("sk-test-");
        upstream.Requests.ShouldBeEmpty();
        await Eventually.ServesAsync(Port);
    }

    [Fact]
    public async Task MoreThanAHundredHeaderLinesIsA431()
    {
        var headers = Enumerable.Range(0, 101).Select(i => $"x-filler-{i}: {i}").Append($"Content-Length: {Body.Length}").ToArray();
        var reply = await RawHttp.SendAsync(Port, RawHttp.PostHead(headers) + Body);
        reply.Status.ShouldBe(431, reply.Head);
        ShouldBeAnthropicError(reply, "invalid_request_error", "at most 100");
        await ShouldStayHealthyWithNothingForwarded(reply);
    }

    [Fact]
    public async Task FarMoreHeaderLinesThanThatAreStillA431()
    {
        var headers = Enumerable.Range(0, 250).Select(i => $"x-filler-{i}: {i}").Append($"Content-Length: {Body.Length}").ToArray();
        var reply = await RawHttp.SendAsync(Port, RawHttp.PostHead(headers) + Body);
        reply.Status.ShouldBe(431, reply.Head);
        await ShouldStayHealthyWithNothingForwarded(reply);
    }

    private static void ShouldBeAnthropicError(RawReply reply, string type, string message)
    {
        reply.ErrorType.ShouldBe(type, reply.Body);
        reply.ErrorMessage.ShouldNotBeNull().ShouldContain(message);
    }

    [Fact]
    public async Task HeadersOver32KibIsA431()
    {
        var reply = await RawHttp.SendAsync(Port, RawHttp.PostHead("x-big: " + new string('a', 33 * 1024), $"Content-Length: {Body.Length}") + Body);
        reply.Status.ShouldBe(431, reply.Head);
        ShouldBeAnthropicError(reply, "invalid_request_error", "at most 32 KiB");
        await ShouldStayHealthyWithNothingForwarded(reply);
    }

    [Fact]
    public async Task ARequestLineOver8KibIsA414()
    {
        var reply = await RawHttp.SendAsync(Port, $"GET /v1/models/{new string('m', 9 * 1024)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        reply.Status.ShouldBe(414, reply.Head);
        ShouldBeAnthropicError(reply, "invalid_request_error", "at most 8 KiB");
        await ShouldStayHealthyWithNothingForwarded(reply);
    }

    [Theory]
    [InlineData("/v1/../v1/messages")]
    [InlineData("/v1/x/../messages")]
    [InlineData("/v1/./messages")]
    [InlineData("/v1/messages/..")]
    [InlineData("./v1/messages")]
    [InlineData("/v1/%2e%2e/v1/messages")]
    [InlineData("/v1/%2E%2E/v1/messages")]
    [InlineData("/v1/x/%2e./messages")]
    [InlineData("/v1%2fmessages")]
    [InlineData("/v1%2Fmessages")]
    [InlineData("/v1\\messages")]
    [InlineData("/v1/%5c/messages")]
    public async Task DotSegmentsAndEncodedSeparatorsNeverReachRouting(string target)
    {
        var reply = await RawHttp.SendAsync(Port, $"POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {Body.Length}\r\n\r\n{Body}");
        reply.Status.ShouldBeOneOf([400, 404], reply.Head + "\n" + reply.Body);
        if (reply.ErrorType is { } type) type.ShouldBe("invalid_request_error");
        await ShouldStayHealthyWithNothingForwarded(reply);
    }

    [Fact]
    public async Task HeadersTrickledByteByByteAreCutOffWhileOtherClientsAreServed()
    {
        using var slow = new TcpClient();
        await slow.ConnectAsync(IPAddress.Loopback, Port);
        var stream = slow.GetStream();
        var head = Encoding.ASCII.GetBytes(RawHttp.PostHead($"Content-Length: {Body.Length}", "x-pad: " + new string('p', 200)));
        var trickle = Task.Run(async () =>
        {
            try
            {
                foreach (var b in head)
                {
                    await stream.WriteAsync(new[] { b });
                    await Task.Delay(50);
                }
            }
            catch (IOException)
            {
                // Cut off: what the test wants.
            }
        });

        // Meanwhile a normal client is served.
        var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest(Body));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        upstream.Requests.Count.ShouldBe(1);

        var clock = Stopwatch.StartNew();
        var reply = await RawHttp.ReadReplyAsync(stream, TimeSpan.FromSeconds(20));
        reply.Status.ShouldBe(408, reply.Head);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(15)); // generous: the limit is 2 s here
        await trickle;
        upstream.Requests.Count.ShouldBe(1);
        await Eventually.ServesAsync(Port);
    }

    [Fact]
    public async Task ABodyTrickledByteByByteIsCutOffWithA408AndNotForwarded()
    {
        using var slow = new TcpClient();
        await slow.ConnectAsync(IPAddress.Loopback, Port);
        var stream = slow.GetStream();
        var padded = Body.Replace("\"hi\"", "\"" + new string('h', 2000) + "\"");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(RawHttp.PostHead($"Content-Length: {padded.Length}")));
        var trickle = Task.Run(async () =>
        {
            try
            {
                foreach (var b in Encoding.ASCII.GetBytes(padded))
                {
                    await stream.WriteAsync(new[] { b });
                    await Task.Delay(100);
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
            }
        });
        var reply = await RawHttp.ReadReplyAsync(stream, TimeSpan.FromSeconds(30));
        reply.Status.ShouldBe(408, reply.Head);
        reply.ErrorType.ShouldBe("invalid_request_error", reply.Body);
        slow.Close();
        await trickle;
        await ShouldStayHealthyWithNothingForwarded(reply);
    }

    [Fact]
    public async Task AConnectionOverMaxConnectionsGetsA529OverloadedErrorAtOnce()
    {
        var held = new List<TcpClient>();
        try
        {
            for (var i = 0; i < gateway.Settings.Limits.MaxConnections; i++)
            {
                var idle = new TcpClient();
                await idle.ConnectAsync(IPAddress.Loopback, Port);
                held.Add(idle);
            }
            // Let the gateway accept them all before the one that is over the cap.
            await Task.Delay(300);
            var reply = await RawHttp.SendAsync(Port, RawHttp.PostHead($"Content-Length: {Body.Length}") + Body, TimeSpan.FromSeconds(5));
            reply.Status.ShouldBe(529, reply.Head);
            reply.ErrorType.ShouldBe("overloaded_error");
            reply.Head.ShouldContain("Connection: close");
            upstream.Requests.ShouldBeEmpty();
        }
        finally
        {
            foreach (var idle in held) idle.Dispose();
        }
        await Eventually.TrueAsync(() => Eventually.PortAnswersAsync(Port), TimeSpan.FromSeconds(5), "the gateway answers again once the idle connections closed");
    }

    [Fact]
    public async Task ARequestOverTheProviderCapGetsA529AtOnceWhileOtherProvidersStillWork()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reply = FakeUpstream.Json("""{"type":"message","model":"glm-5.1","content":[]}""");
        upstream.Handler = async (context, recorded) =>
        {
            if (recorded.Path.StartsWith("/glm", StringComparison.Ordinal)) await release.Task;
            await reply(context, recorded);
        };
        var stuck = Enumerable.Range(0, 2).Select(_ => gateway.Client.SendAsync(TestGateway.MessagesRequest(Body))).ToArray();
        await Eventually.TrueAsync(() => Task.FromResult(upstream.Requests.Count == 2), TimeSpan.FromSeconds(10), "both requests reached the upstream");

        var refused = await gateway.Client.SendAsync(TestGateway.MessagesRequest(Body));
        ((int)refused.StatusCode).ShouldBe(529);
        var text = await refused.Content.ReadAsStringAsync();
        text.ShouldContain("overloaded_error");
        text.ShouldContain("MAX_UPSTREAM_REQUESTS_PER_PROVIDER");
        text.ShouldNotContain("sk-test-");
        upstream.Requests.Count.ShouldBe(2);

        var other = await gateway.Client.SendAsync(TestGateway.MessagesRequest(Body.Replace("claude-glm-5.1", "claude-kimi-k2.6")));
        other.StatusCode.ShouldBe(HttpStatusCode.OK);

        release.SetResult();
        foreach (var response in await Task.WhenAll(stuck)) response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await gateway.Client.SendAsync(TestGateway.MessagesRequest(Body))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
