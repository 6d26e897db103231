using ClaudeModelProxy.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Tests.Relay;

/// <summary>An upstream that echoes the provider key in a stream's error event: the client never sees the key, whatever the route.</summary>
public class StreamErrorRedactionTests
{
    /// <summary>
    /// Glued to a word, so that the translators' own <c>sk-…</c> pattern does not match it: only the relay loop's
    /// redaction (by the configured keys themselves) can catch it.
    /// </summary>
    private static string Echo(string provider) => "wrongapikey" + TestGateway.KeyOf(provider);

    /// <summary>Each wire format's stream error, echoing the key of the provider the request went to.</summary>
    private static Task AnswerWithAnErrorEvent(HttpContext context, RecordedRequest request)
    {
        context.Response.ContentType = "text/event-stream";
        var path = request.Path;
        if (path.EndsWith("/chat/completions", StringComparison.Ordinal))
            return context.Response.WriteAsync("data: {\"error\":{\"message\":\"bad key " + Echo("qwen") + "\",\"type\":\"invalid_request_error\"}}\n\n");
        if (path.EndsWith("/responses", StringComparison.Ordinal))
            return context.Response.WriteAsync("event: error\ndata: {\"type\":\"error\",\"code\":\"invalid_api_key\",\"message\":\"bad key " + Echo("openai") + "\",\"param\":null,\"sequence_number\":1}\n\n");
        return context.Response.WriteAsync(
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"glm-5.1\"}}\n\n" +
            "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"bad key " + Echo("glm") + "\"}}\n\n");
    }

    [Theory]
    [InlineData("claude-glm-5.1", "glm", "true")]
    [InlineData("claude-glm-5.1", "glm", "false")]
    [InlineData("claude-qwen-max", "qwen", "true")]
    [InlineData("claude-gpt-5.4", "openai", "true")]
    public async Task AKeyAnUpstreamEchoesInAStreamErrorEventReachesTheClientRedacted(string model, string provider, string rewriteResponses)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = AnswerWithAnErrorEvent;
        var env = TestGateway.AllProvidersAt(upstream);
        env["REWRITE_RESPONSES"] = rewriteResponses;
        await using var gateway = await TestGateway.StartAsync(env);

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest($$"""{"model":"{{model}}","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"hi"}]}"""));
        var text = await response.Content.ReadAsStringAsync();

        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        text.ShouldContain("event: error");
        text.ShouldContain("[redacted]");
        text.ShouldNotContain(TestGateway.KeyOf(provider));
        upstream.LastRequest.Path.ShouldContain("/" + provider + "/");
    }
}
