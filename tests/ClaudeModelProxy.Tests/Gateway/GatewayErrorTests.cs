using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ClaudeModelProxy.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Tests.Gateway;

public class GatewayErrorTests
{
    private static async Task<(int Status, string Type, string Message)> ErrorOf(HttpResponseMessage response)
    {
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        root.GetProperty("type").GetString().ShouldBe("error");
        return ((int)response.StatusCode, root.GetProperty("error").GetProperty("type").GetString()!, root.GetProperty("error").GetProperty("message").GetString()!);
    }

    [Fact]
    public async Task UnknownModelIs404ListingTheAliases()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));
        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"gpt-4o","messages":[]}"""));
        var (status, type, message) = await ErrorOf(response);
        status.ShouldBe(404);
        type.ShouldBe("not_found_error");
        message.ShouldContain("claude-deepseek-v4-pro");
        upstream.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task ProviderWithoutKeyIs401NamingTheVariable()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>());
        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-glm-5.1","messages":[]}"""));
        var (status, type, message) = await ErrorOf(response);
        status.ShouldBe(401);
        type.ShouldBe("authentication_error");
        message.ShouldContain("GLM_API_KEY");
        message.ShouldContain("ZAI_API_KEY");
    }

    [Theory]
    [InlineData("{\"model\":", "not valid JSON")]
    [InlineData("[1,2,3]", "JSON object")]
    [InlineData("{\"messages\":[]}", "\"model\" is required")]
    [InlineData("{\"model\":42}", "must be a string")]
    [InlineData("", "empty")]
    public async Task MalformedRequestsAre400(string body, string expected)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));
        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest(body));
        var (status, type, message) = await ErrorOf(response);
        status.ShouldBe(400);
        type.ShouldBe("invalid_request_error");
        message.ShouldContain(expected);
        upstream.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task UnreachableUpstreamIs502NamingTheProvider()
    {
        var closedPort = FreePort.Next();
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["DEEPSEEK_BASE_URL"] = $"http://127.0.0.1:{closedPort}",
            ["DEEPSEEK_API_KEY"] = "sk-test-deepseek",
        });
        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-deepseek-v4-pro","messages":[]}"""));
        var (status, type, message) = await ErrorOf(response);
        status.ShouldBe(502);
        type.ShouldBe("api_error");
        message.ShouldContain("DeepSeek");
        message.ShouldNotContain("sk-test-deepseek");
    }

    [Fact]
    public async Task UpstreamTooSlowToAnswerIs504()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = async (context, _) => await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted);
        var env = TestGateway.AllProvidersAt(upstream);
        env["UPSTREAM_HEADERS_TIMEOUT_SECONDS"] = "0.5";
        await using var gateway = await TestGateway.StartAsync(env);
        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-glm-5.1","messages":[]}"""));
        var (status, type, _) = await ErrorOf(response);
        status.ShouldBe(504);
        type.ShouldBe("timeout_error");
    }

    [Fact]
    public async Task WrongMethodIs405AndUnknownPathIs404()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>());
        using var get = await gateway.Client.GetAsync("/v1/messages");
        (await ErrorOf(get)).Status.ShouldBe(405);
        using var unknown = await gateway.Client.GetAsync("/v2/whatever");
        (await ErrorOf(unknown)).Type.ShouldBe("not_found_error");
    }

    [Fact]
    public async Task BadRequestDoesNotDisturbTheNextOne()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json("""{"model":"glm-5.1","content":[]}""");
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));
        using var bad = await gateway.Client.SendAsync(TestGateway.MessagesRequest("{\"model\":"));
        ((int)bad.StatusCode).ShouldBe(400);
        using var good = await gateway.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-glm-5.1","messages":[]}"""));
        (await good.Content.ReadAsStringAsync()).ShouldContain("claude-glm-5.1");
    }
}
