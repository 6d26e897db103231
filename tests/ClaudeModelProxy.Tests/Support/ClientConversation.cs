using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace ClaudeModelProxy.Tests.Support;

/// <summary>
/// A client that keeps a conversation the way Claude Code does: it stores each reply's content blocks as it
/// assembled them (from SSE or JSON), sends the whole history with every request, and answers each tool_use.
/// </summary>
public sealed class ClientConversation(bool stream = true, string? thinking = """{"type":"adaptive"}""")
{
    private const string Tools = """[{"name":"Bash","description":"Run a command","input_schema":{"type":"object","properties":{"command":{"type":"string"}},"required":["command"]}}]""";

    public JsonArray Messages { get; } = [];

    /// <summary>The body of the last request sent.</summary>
    public string LastRequestBody { get; private set; } = "";

    public void Ask(string text) => Messages.Add(new JsonObject { ["role"] = "user", ["content"] = text });

    /// <summary>Answers every tool_use of the last reply with a result.</summary>
    public void AnswerTools()
    {
        var results = new JsonArray();
        foreach (var block in Messages[^1]!["content"]!.AsArray())
            if (block!["type"]!.GetValue<string>() == "tool_use")
                results.Add(new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = block["id"]!.GetValue<string>(), ["content"] = "file.txt" });
        results.Count.ShouldBeGreaterThan(0, "the last reply made tool calls");
        Messages.Add(new JsonObject { ["role"] = "user", ["content"] = results });
    }

    /// <summary>Sends the history to <paramref name="model"/>, checks for 200, stores and returns the reply's content.</summary>
    public async Task<JsonArray> SendAsync(HttpClient client, string model)
    {
        var body = new JsonObject { ["model"] = model, ["max_tokens"] = 4096, ["stream"] = stream, ["tools"] = JsonNode.Parse(Tools), ["messages"] = Messages.DeepClone() };
        if (thinking is not null) body["thinking"] = JsonNode.Parse(thinking);
        LastRequestBody = body.ToJsonString();
        using var response = await client.SendAsync(TestGateway.MessagesRequest(LastRequestBody));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{model}: {text}");
        var content = stream ? Assemble(text) : JsonNode.Parse(text)!["content"]!.AsArray();
        Messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = content.DeepClone() });
        return content;
    }

    /// <summary>The content blocks a client builds from Anthropic SSE.</summary>
    private static JsonArray Assemble(string sse)
    {
        var blocks = new List<JsonObject>();
        var json = new Dictionary<int, StringBuilder>();
        foreach (var raw in sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var data = raw.Split('\n').FirstOrDefault(l => l.StartsWith("data: ", StringComparison.Ordinal));
            if (data is null) continue;
            var e = JsonNode.Parse(data["data: ".Length..])!;
            switch (e["type"]!.GetValue<string>())
            {
                case "error":
                    throw new ShouldAssertException("the stream failed: " + e.ToJsonString());
                case "content_block_start":
                    blocks.Add(e["content_block"]!.DeepClone().AsObject());
                    break;
                case "content_block_delta":
                    var index = e["index"]!.GetValue<int>();
                    var block = blocks[index];
                    var delta = e["delta"]!;
                    switch (delta["type"]!.GetValue<string>())
                    {
                        case "text_delta": block["text"] = block["text"]!.GetValue<string>() + delta["text"]!.GetValue<string>(); break;
                        case "thinking_delta": block["thinking"] = block["thinking"]!.GetValue<string>() + delta["thinking"]!.GetValue<string>(); break;
                        case "signature_delta": block["signature"] = delta["signature"]!.GetValue<string>(); break;
                        case "input_json_delta":
                            if (!json.TryGetValue(index, out var sb)) json[index] = sb = new StringBuilder();
                            sb.Append(delta["partial_json"]!.GetValue<string>());
                            break;
                    }
                    break;
                case "content_block_stop":
                    var stopped = e["index"]!.GetValue<int>();
                    if (json.TryGetValue(stopped, out var args)) blocks[stopped]["input"] = JsonNode.Parse(args.ToString());
                    break;
            }
        }
        return new JsonArray(blocks.Select(b => (JsonNode)b).ToArray());
    }
}
