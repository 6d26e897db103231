using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Tests.Support;
using CsCheck;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Tests.Faults;

/// <summary>Property-based: whatever arrives, the parser never throws and the client always gets a valid Anthropic object.</summary>
public class GeneratedBodiesTests
{
    private static readonly string[] Keys = ["model", "messages", "stream", "max_tokens", "role", "content", "type", "text", "id", "tool_use_id", "input", "system", "tools", "usage", "thinking", "x"];
    private static readonly string[] Models = ["claude-glm-5.1", "claude-opus-4-7", "claude-kimi-k2.6", "claude-haiku-4-5-20251001", "nope", "", "claude-sonnet-4-6[1m]"];

    private static Gen<string> Json(int depth)
    {
        var leaf = Gen.OneOf(
            Gen.Int.Select(i => i.ToString()),
            Gen.Bool.Select(b => b ? "true" : "false"),
            Gen.Const("null"),
            Gen.String.Select(s => JsonSerializer.Serialize(s)),
            Gen.OneOf(Models).Select(s => JsonSerializer.Serialize(s)));
        if (depth == 0) return leaf;
        var inner = Json(depth - 1);
        var array = inner.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]");
        var obj = Gen.Select(Gen.OneOf(Keys), inner).Array[0, 5].Select(pairs => "{" + string.Join(",", pairs.Select(p => JsonSerializer.Serialize(p.Item1) + ":" + p.Item2)) + "}");
        return Gen.Frequency<string>((3, (IGen<string>)leaf), (2, array), (3, obj));
    }

    private static readonly Gen<string> MessagesBody =
        Gen.Select(Gen.OneOf(Models), Gen.Bool, Json(3), Json(2))
            .Select(t => $$"""{"model":{{JsonSerializer.Serialize(t.Item1)}},"stream":{{(t.Item2 ? "true" : "false")}},"max_tokens":5,"messages":{{t.Item3}},"extra":{{t.Item4}}}""");

    /// <summary>Valid bodies, arbitrary JSON, and valid bodies cut short or with a byte flipped.</summary>
    private static readonly Gen<byte[]> AnyBody = Gen.Frequency<byte[]>(
        (4, (IGen<byte[]>)MessagesBody.Select(Encoding.UTF8.GetBytes)),
        (2, Json(4).Select(Encoding.UTF8.GetBytes)),
        (2, Gen.Select(MessagesBody, Gen.Double[0, 1]).Select(t => Encoding.UTF8.GetBytes(t.Item1)[..(int)(t.Item1.Length * t.Item2)])),
        (2, Gen.Select(MessagesBody, Gen.Double[0, 1], Gen.Byte).Select(t =>
        {
            var bytes = Encoding.UTF8.GetBytes(t.Item1);
            bytes[(int)((bytes.Length - 1) * t.Item2)] = t.Item3;
            return bytes;
        })));

    [Fact]
    public void TheRequestScannerNeverThrows()
    {
        var toolIds = new ToolIdSanitizer();
        toolIds.Sanitize("functions.Bash:0");
        AnyBody.Sample(body =>
        {
            var scanned = MessagesRequestScanner.Scan(body, toolIds);
            (scanned.Error is null).ShouldBe(scanned.Model is not null);
        }, iter: 20_000);
    }

    [Fact]
    public void TheReplyRewriterNeverThrows()
    {
        var toolIds = new ToolIdSanitizer();
        AnyBody.Sample(body =>
        {
            var usage = new TokenUsage();
            var edits = ReplyRewriter.Rewrite(body, "claude-x", toolIds, ref usage);
            Should.NotThrow(() => ByteEdits.Apply(body, edits));
            Should.NotThrow(() => StreamEventRewriter.Rewrite([.. "event: message_start\ndata: "u8, .. body, .. "\n\n"u8], "claude-x", toolIds, ref usage));
        }, iter: 20_000);
    }

    [Fact]
    public async Task EveryGeneratedRequestGetsAValidAnthropicAnswerAndTheGatewayStaysHealthy()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = async (context, recorded) =>
        {
            if (recorded.BodyText.Contains("\"stream\":true", StringComparison.Ordinal))
            {
                await FakeUpstream.Sse(
                    "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"glm-5.1\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n",
                    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")(context, recorded);
                return;
            }
            await FakeUpstream.Json("""{"id":"msg_1","type":"message","role":"assistant","model":"glm-5.1","content":[{"type":"tool_use","id":"functions.x:1","name":"x","input":{}}],"usage":{"input_tokens":1,"output_tokens":1}}""")(context, recorded);
        };
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));
        var statuses = new Dictionary<int, int>();

        AnyBody.Sample(body =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = gateway.Client.Send(request);
            var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            status.ShouldBeOneOf(200, 400, 401, 404);
            if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
            {
                text.ShouldStartWith("event: message_start");
                text.ShouldEndWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
                return;
            }
            var root = JsonDocument.Parse(text).RootElement;
            var type = root.GetProperty("type").GetString();
            if (status == 200)
            {
                type.ShouldBe("message");
                root.GetProperty("content")[0].GetProperty("id").GetString()!.ShouldMatch("^[A-Za-z0-9_-]+$");
            }
            else
            {
                type.ShouldBe("error");
                root.GetProperty("error").GetProperty("type").GetString().ShouldNotBeNullOrEmpty();
                root.GetProperty("error").GetProperty("message").GetString().ShouldNotBeNullOrEmpty();
            }
        }, iter: 3_000, threads: 1);

        statuses.Keys.ShouldContain(200);
        statuses.Keys.ShouldContain(400);
        await Eventually.ServesAsync(gateway.Settings.Port);
    }
}
