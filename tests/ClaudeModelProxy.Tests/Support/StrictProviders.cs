using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Tests.Support;

/// <summary>
/// One fake upstream that plays every provider (paths from <see cref="TestGateway.AllProvidersAt"/>) and enforces the
/// history rules the real services enforce (protocol §0.11, §0.15, §5c), quoting their error texts:
/// Anthropic checks every thinking signature and the final-assistant-turn rule; Kimi-style upstreams check that tool-call
/// turns carry thinking text (it becomes their reasoning_content; empty counts as missing); Gemini checks thought signatures. Each answers a fresh question with a tool call and a tool
/// result with text, so a test can drive a tool loop. What each received is in <see cref="FakeUpstream.Requests"/>.
/// </summary>
public sealed class StrictProviders : IAsyncDisposable
{
    public const string AnthropicFinalTurnError =
        "messages.{0}.content.0.type: Expected `thinking` or `redacted_thinking`, but found `{1}`. When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable `thinking`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking";

    public const string GeminiDummy = "skip_thought_signature_validator";

    private int counter;

    private StrictProviders(FakeUpstream upstream)
    {
        Upstream = upstream;
        upstream.Handler = HandleAsync;
    }

    public FakeUpstream Upstream { get; }

    /// <summary>Every signature Anthropic minted (only these pass its check).</summary>
    public ConcurrentDictionary<string, bool> AnthropicSignatures { get; } = new();

    /// <summary>Every thought signature Gemini minted, by the call id it was on.</summary>
    public ConcurrentDictionary<string, string> GeminiSignatures { get; } = new();

    /// <summary>The thought signature each assistant tool call carried when it came back to Gemini, by call id.</summary>
    public ConcurrentDictionary<string, string?> GeminiSignaturesReceived { get; } = new();

    /// <summary>How many parallel calls Gemini makes per step (it signs only the first).</summary>
    public int GeminiParallelCalls { get; set; } = 1;

    /// <summary>Reasoning text Gemini returns with each reply (as <c>reasoning_content</c>), or null for none.</summary>
    public string? GeminiReasoning { get; set; }

    /// <summary>The thinking blocks Kimi-style upstreams emitted, as their JSON (to check they come back byte for byte).</summary>
    public ConcurrentQueue<string> OwnThinkingBlocks { get; } = new();

    /// <summary>Set to make a provider answer 529 overloaded (for fallbacks).</summary>
    public ConcurrentDictionary<string, bool> Overloaded { get; } = new();

    public static async Task<StrictProviders> StartAsync() => new(await FakeUpstream.StartAsync());

    public IEnumerable<RecordedRequest> RequestsTo(string provider) => Upstream.Requests.Where(r => r.Path.StartsWith("/" + provider + "/", StringComparison.Ordinal));

    private async Task HandleAsync(HttpContext context, RecordedRequest recorded)
    {
        var provider = recorded.Path.Split('/', StringSplitOptions.RemoveEmptyEntries)[0];
        if (Overloaded.ContainsKey(provider))
        {
            await WriteJson(context, 529, """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
            return;
        }
        var body = JsonNode.Parse(recorded.Body)!.AsObject();
        switch (provider)
        {
            case "anthropic":
                await AnthropicAsync(context, body);
                break;
            case "moonshot" or "deepseek" or "glm" or "xiaomi":
                await ReasoningReplayAsync(context, body, provider);
                break;
            case "gemini":
                await GeminiAsync(context, body);
                break;
            default:
                await WriteJson(context, 404, """{"error":{"message":"no such fake"}}""");
                break;
        }
    }

    private static bool ThinkingOn(JsonObject body) => body["thinking"]?["type"]?.GetValue<string>() is { } type && type != "disabled";

    private static JsonArray Messages(JsonObject body) => body["messages"]!.AsArray();

    private static IEnumerable<JsonObject> Blocks(JsonNode? message) =>
        message?["content"] is JsonArray array ? array.OfType<JsonObject>() : [];

    private static string? Type(JsonNode? block) => block?["type"]?.GetValue<string>();

    private static bool EndsWithToolResult(JsonObject body) => Blocks(Messages(body)[^1]).Any(b => Type(b) == "tool_result");

    // ---- Anthropic ----

    private async Task AnthropicAsync(HttpContext context, JsonObject body)
    {
        var messages = Messages(body);
        for (var i = 0; i < messages.Count; i++)
        {
            var j = 0;
            foreach (var block in Blocks(messages[i]))
            {
                var valid = Type(block) switch
                {
                    "thinking" => block["signature"]?.GetValue<string>() is { } s && AnthropicSignatures.ContainsKey(s),
                    "redacted_thinking" => block["data"]?.GetValue<string>() is { } d && AnthropicSignatures.ContainsKey(d),
                    _ => true,
                };
                if (!valid)
                {
                    await AnthropicError(context, $"messages.{i}.content.{j}: Invalid `signature` in `thinking` block");
                    return;
                }
                j++;
            }
        }
        if (ThinkingOn(body))
        {
            var last = Enumerable.Range(0, messages.Count).LastOrDefault(i => messages[i]!["role"]!.GetValue<string>() == "assistant", -1);
            if (last >= 0 && Blocks(messages[last]).Any(b => Type(b) == "tool_use") && Blocks(messages[last]).FirstOrDefault() is { } first && Type(first) is not ("thinking" or "redacted_thinking"))
            {
                await AnthropicError(context, string.Format(AnthropicFinalTurnError, last, Type(first)));
                return;
            }
        }
        var n = Interlocked.Increment(ref counter);
        var content = new JsonArray();
        if (ThinkingOn(body))
        {
            var signature = $"EqQBCkYIBxgCKkAnthropicGenuine{n}" + Convert.ToBase64String(Encoding.UTF8.GetBytes($"sig-{n}-{Guid.NewGuid()}"));
            AnthropicSignatures[signature] = true;
            content.Add(new JsonObject { ["type"] = "thinking", ["thinking"] = $"Anthropic thought {n}.", ["signature"] = signature });
        }
        AddAnswer(content, body, $"toolu_anthropic_{n}");
        await WriteMessage(context, body, content);
    }

    private static Task AnthropicError(HttpContext context, string message) =>
        WriteJson(context, 400, new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = "invalid_request_error", ["message"] = message } }.ToJsonString());

    // ---- Kimi, DeepSeek, GLM, MiMo ----

    private async Task ReasoningReplayAsync(HttpContext context, JsonObject body, string provider)
    {
        if (ThinkingOn(body))
        {
            var messages = Messages(body);
            for (var i = 0; i < messages.Count; i++)
            {
                var blocks = Blocks(messages[i]).ToList();
                if (messages[i]!["role"]!.GetValue<string>() == "assistant" && blocks.Any(b => Type(b) == "tool_use")
                    && !blocks.Any(b => Type(b) == "thinking" && !string.IsNullOrEmpty(b["thinking"]?.GetValue<string>())))
                {
                    await WriteJson(context, 400, new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = "invalid_request_error", ["message"] = $"thinking is enabled but reasoning_content is missing in assistant tool call message at index {i}" } }.ToJsonString());
                    return;
                }
            }
        }
        var n = Interlocked.Increment(ref counter);
        var content = new JsonArray();
        if (ThinkingOn(body))
        {
            var thinking = new JsonObject { ["type"] = "thinking", ["thinking"] = $"{provider} thought {n}.", ["signature"] = $"{provider}-own-{n}/x+y==" };
            OwnThinkingBlocks.Enqueue(thinking.ToJsonString());
            content.Add(thinking);
        }
        AddAnswer(content, body, $"toolu_{provider}_{n}");
        await WriteMessage(context, body, content);
    }

    private static void AddAnswer(JsonArray content, JsonObject body, string toolId)
    {
        if (EndsWithToolResult(body)) content.Add(new JsonObject { ["type"] = "text", ["text"] = "All done." });
        else content.Add(new JsonObject { ["type"] = "tool_use", ["id"] = toolId, ["name"] = "Bash", ["input"] = new JsonObject { ["command"] = "ls" } });
    }

    private static Task WriteMessage(HttpContext context, JsonObject body, JsonArray content)
    {
        var toolUse = content.Any(b => Type(b) == "tool_use");
        var message = new JsonObject
        {
            ["id"] = "msg_fake", ["type"] = "message", ["role"] = "assistant", ["model"] = body["model"]!.GetValue<string>(), ["content"] = content,
            ["stop_reason"] = toolUse ? "tool_use" : "end_turn", ["stop_sequence"] = null,
            ["usage"] = new JsonObject { ["input_tokens"] = 10, ["output_tokens"] = 5 },
        };
        return body["stream"]?.GetValue<bool>() == true ? WriteMessageStream(context, message) : WriteJson(context, 200, message.ToJsonString());
    }

    /// <summary>The same message as Anthropic SSE: each block started empty and filled by its deltas.</summary>
    private static async Task WriteMessageStream(HttpContext context, JsonObject message)
    {
        context.Response.ContentType = "text/event-stream";
        async Task Send(string name, JsonObject data)
        {
            data["type"] = name;
            await context.Response.WriteAsync($"event: {name}\ndata: {data.ToJsonString()}\n\n");
        }
        var content = message["content"]!.AsArray();
        var start = message.DeepClone().AsObject();
        start["content"] = new JsonArray();
        start["stop_reason"] = null;
        await Send("message_start", new JsonObject { ["message"] = start });
        for (var i = 0; i < content.Count; i++)
        {
            var block = content[i]!.AsObject();
            var empty = Type(block) switch
            {
                "thinking" => new JsonObject { ["type"] = "thinking", ["thinking"] = "", ["signature"] = "" },
                "text" => new JsonObject { ["type"] = "text", ["text"] = "" },
                _ => new JsonObject { ["type"] = "tool_use", ["id"] = block["id"]!.DeepClone(), ["name"] = block["name"]!.DeepClone(), ["input"] = new JsonObject() },
            };
            await Send("content_block_start", new JsonObject { ["index"] = i, ["content_block"] = empty });
            JsonObject[] deltas = Type(block) switch
            {
                "thinking" => [new() { ["type"] = "thinking_delta", ["thinking"] = block["thinking"]!.DeepClone() }, new() { ["type"] = "signature_delta", ["signature"] = block["signature"]!.DeepClone() }],
                "text" => [new() { ["type"] = "text_delta", ["text"] = block["text"]!.DeepClone() }],
                _ => [new() { ["type"] = "input_json_delta", ["partial_json"] = block["input"]!.ToJsonString() }],
            };
            foreach (var delta in deltas) await Send("content_block_delta", new JsonObject { ["index"] = i, ["delta"] = delta });
            await Send("content_block_stop", new JsonObject { ["index"] = i });
        }
        await Send("message_delta", new JsonObject { ["delta"] = new JsonObject { ["stop_reason"] = message["stop_reason"]!.DeepClone(), ["stop_sequence"] = null }, ["usage"] = new JsonObject { ["output_tokens"] = 5 } });
        await Send("message_stop", new JsonObject());
    }

    // ---- Gemini (OpenAI-compatible) ----

    private async Task GeminiAsync(HttpContext context, JsonObject body)
    {
        foreach (var message in Messages(body))
        {
            if (message!["tool_calls"] is not JsonArray calls || calls.Count == 0) continue;
            foreach (var call in calls) GeminiSignaturesReceived[call!["id"]!.GetValue<string>()] = call["extra_content"]?["google"]?["thought_signature"]?.GetValue<string>();
            var signature = calls[0]!["extra_content"]?["google"]?["thought_signature"]?.GetValue<string>();
            if (signature is null)
            {
                await WriteJson(context, 400, """[{"error":{"code":400,"message":"Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:Bash` , position 2. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.","status":"INVALID_ARGUMENT"}}]""");
                return;
            }
            if (signature != GeminiDummy && !GeminiSignatures.Values.Contains(signature))
            {
                await WriteJson(context, 400, """[{"error":{"code":400,"message":"Corrupted thought signature.","status":"INVALID_ARGUMENT"}}]""");
                return;
            }
        }
        var n = Interlocked.Increment(ref counter);
        var lastIsTool = Messages(body)[^1]!["role"]!.GetValue<string>() == "tool";
        var stream = body["stream"]?.GetValue<bool>() == true;
        var calls2 = new List<JsonObject>();
        if (!lastIsTool)
        {
            for (var c = 0; c < GeminiParallelCalls; c++)
            {
                var id = $"function-call-{n}-{c}";
                var call = new JsonObject { ["id"] = id, ["type"] = "function", ["function"] = new JsonObject { ["name"] = "Bash", ["arguments"] = $$"""{"command":"echo {{c}}"}""" } };
                if (c == 0)
                {
                    var raw = new byte[1200];
                    Random.Shared.NextBytes(raw);
                    var signature = Convert.ToBase64String(raw);
                    GeminiSignatures[id] = signature;
                    call["extra_content"] = new JsonObject { ["google"] = new JsonObject { ["thought_signature"] = signature } };
                }
                calls2.Add(call);
            }
        }
        if (!stream)
        {
            var message = new JsonObject { ["role"] = "assistant", ["content"] = lastIsTool ? "All done." : null, ["reasoning_content"] = GeminiReasoning };
            if (calls2.Count > 0) message["tool_calls"] = new JsonArray(calls2.Select(c => (JsonNode)c).ToArray());
            await WriteJson(context, 200, new JsonObject
            {
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = "stop" }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 5, ["total_tokens"] = 15 },
            }.ToJsonString());
            return;
        }
        context.Response.ContentType = "text/event-stream";
        async Task Send(JsonNode chunk)
        {
            await context.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n");
            await context.Response.Body.FlushAsync();
        }
        if (GeminiReasoning is { } reasoning)
            await Send(new JsonObject { ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject { ["role"] = "assistant", ["reasoning_content"] = reasoning } }) });
        if (lastIsTool) await Send(JsonNode.Parse("""{"choices":[{"index":0,"delta":{"role":"assistant","content":"All done."}}]}""")!);
        // Gemini's deviations: each call whole, every one at index 0, finish_reason "stop" after tool calls.
        foreach (var call in calls2)
        {
            var entry = call.DeepClone().AsObject();
            entry["index"] = 0;
            await Send(new JsonObject { ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject { ["role"] = "assistant", ["tool_calls"] = new JsonArray(entry) } }) });
        }
        await Send(JsonNode.Parse("""{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}""")!);
        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    private static async Task WriteJson(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }

    public ValueTask DisposeAsync() => Upstream.DisposeAsync();
}
