using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ClaudeModelProxy.Gateway;
using ClaudeModelProxy.Gateway.Failures;
using ClaudeModelProxy.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Tests.Faults;

/// <summary>Upstreams that misbehave on command; each fault maps to one Anthropic status or SSE error, and nothing leaks.</summary>
public class UpstreamFaultTests
{
    private const string Request = """{"model":"claude-glm-5.1","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""";
    private const string StreamRequest = """{"model":"claude-glm-5.1","stream":true,"max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""";
    private const string MessageStart = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"glm-5.1\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n";

    private static async Task<(FakeUpstream Upstream, TestGateway Gateway)> StartAsync(Func<HttpContext, RecordedRequest, Task> handler, params (string Key, string Value)[] settings)
    {
        var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = handler;
        var env = TestGateway.AllProvidersAt(upstream);
        foreach (var (key, value) in settings) env[key] = value;
        return (upstream, await TestGateway.StartAsync(env));
    }

    private static async Task<JsonElement> ErrorBody(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");

    private static void ShouldNotLeakKeys(string text)
    {
        foreach (var provider in ClaudeModelProxy.Core.Providers.ProviderCatalog.All) text.ShouldNotContain(TestGateway.KeyOf(provider.Id));
    }

    [Theory]
    [InlineData(500, "api_error")]
    [InlineData(502, "api_error")]
    [InlineData(503, "overloaded_error")]
    [InlineData(529, "overloaded_error")]
    public async Task ServerErrorsWithHtmlBodiesKeepTheirStatusAndBecomeAnthropicErrors(int status, string errorType)
    {
        var (upstream, gateway) = await StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html><body>Bad Gateway</body></html>");
        }, ("UPSTREAM_RETRIES", "0"));
        await using var _ = upstream;
        await using var __ = gateway;

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest(Request));

        ((int)response.StatusCode).ShouldBe(status);
        var error = await ErrorBody(response);
        error.GetProperty("type").GetString().ShouldBe(errorType);
        error.GetProperty("message").GetString()!.ShouldContain("Bad Gateway");
        await Eventually.ServesAsync(gateway.Settings.Port);
    }

    [Fact]
    public async Task RateLimitsAreRetriedHonouringRetryAfterThenSucceed()
    {
        var attempts = 0;
        var (upstream, gateway) = await StartAsync(async (context, _) =>
        {
            if (Interlocked.Increment(ref attempts) <= 2)
            {
                context.Response.StatusCode = attempts == 1 ? 429 : 529;
                context.Response.Headers["retry-after"] = "0";
                await context.Response.WriteAsync("""{"type":"error","error":{"type":"rate_limit_error","message":"slow"}}""");
                return;
            }
            await FakeUpstream.Json("""{"type":"message","model":"glm-5.1","content":[]}""")(context, null!);
        });
        await using var _ = upstream;
        await using var __ = gateway;

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest(Request));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        upstream.Requests.Count.ShouldBe(3);
    }

    [Fact]
    public async Task RetriesAreBoundedAndTheLastAnswerIsRelayedWithRetryAfter()
    {
        var (upstream, gateway) = await StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers["retry-after"] = "0";
            await context.Response.WriteAsync("""{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}""");
        }, ("UPSTREAM_RETRIES", "1"));
        await using var _ = upstream;
        await using var __ = gateway;

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest(Request));

        ((int)response.StatusCode).ShouldBe(429);
        response.Headers.GetValues("retry-after").ShouldBe(["0"]);
        (await ErrorBody(response)).GetProperty("type").GetString().ShouldBe("rate_limit_error");
        upstream.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task ALongRetryAfterIsRelayedInsteadOfWaitedOut()
    {
        var (upstream, gateway) = await StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers["retry-after"] = "120";
            await context.Response.WriteAsync("""{"type":"error","error":{"type":"rate_limit_error","message":"quota"}}""");
        });
        await using var _ = upstream;
        await using var __ = gateway;

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest(Request));

        ((int)response.StatusCode).ShouldBe(429);
        response.Headers.GetValues("retry-after").ShouldBe(["120"]);
        upstream.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task AStreamThatBreaksAfterItsFirstByteIsNeverRetriedAndEndsWithAnErrorEvent()
    {
        var (upstream, gateway) = await StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(MessageStart);
            await context.Response.Body.FlushAsync();
            await Task.Delay(100);
            context.Abort();
        });
        await using var _ = upstream;
        await using var __ = gateway;

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest(StreamRequest));
        var text = await response.Content.ReadAsStringAsync();

        text.ShouldStartWith("event: message_start");
        text.ShouldContain("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\"");
        text.ShouldNotContain("message_stop");
        upstream.Requests.Count.ShouldBe(1);
        await Eventually.ServesAsync(gateway.Settings.Port);
    }

    [Fact]
    public async Task AStreamThatEndsWithoutMessageStopGetsAnErrorEvent()
    {
        var (upstream, gateway) = await StartAsync(FakeUpstream.Sse(MessageStart, "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"));
        await using var _ = upstream;
        await using var __ = gateway;

        var text = await (await gateway.Client.SendAsync(TestGateway.MessagesRequest(StreamRequest))).Content.ReadAsStringAsync();

        text.ShouldEndWith("\n\n");
        text.ShouldContain("event: error");
        text.ShouldNotContain("message_stop");
    }

    [Fact]
    public async Task AStalledStreamGetsPingsThenEndsAtTheIdleLimit()
    {
        var (upstream, gateway) = await StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(MessageStart);
            await context.Response.Body.FlushAsync();
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
        }, ("STREAM_PING_SECONDS", "0.2"), ("STREAM_IDLE_TIMEOUT_SECONDS", "1"));
        await using var _ = upstream;
        await using var __ = gateway;

        var text = await (await gateway.Client.SendAsync(TestGateway.MessagesRequest(StreamRequest))).Content.ReadAsStringAsync();

        text.ShouldContain("event: ping");
        text.ShouldContain("\"type\":\"timeout_error\"");
        text.ShouldContain("STREAM_IDLE_TIMEOUT_SECONDS");
        await upstream.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task MalformedUpstreamJsonIsA502()
    {
        var (upstream, gateway) = await StartAsync(FakeUpstream.Json("{\"type\":\"message\",\"content\":[tru"));
        await using var _ = upstream;
        await using var __ = gateway;

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest(Request));

        ((int)response.StatusCode).ShouldBe(502);
        (await ErrorBody(response)).GetProperty("type").GetString().ShouldBe("api_error");
    }

    [Fact]
    public async Task TlsFailureIsA502NamingTheProvider()
    {
        await using var plainHttp = await FakeUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["GLM_BASE_URL"] = $"https://127.0.0.1:{plainHttp.Port}",
            ["GLM_API_KEY"] = TestGateway.KeyOf("glm"),
            ["UPSTREAM_RETRIES"] = "0",
        });

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest(Request));

        ((int)response.StatusCode).ShouldBe(502);
        var error = await ErrorBody(response);
        error.GetProperty("type").GetString().ShouldBe("api_error");
        error.GetProperty("message").GetString()!.ShouldContain("GLM");
    }

    [Fact]
    public async Task ConnectFailuresAreRetriedThenReportedAsA502()
    {
        var closed = FreePort.Next();
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["GLM_BASE_URL"] = $"http://127.0.0.1:{closed}",
            ["GLM_API_KEY"] = TestGateway.KeyOf("glm"),
            ["UPSTREAM_RETRIES"] = "1",
        });

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest(Request));

        ((int)response.StatusCode).ShouldBe(502);
        (await ErrorBody(response)).GetProperty("message").GetString()!.ShouldContain("refused");
    }

    [Fact]
    public void DnsFailuresAreClassifiedAsUnresolvableHosts()
    {
        var provider = ClaudeModelProxy.Core.Configuration.SettingsLoader.Load(new Dictionary<string, string?>()).FindProvider("qwen")!;
        var failure = UpstreamConnectFailures.Classify(new HttpRequestException("no such host", new SocketException((int)SocketError.HostNotFound)), provider, false, TimeSpan.FromSeconds(1));
        failure.Status.ShouldBe(502);
        failure.Message.ShouldContain("QWEN_BASE_URL");
        failure.NeverReachedUpstream.ShouldBeTrue();
    }

    [Fact]
    public async Task AnUnavailableAliasFallsBackToItsConfiguredAlternative()
    {
        var (upstream, gateway) = await StartAsync(async (context, recorded) =>
        {
            if (recorded.Path.StartsWith("/glm", StringComparison.Ordinal))
            {
                context.Response.StatusCode = 529;
                await context.Response.WriteAsync("""{"type":"error","error":{"type":"overloaded_error","message":"busy"}}""");
                return;
            }
            await FakeUpstream.Json("""{"type":"message","model":"deepseek-v4-pro","content":[{"type":"text","text":"from deepseek"}],"usage":{"input_tokens":3,"output_tokens":4}}""")(context, recorded);
        }, ("UPSTREAM_RETRIES", "1"), ("MODEL_FALLBACKS", "claude-glm-5.1=claude-deepseek-v4-pro"));
        await using var _ = upstream;
        await using var __ = gateway;

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest(Request));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("x-claude-model-proxy-fallback").ShouldBe(["claude-deepseek-v4-pro"]);
        var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        reply.GetProperty("model").GetString().ShouldBe("claude-glm-5.1");
        upstream.Requests.Select(r => r.Path).ShouldBe(["/glm/v1/messages", "/glm/v1/messages", "/deepseek/v1/messages"]);
        JsonDocument.Parse(upstream.LastRequest.Body).RootElement.GetProperty("model").GetString().ShouldBe("deepseek-v4-pro");
        gateway.Server.Counters.Snapshot()["claude-glm-5.1"].Fallbacks.ShouldBe(1);
    }

    [Fact]
    public async Task KeysEchoedByAnUpstreamNeverReachTheClientOrTheLog()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = async (context, recorded) =>
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsync($"invalid key: {recorded.Header("authorization")} / {recorded.Header("x-api-key")}");
        };
        var port = FreePort.Next();
        var env = TestGateway.AllProvidersAt(upstream);
        env["PORT"] = port.ToString();
        env["OPENAI_BASE_URL"] = "https://user:pa55-in-url@127.0.0.1:1/v1";
        await using var proxy = ProxyProcess.Start(env, "serve");
        await Eventually.TrueAsync(() => Eventually.PortAnswersAsync(port), TimeSpan.FromSeconds(10), "the gateway listens");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var bodies = new List<string>();
        foreach (var model in new[] { "claude-glm-5.1", "claude-opus-4-7", "claude-kimi-k2.6" })
        {
            using var response = await client.SendAsync(TestGateway.MessagesRequest($$"""{"model":"{{model}}","messages":[]}"""));
            ((int)response.StatusCode).ShouldBe(401);
            bodies.Add(await response.Content.ReadAsStringAsync());
        }
        bodies.Add(await client.GetStringAsync("/healthz"));
        await proxy.DisposeAsync();

        foreach (var body in bodies) ShouldNotLeakKeys(body);
        ShouldNotLeakKeys(proxy.Stderr);
        proxy.Stderr.ShouldContain("claude-glm-5.1 -> glm/glm-5.1 401");
        bodies[^1].ShouldNotContain("pa55-in-url");
        upstream.Requests.ShouldAllBe(r => !r.Headers.Values.Any(v => v.Contains("client-placeholder-key") || v.Contains("client-bearer-placeholder")));
    }
}
