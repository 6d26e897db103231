using System.Net;
using System.Net.Http.Headers;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.StatusPage;

/// <summary>GET /status over real HTTP: the page, its headers and its protections.</summary>
public class StatusPageTests
{
    private const string DeepSeekKey = "sk-deepseek-status-page-secret-991";
    private const string ProxyToken = "proxy-token-for-the-page-4242";

    private static Dictionary<string, string?> Settings(FakeUpstream upstream, string? token = null) => new()
    {
        ["DEEPSEEK_BASE_URL"] = upstream.BaseUrl,
        ["DEEPSEEK_API_KEY"] = DeepSeekKey,
        ["OPENAI_BASE_URL"] = "https://user:hunter2@example.test/v1",
        ["MODEL_MAP"] = "claude-page-test=deepseek-v4-pro",
        ["PROXY_AUTH_TOKEN"] = token,
    };

    private static HttpRequestMessage Get(string path, string? accept = "text/html")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        return request;
    }

    [Fact]
    public async Task TheStatusPageListsProvidersRoutesAndRequestsWithAStrictPolicyAndNoSecrets()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json("""{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}""", 401);
        await using var gateway = await TestGateway.StartAsync(Settings(upstream));
        var message = TestGateway.MessagesRequest("""{"model":"claude-page-test","max_tokens":5,"messages":[]}""");
        message.Headers.Add("x-claude-code-session-id", "session-abc-123");
        (await gateway.Client.SendAsync(message)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        // The request is counted just after its reply is written.
        await Eventually.TrueAsync(() => Task.FromResult(gateway.Server.Counters.Recent().Count == 1), TimeSpan.FromSeconds(5), "the request is counted");
        using var reply = await gateway.Client.SendAsync(Get("/status"));
        reply.StatusCode.ShouldBe(HttpStatusCode.OK);
        reply.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var csp = reply.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldStartWith("default-src 'none'; script-src 'nonce-");
        csp.ShouldContain("connect-src 'self'");
        csp.ShouldContain("frame-ancestors 'none'");
        reply.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var html = await reply.Content.ReadAsStringAsync();

        var nonce = System.Text.RegularExpressions.Regex.Match(csp, "'nonce-([^']+)'").Groups[1].Value;
        html.ShouldContain($"<script nonce=\"{nonce}\">");
        html.ShouldContain($"<style nonce=\"{nonce}\">");
        html.ShouldNotContain("src=\"http");
        html.ShouldNotContain("href=\"http");
        foreach (var provider in gateway.Settings.Providers) html.ShouldContain($"data-provider=\"{provider.Id}\"");
        foreach (var alias in gateway.Settings.ModelMap.Keys) html.ShouldContain($"data-alias=\"{alias}\"");
        html.ShouldContain("https://***@example.test/v1");
        html.ShouldContain("data-model-counters=\"claude-page-test\"");
        html.ShouldContain("data-session-counters=\"session-abc-123\"");
        html.ShouldContain("authentication_error 1");
        html.ShouldContain("claude-page-test → deepseek/deepseek-v4-pro");
        html.ShouldContain("Check DEEPSEEK_API_KEY");
        html.ShouldNotContain(DeepSeekKey);
        html.ShouldNotContain("hunter2");
    }

    [Fact]
    public async Task TheRootServesThePageOnlyToBrowsersAndStaysTheFastAnswerForClaudeCode()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Settings(upstream));

        using var head = await gateway.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));
        head.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var plain = await gateway.Client.SendAsync(Get("/", accept: null));
        plain.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        using var browser = await gateway.Client.SendAsync(Get("/", "text/html,application/xhtml+xml,*/*;q=0.8"));
        browser.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await browser.Content.ReadAsStringAsync()).ShouldContain("data-provider=\"deepseek\"");
    }

    [Theory]
    [InlineData("Host", "evil.example:8787")]
    [InlineData("Origin", "https://evil.example")]
    [InlineData("Origin", "null")]
    public async Task TheStatusPageRefusesAForeignHostOrAWebPagesOrigin(string header, string value)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Settings(upstream));
        var request = Get("/status");
        if (header == "Host") request.Headers.Host = value;
        else request.Headers.TryAddWithoutValidation(header, value);

        using var reply = await gateway.Client.SendAsync(request);

        reply.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await reply.Content.ReadAsStringAsync()).ShouldNotContain("data-provider");
    }

    [Fact]
    public async Task WithAProxyTokenThePageWithoutItIsOnlyANoticeAndWithItTheFullPage()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Settings(upstream, ProxyToken));

        using var locked = await gateway.Client.SendAsync(Get("/status"));
        locked.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var notice = await locked.Content.ReadAsStringAsync();
        notice.ShouldContain("Token required");
        notice.ShouldContain("/status#token=YOUR_PROXY_AUTH_TOKEN");
        notice.ShouldNotContain("data-provider");
        notice.ShouldNotContain("deepseek");

        var wrong = Get("/status");
        wrong.Headers.Add("x-api-key", "not-the-token");
        (await gateway.Client.SendAsync(wrong)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var right = Get("/status");
        right.Headers.Add("x-api-key", ProxyToken);
        using var full = await gateway.Client.SendAsync(right);
        full.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await full.Content.ReadAsStringAsync();
        html.ShouldContain("data-provider=\"deepseek\"");
        html.ShouldNotContain(ProxyToken);
    }
}
