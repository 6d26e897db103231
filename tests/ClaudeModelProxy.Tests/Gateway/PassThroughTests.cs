using System.Net;
using System.Text;
using System.Text.Json;
using ClaudeModelProxy.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Tests.Gateway;

public class PassThroughTests
{
    private const string MessageReply = """
        {"id":"msg_1","type":"message","role":"assistant","model":"UPSTREAM","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":11,"output_tokens":7}}
        """;

    [Theory]
    [InlineData("claude-deepseek-v4-pro", "deepseek", "deepseek-v4-pro", "authorization", "Bearer ")]
    [InlineData("claude-kimi-k2.6", "moonshot", "kimi-k2.6", "authorization", "Bearer ")]
    [InlineData("claude-glm-5.1", "glm", "glm-5.1", "authorization", "Bearer ")]
    [InlineData("claude-mimo-v2-pro", "xiaomi", "mimo-v2-pro", "authorization", "Bearer ")]
    [InlineData("claude-opus-4-7", "anthropic", "claude-opus-4-7", "x-api-key", "")]
    public async Task EachAnthropicCompatibleProviderGetsItsModelAndOwnKeyAndTheClientGetsItsAliasBack(string alias, string provider, string upstreamModel, string keyHeader, string keyPrefix)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json(MessageReply.Replace("UPSTREAM", upstreamModel));
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest($$"""{"model":"{{alias}}","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}"""));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        reply.GetProperty("model").GetString().ShouldBe(alias);
        var seen = upstream.LastRequest;
        seen.Path.ShouldBe($"/{provider}/v1/messages");
        seen.Query.ShouldBeEmpty();
        JsonDocument.Parse(seen.Body).RootElement.GetProperty("model").GetString().ShouldBe(upstreamModel);
        seen.Header(keyHeader).ShouldBe(keyPrefix + TestGateway.KeyOf(provider));
        var otherKeyHeader = keyHeader == "x-api-key" ? "authorization" : "x-api-key";
        seen.Header(otherKeyHeader).ShouldBeNull();
        seen.Header("cookie").ShouldBeNull();
        seen.BodyText.ShouldNotContain("client-placeholder-key");
        seen.Header("anthropic-version").ShouldBe("2023-06-01");
        seen.Header("anthropic-beta").ShouldBe("claude-code-20250219,interleaved-thinking-2025-05-14");
    }

    [Fact]
    public async Task ClaudeCodeRequestPassesThroughByteForByteExceptTheModel()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json(MessageReply.Replace("UPSTREAM", "deepseek-v4-pro"));
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));
        var fixture = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "claude-code-request.json"));
        fixture.Length.ShouldBeGreaterThan(50_000);

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest(fixture));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var expected = fixture.Replace("\"model\" :  \"claude-deepseek-v4-pro\"", "\"model\" :  \"deepseek-v4-pro\"");
        upstream.LastRequest.BodyText.ShouldBe(expected);
    }

    [Fact]
    public async Task StreamedReplyHasItsModelRewrittenEvenWhenSplitAtAwkwardBytes()
    {
        var stream = string.Concat(
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"deepseek-v4-pro\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}\n\n",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hé 🚀\"}}\n\n",
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":9}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        var bytes = Encoding.UTF8.GetBytes(stream);
        // Split inside "model", inside the multi-byte emoji and between the two newlines of an event end.
        var modelAt = stream.IndexOf("deepseek-v4", StringComparison.Ordinal) + 4;
        var emojiAt = Encoding.UTF8.GetByteCount(stream[..stream.IndexOf("🚀", StringComparison.Ordinal)]) + 2;
        var newlineAt = Encoding.UTF8.GetByteCount(stream[..stream.IndexOf("}\n\n", StringComparison.Ordinal)]) + 2;
        int[] cuts = [1, modelAt, newlineAt, emojiAt, bytes.Length - 3];
        var chunks = new List<byte[]>();
        var previous = 0;
        foreach (var cut in cuts.Order())
        {
            chunks.Add(bytes[previous..cut]);
            previous = cut;
        }
        chunks.Add(bytes[previous..]);

        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            foreach (var chunk in chunks)
            {
                await context.Response.Body.WriteAsync(chunk);
                await context.Response.Body.FlushAsync();
                await Task.Delay(5);
            }
        };
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-deepseek-v4-pro","stream":true,"max_tokens":10,"messages":[]}"""));
        var text = await response.Content.ReadAsStringAsync();

        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        text.ShouldBe(stream.Replace("\"model\":\"deepseek-v4-pro\"", "\"model\":\"claude-deepseek-v4-pro\""));
        var counters = gateway.Server.Counters.Snapshot()["claude-deepseek-v4-pro"];
        counters.Requests.ShouldBe(1);
        counters.InputTokens.ShouldBe(25);
        counters.OutputTokens.ShouldBe(9);
    }

    [Fact]
    public async Task StreamEventsReachTheClientBeforeTheUpstreamSendsTheNextOne()
    {
        var clientSawFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"glm-5.1\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n");
            await context.Response.Body.FlushAsync();
            await clientSawFirst.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await context.Response.WriteAsync("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        };
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-glm-5.1","stream":true,"messages":[]}"""), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await ReadEventAsync(reader).WaitAsync(TimeSpan.FromSeconds(5));
        first.ShouldContain("\"model\":\"claude-glm-5.1\"");
        clientSawFirst.SetResult();
        (await ReadEventAsync(reader).WaitAsync(TimeSpan.FromSeconds(5))).ShouldContain("message_stop");
    }

    [Fact]
    public async Task SilentUpstreamStreamGetsPingEvents()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"glm-5.1\"}}\n\n");
            await context.Response.Body.FlushAsync();
            await Task.Delay(700);
            await context.Response.WriteAsync("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        };
        var env = TestGateway.AllProvidersAt(upstream);
        env["STREAM_PING_SECONDS"] = "0.2";
        await using var gateway = await TestGateway.StartAsync(env);

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-glm-5.1","stream":true,"messages":[]}"""));
        var text = await response.Content.ReadAsStringAsync();

        text.ShouldContain("event: ping\ndata: {\"type\":\"ping\"}\n\n");
        text.IndexOf("event: ping", StringComparison.Ordinal).ShouldBeGreaterThan(text.IndexOf("message_start", StringComparison.Ordinal));
        text.ShouldEndWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    [Fact]
    public async Task ClientDisconnectCancelsTheUpstreamRequest()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"glm-5.1\"}}\n\n");
            await context.Response.Body.FlushAsync();
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
        };
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));

        using (var client = new HttpClient { BaseAddress = new Uri(gateway.Url) })
        {
            using var response = await client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-glm-5.1","stream":true,"messages":[]}"""), HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            (await ReadEventAsync(reader)).ShouldContain("message_start");
        }

        await upstream.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task RewriteOffRelaysTheReplyUntouched()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var reply = MessageReply.Replace("UPSTREAM", "glm-5.1");
        upstream.Handler = FakeUpstream.Json(reply);
        var env = TestGateway.AllProvidersAt(upstream);
        env["REWRITE_RESPONSES"] = "false";
        await using var gateway = await TestGateway.StartAsync(env);

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-glm-5.1","messages":[]}"""));

        (await response.Content.ReadAsStringAsync()).ShouldBe(reply);
    }

    [Fact]
    public async Task UpstreamErrorStatusAndBodyAreRelayedWithoutTheKey()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = async (context, recorded) =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers["retry-after"] = "7";
            await context.Response.WriteAsync($$$"""{"type":"error","error":{"type":"rate_limit_error","message":"slow down, key {{{recorded.Header("authorization")}}}"}}""");
        };
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-kimi-k2.6","messages":[]}"""));
        var body = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).ShouldBe(429);
        response.Headers.GetValues("retry-after").ShouldBe(["7"]);
        body.ShouldContain("rate_limit_error");
        body.ShouldNotContain(TestGateway.KeyOf("moonshot"));
    }

    [Fact]
    public async Task KimiToolIdsAreMadeValidAndMappedBackInTheNextRequest()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json("""{"id":"msg_1","type":"message","role":"assistant","model":"kimi-k2.6","content":[{"type":"tool_use","id":"functions.Bash:0","name":"Bash","input":{"command":"ls"}}],"stop_reason":"tool_use","usage":{"input_tokens":1,"output_tokens":1}}""");
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));

        using var first = await gateway.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-kimi-k2.6","messages":[{"role":"user","content":"ls"}]}"""));
        var id = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement.GetProperty("content")[0].GetProperty("id").GetString()!;
        id.ShouldMatch("^[A-Za-z0-9_-]+$");
        id.ShouldStartWith("functions_Bash_0");

        var followUp = $$$"""{"model":"claude-kimi-k2.6","messages":[{"role":"user","content":"ls"},{"role":"assistant","content":[{"type":"tool_use","id":"{{{id}}}","name":"Bash","input":{"command":"ls"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"{{{id}}}","content":"a.txt"}]}]}""";
        using var second = await gateway.Client.SendAsync(TestGateway.MessagesRequest(followUp));

        var sent = upstream.LastRequest.BodyText;
        sent.ShouldContain("\"id\":\"functions.Bash:0\"");
        sent.ShouldContain("\"tool_use_id\":\"functions.Bash:0\"");
        sent.ShouldNotContain(id);
    }

    [Fact]
    public async Task StreamedKimiToolIdIsMadeValid()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Sse(
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"kimi-k2.6\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"functions.Bash:0\",\"name\":\"Bash\",\"input\":{}}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-kimi-k2.6","stream":true,"messages":[]}"""));
        var text = await response.Content.ReadAsStringAsync();

        text.ShouldNotContain("functions.Bash:0");
        text.ShouldContain("\"id\":\"functions_Bash_0_");
    }

    [Fact]
    public async Task CountTokensIsForwardedWhereTheUpstreamHasIt()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json("""{"input_tokens":4242}""");
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-opus-4-7","messages":[{"role":"user","content":"hi"}]}""", "/v1/messages/count_tokens?beta=true"));

        (await response.Content.ReadAsStringAsync()).ShouldBe("""{"input_tokens":4242}""");
        upstream.LastRequest.Path.ShouldBe("/anthropic/v1/messages/count_tokens");
    }

    [Fact]
    public async Task CountTokensIsEstimatedLocallyWhenTheUpstreamAnswers404()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json("""{"error":"no such route"}""", 404);
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-deepseek-v4-pro","messages":[{"role":"user","content":"The quick brown fox jumps over the lazy dog."}]}""", "/v1/messages/count_tokens"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var count = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("input_tokens").GetInt64();
        count.ShouldBeInRange(8, 30);
    }

    [Fact]
    public async Task CountTokensForTranslatedProvidersIsAnsweredLocally()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));
        var fixture = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "claude-code-request.json"));

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest(fixture.Replace("claude-deepseek-v4-pro", "claude-gpt-5.4"), "/v1/messages/count_tokens"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("input_tokens").GetInt64().ShouldBeInRange(5_000, 40_000);
        upstream.Requests.ShouldBeEmpty();
    }

    private static async Task<string> ReadEventAsync(StreamReader reader)
    {
        var text = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                if (text.ToString().Contains("event: ping", StringComparison.Ordinal)) { text.Clear(); continue; }
                return text.ToString();
            }
            text.AppendLine(line);
        }
        return text.ToString();
    }
}
