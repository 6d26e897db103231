using System.Net;
using System.Net.Http.Headers;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Faults;

public class GatewayTokenTests
{
    private const string Token = "local-gateway-token-42";

    private static async Task<(FakeUpstream, TestGateway)> StartAsync()
    {
        var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json("""{"type":"message","model":"glm-5.1","content":[]}""");
        var env = TestGateway.AllProvidersAt(upstream);
        env["PROXY_AUTH_TOKEN"] = Token;
        return (upstream, await TestGateway.StartAsync(env));
    }

    private static HttpRequestMessage Request(string? bearer, string? apiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new StringContent("""{"model":"claude-glm-5.1","messages":[]}""", System.Text.Encoding.UTF8, "application/json") };
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (apiKey is not null) request.Headers.TryAddWithoutValidation("x-api-key", apiKey);
        return request;
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("wrong", null)]
    [InlineData(null, "local-gateway-token-4")]
    [InlineData(null, "local-gateway-token-42x")]
    public async Task RequestsWithoutTheTokenAre401AndNotForwarded(string? bearer, string? apiKey)
    {
        var (upstream, gateway) = await StartAsync();
        await using (upstream)
        await using (gateway)
        {
            using var response = await gateway.Client.SendAsync(Request(bearer, apiKey));
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await response.Content.ReadAsStringAsync()).ShouldContain("authentication_error");
            upstream.Requests.ShouldBeEmpty();
        }
    }

    [Theory]
    [InlineData(Token, null)]
    [InlineData(null, Token)]
    public async Task TheTokenAsBearerOrApiKeyIsAcceptedAndNeverForwarded(string? bearer, string? apiKey)
    {
        var (upstream, gateway) = await StartAsync();
        await using (upstream)
        await using (gateway)
        {
            using var response = await gateway.Client.SendAsync(Request(bearer, apiKey));
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            var seen = upstream.LastRequest;
            seen.Headers.Values.ShouldNotContain(v => v.Contains(Token));
            seen.Header("authorization").ShouldBe("Bearer " + TestGateway.KeyOf("glm"));
        }
    }

    [Fact]
    public async Task HealthzStillAnswersLocalCallersSoTheExtensionCanRecogniseTheService()
    {
        var (upstream, gateway) = await StartAsync();
        await using (upstream)
        await using (gateway)
        {
            (await gateway.Client.GetStringAsync("/healthz")).ShouldContain("\"service\":\"claude-model-proxy\"");
            using var models = await gateway.Client.GetAsync("/v1/models");
            models.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task ListeningBeyondLoopbackWithoutATokenIsRefusedAtStart()
    {
        await using var proxy = ProxyProcess.Start(new Dictionary<string, string?> { ["PORT"] = FreePort.Next().ToString(), ["BIND_ADDRESS"] = "0.0.0.0" }, "serve");
        (await proxy.WaitForExitAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
        proxy.Process.ExitCode.ShouldBe(1);
        proxy.Stderr.ShouldContain("PROXY_AUTH_TOKEN");
    }

    [Fact]
    public async Task ListeningBeyondLoopbackWithATokenWorks()
    {
        var port = FreePort.Next();
        await using var proxy = ProxyProcess.Start(new Dictionary<string, string?> { ["PORT"] = port.ToString(), ["BIND_ADDRESS"] = "0.0.0.0", ["PROXY_AUTH_TOKEN"] = Token }, "serve");
        await Eventually.TrueAsync(() => Eventually.PortAnswersAsync(port), TimeSpan.FromSeconds(10), "the gateway listens on all addresses");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        client.DefaultRequestHeaders.Host = "my-laptop.lan";
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        (await client.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
