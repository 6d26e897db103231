using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ClaudeModelProxy.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Tests.Responses;

/// <summary>One output item the fake's next reply contains.</summary>
internal abstract record FakeItem;

/// <summary>A reasoning item: the fake mints its id and encrypted content and remembers them, as OpenAI does.</summary>
internal sealed record FakeReasoning(params string[] SummaryChunks) : FakeItem;

internal sealed record FakeText(params string[] Chunks) : FakeItem;

internal sealed record FakeCall(string CallId, string Name, params string[] ArgumentChunks) : FakeItem;

/// <summary>
/// A strict OpenAI for the tests, speaking both APIs as the real service does where it matters here
/// (protocol §0.9, §0.10, §5b): Chat Completions refuses function tools with reasoning on gpt-5.4+;
/// <c>/responses</c> refuses unknown parameters (<c>stop</c>, <c>max_tokens</c>, <c>messages</c>…),
/// <c>max_output_tokens</c> below 16, <c>temperature</c> on gpt-5*, nested (Chat-style) tools, input items of the
/// wrong shape, unanswered calls, outputs without their call, and reasoning items whose encrypted content it did not
/// mint. Streams follow the documented event order, each event with its <c>sequence_number</c>.
/// </summary>
internal sealed partial class FakeOpenAi
{
    private static readonly HashSet<string> ResponsesParameters =
    [
        "model", "input", "instructions", "tools", "tool_choice", "parallel_tool_calls", "max_output_tokens", "reasoning", "stream",
        "store", "include", "user", "safety_identifier", "prompt_cache_key", "text", "temperature", "top_p", "metadata",
        "previous_response_id", "truncation", "service_tier", "background", "max_tool_calls", "top_logprobs", "stream_options", "prompt",
    ];

    /// <summary>encrypted_content → the reasoning item id it was minted for.</summary>
    private readonly ConcurrentDictionary<string, string> minted = new();
    private int counter;

    /// <summary>What the next /responses reply contains (the default: one short text).</summary>
    public Func<JsonObject, IReadOnlyList<FakeItem>> Reply { get; set; } = _ => [new FakeText("Hello", " there")];

    /// <summary>Set to end replies <c>incomplete</c> for this reason (<c>max_output_tokens</c>).</summary>
    public string? IncompleteReason { get; set; }

    /// <summary>Set to end streamed replies with <c>response.failed</c> carrying this code and message.</summary>
    public (string Code, string Message)? Failure { get; set; }

    public (long Input, long Cached, long Output, long Reasoning) Usage { get; set; } = (120, 100, 40, 25);

    /// <summary>Set to drop the connection after this many stream events (a network failure mid-reply).</summary>
    public int? BreakAfterEvents { get; set; }

    /// <summary>Every encrypted_content this fake handed out, in order.</summary>
    public ConcurrentQueue<string> MintedContents { get; } = new();

    /// <summary>The fake as a FakeUpstream handler (both APIs, any base path).</summary>
    public Func<HttpContext, RecordedRequest, Task> Handler => async (context, recorded) =>
    {
        JsonObject body;
        try
        {
            body = JsonNode.Parse(recorded.Body)!.AsObject();
        }
        catch (Exception)
        {
            await ErrorAsync(context, 400, "We could not parse the JSON body of your request.", "invalid_request_error", null, null);
            return;
        }
        if (recorded.Path.EndsWith("/chat/completions", StringComparison.Ordinal)) await ChatAsync(context, body);
        else if (recorded.Path.EndsWith("/responses", StringComparison.Ordinal)) await ResponsesAsync(context, body);
        else await ErrorAsync(context, 404, $"Invalid URL (POST {recorded.Path})", "invalid_request_error", null, null);
    };

    // ---- Chat Completions: only the refusal matters here ----

    private static async Task ChatAsync(HttpContext context, JsonObject body)
    {
        var model = body["model"]?.GetValue<string>() ?? "";
        var hasTools = body["tools"] is JsonArray { Count: > 0 };
        var effort = body["reasoning_effort"]?.GetValue<string>();
        if (hasTools && ToolsRefuseReasoning(model) && effort != "none")
        {
            await ErrorAsync(context, 400, $"Function tools with reasoning_effort are not supported for {model} in /v1/chat/completions. Please use /v1/responses instead.",
                "invalid_request_error", "reasoning_effort", null);
            return;
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$$"""{"id":"chatcmpl-1","object":"chat.completion","model":"{{{model}}}","choices":[{"index":0,"message":{"role":"assistant","content":"chat reply"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12}}""");
    }

    private static bool ToolsRefuseReasoning(string model)
    {
        var match = GptVersion().Match(model);
        if (!match.Success) return false;
        var major = int.Parse(match.Groups[1].Value);
        var minor = match.Groups[2].Success ? int.Parse(match.Groups[2].Value) : 0;
        return major > 5 || major == 5 && minor >= 4;
    }

    [GeneratedRegex(@"^gpt-(\d+)(?:\.(\d+))?")]
    private static partial Regex GptVersion();

    // ---- Responses ----

    private async Task ResponsesAsync(HttpContext context, JsonObject body)
    {
        if (Validate(body) is { } problem)
        {
            await ErrorAsync(context, 400, problem.Message, "invalid_request_error", problem.Param, problem.Code);
            return;
        }
        var model = body["model"]!.GetValue<string>();
        var items = Reply(body).Select(Materialize).ToList();
        var stream = body["stream"]?.GetValue<bool>() == true;
        if (stream)
        {
            try
            {
                await StreamAsync(context, model, items);
            }
            catch (OperationCanceledException) when (BreakAfterEvents is not null)
            {
                // the connection was dropped on purpose
            }
        }
        else
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(ResponseObject(model, items, Final(items)).ToJsonString());
        }
    }

    private (string Message, string? Param, string? Code)? Validate(JsonObject body)
    {
        foreach (var (name, _) in body)
            if (!ResponsesParameters.Contains(name)) return ($"Unsupported parameter: '{name}'.", name, "unsupported_parameter");
        if (body["model"] is not JsonValue) return ("Missing required parameter: 'model'.", "model", "missing_required_parameter");
        var model = body["model"]!.GetValue<string>();
        if (body["max_output_tokens"] is JsonValue max && max.GetValue<long>() < 16)
            return ($"Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got {max.GetValue<long>()} instead.", "max_output_tokens", "integer_below_min_value");
        if (model.StartsWith("gpt-5", StringComparison.Ordinal) && body["temperature"] is not null)
            return ("Unsupported parameter: 'temperature' is not supported with this model.", "temperature", "unsupported_parameter");
        if (body["tools"] is JsonArray tools)
        {
            for (var i = 0; i < tools.Count; i++)
            {
                var tool = tools[i]!.AsObject();
                if (tool["name"] is not JsonValue name) return ($"Missing required parameter: 'tools[{i}].name'.", $"tools[{i}].name", "missing_required_parameter");
                if (!Regex.IsMatch(name.GetValue<string>(), "^[a-zA-Z0-9_-]{1,64}$")) return ($"Invalid 'tools[{i}].name': string does not match pattern.", $"tools[{i}].name", "invalid_value");
            }
        }
        if (body["input"] is not JsonArray input) return ("Missing required parameter: 'input'.", "input", "missing_required_parameter");
        var calls = new List<string>();
        var answered = new HashSet<string>();
        for (var i = 0; i < input.Count; i++)
        {
            var item = input[i]!.AsObject();
            var type = item["type"]?.GetValue<string>() ?? "message";
            switch (type)
            {
                case "message":
                    var role = item["role"]?.GetValue<string>();
                    if (role is not ("user" or "assistant" or "system" or "developer")) return ($"Invalid value: '{role}'. Supported values are: 'assistant', 'system', 'developer', and 'user'.", $"input[{i}].role", "invalid_value");
                    foreach (var part in item["content"]!.AsArray())
                    {
                        var partType = part!["type"]!.GetValue<string>();
                        var allowed = role == "assistant" ? new[] { "output_text", "refusal" } : ["input_text", "input_image", "input_file"];
                        if (!allowed.Contains(partType)) return ($"Invalid value: '{partType}'. Supported values are: {string.Join(", ", allowed.Select(a => $"'{a}'"))}.", $"input[{i}].content", "invalid_value");
                    }
                    break;
                case "reasoning":
                    var id = item["id"]?.GetValue<string>() ?? "";
                    var encrypted = item["encrypted_content"]?.GetValue<string>();
                    if (encrypted is null || !minted.TryGetValue(encrypted, out var mintedFor) || mintedFor != id)
                        return ($"The encrypted content for item {id} could not be verified. Reason: Encrypted content could not be decrypted or parsed.", $"input[{i}].encrypted_content", "invalid_encrypted_content");
                    break;
                case "function_call":
                    calls.Add(item["call_id"]!.GetValue<string>());
                    break;
                case "function_call_output":
                    var callId = item["call_id"]!.GetValue<string>();
                    if (!calls.Contains(callId)) return ($"No tool call found for function call output with call_id {callId}.", $"input[{i}]", null);
                    if (item["output"] is not JsonValue) return ($"Invalid type for 'input[{i}].output': expected a string.", $"input[{i}].output", "invalid_type");
                    answered.Add(callId);
                    break;
                default:
                    return ($"Invalid value: '{type}'.", $"input[{i}].type", "invalid_value");
            }
        }
        if (calls.FirstOrDefault(c => !answered.Contains(c)) is { } unanswered) return ($"No tool output found for function call {unanswered}.", "input", null);
        return null;
    }

    /// <summary>A scripted item as the finished output item (ids and encrypted content minted now).</summary>
    private (FakeItem Script, JsonObject Done) Materialize(FakeItem item)
    {
        var n = Interlocked.Increment(ref counter);
        switch (item)
        {
            case FakeReasoning reasoning:
                var id = $"rs_{n:D4}fake";
                var encrypted = Convert.ToBase64String(Encoding.UTF8.GetBytes($"sealed-reasoning-{n}-{Guid.NewGuid():N}"));
                minted[encrypted] = id;
                MintedContents.Enqueue(encrypted);
                var summary = new JsonArray();
                if (reasoning.SummaryChunks.Length > 0) summary.Add(new JsonObject { ["type"] = "summary_text", ["text"] = string.Concat(reasoning.SummaryChunks) });
                return (item, new JsonObject { ["id"] = id, ["type"] = "reasoning", ["summary"] = summary, ["encrypted_content"] = encrypted });
            case FakeText text:
                return (item, new JsonObject
                {
                    ["id"] = $"msg_{n:D4}fake", ["type"] = "message", ["status"] = "completed", ["role"] = "assistant",
                    ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = string.Concat(text.Chunks), ["annotations"] = new JsonArray() }),
                });
            case FakeCall call:
                return (item, new JsonObject
                {
                    ["id"] = $"fc_{n:D4}fake", ["type"] = "function_call", ["status"] = "completed", ["call_id"] = call.CallId,
                    ["name"] = call.Name, ["arguments"] = string.Concat(call.ArgumentChunks),
                });
            default:
                throw new InvalidOperationException();
        }
    }

    private string Final(List<(FakeItem Script, JsonObject Done)> _) => IncompleteReason is null ? "completed" : "incomplete";

    private JsonObject ResponseObject(string model, List<(FakeItem Script, JsonObject Done)> items, string status)
    {
        var response = new JsonObject
        {
            ["id"] = "resp_fake", ["object"] = "response", ["created_at"] = 1, ["status"] = status, ["model"] = model,
            ["output"] = new JsonArray(items.Select(i => (JsonNode)i.Done.DeepClone()).ToArray()),
            ["usage"] = new JsonObject
            {
                ["input_tokens"] = Usage.Input, ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = Usage.Cached },
                ["output_tokens"] = Usage.Output, ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = Usage.Reasoning },
                ["total_tokens"] = Usage.Input + Usage.Output,
            },
        };
        if (status == "incomplete") response["incomplete_details"] = new JsonObject { ["reason"] = IncompleteReason };
        return response;
    }

    private async Task StreamAsync(HttpContext context, string model, List<(FakeItem Script, JsonObject Done)> items)
    {
        context.Response.ContentType = "text/event-stream";
        var sequence = 0;
        async Task Send(string type, JsonObject data)
        {
            if (sequence == BreakAfterEvents)
            {
                await Task.Delay(50);
                context.Abort();
                throw new OperationCanceledException("the fake dropped the connection");
            }
            data["type"] = type;
            data["sequence_number"] = sequence++;
            await context.Response.WriteAsync($"event: {type}\ndata: {data.ToJsonString()}\n\n");
            await context.Response.Body.FlushAsync();
        }
        var inProgress = new JsonObject { ["id"] = "resp_fake", ["object"] = "response", ["status"] = "in_progress", ["model"] = model, ["output"] = new JsonArray(), ["usage"] = null };
        await Send("response.created", new JsonObject { ["response"] = inProgress.DeepClone() });
        await Send("response.in_progress", new JsonObject { ["response"] = inProgress.DeepClone() });
        for (var index = 0; index < items.Count; index++)
        {
            var (script, done) = items[index];
            var id = done["id"]!.GetValue<string>();
            var added = done.DeepClone().AsObject();
            await Send("response.output_item.added", new JsonObject { ["output_index"] = index, ["item"] = Emptied(added) });
            switch (script)
            {
                case FakeReasoning reasoning when reasoning.SummaryChunks.Length > 0:
                    var part = new JsonObject { ["item_id"] = id, ["output_index"] = index, ["summary_index"] = 0 };
                    await Send("response.reasoning_summary_part.added", With(part, "part", new JsonObject { ["type"] = "summary_text", ["text"] = "" }));
                    foreach (var chunk in reasoning.SummaryChunks) await Send("response.reasoning_summary_text.delta", With(part, "delta", chunk));
                    await Send("response.reasoning_summary_text.done", With(part, "text", string.Concat(reasoning.SummaryChunks)));
                    await Send("response.reasoning_summary_part.done", With(part, "part", new JsonObject { ["type"] = "summary_text", ["text"] = string.Concat(reasoning.SummaryChunks) }));
                    break;
                case FakeText text:
                    var content = new JsonObject { ["item_id"] = id, ["output_index"] = index, ["content_index"] = 0 };
                    await Send("response.content_part.added", With(content, "part", new JsonObject { ["type"] = "output_text", ["text"] = "", ["annotations"] = new JsonArray() }));
                    foreach (var chunk in text.Chunks) await Send("response.output_text.delta", With(content, "delta", chunk));
                    await Send("response.output_text.done", With(content, "text", string.Concat(text.Chunks)));
                    await Send("response.content_part.done", With(content, "part", new JsonObject { ["type"] = "output_text", ["text"] = string.Concat(text.Chunks), ["annotations"] = new JsonArray() }));
                    break;
                case FakeCall call:
                    var arguments = new JsonObject { ["item_id"] = id, ["output_index"] = index };
                    foreach (var chunk in call.ArgumentChunks) await Send("response.function_call_arguments.delta", With(arguments, "delta", chunk));
                    await Send("response.function_call_arguments.done", With(arguments, "arguments", string.Concat(call.ArgumentChunks)));
                    break;
            }
            await Send("response.output_item.done", new JsonObject { ["output_index"] = index, ["item"] = done.DeepClone() });
        }
        if (Failure is { } failure)
        {
            var failed = ResponseObject(model, items, "failed");
            failed["error"] = new JsonObject { ["code"] = failure.Code, ["message"] = failure.Message };
            await Send("response.failed", new JsonObject { ["response"] = failed });
            return;
        }
        var status = Final(items);
        await Send(status == "completed" ? "response.completed" : "response.incomplete", new JsonObject { ["response"] = ResponseObject(model, items, status) });
    }

    /// <summary>An item as output_item.added shows it: no text, arguments or encrypted content yet.</summary>
    private static JsonObject Emptied(JsonObject item)
    {
        item.Remove("encrypted_content");
        if (item["type"]!.GetValue<string>() == "reasoning") item["summary"] = new JsonArray();
        if (item["type"]!.GetValue<string>() == "message") item["content"] = new JsonArray();
        if (item["type"]!.GetValue<string>() == "function_call") item["arguments"] = "";
        item["status"] = "in_progress";
        return item;
    }

    private static JsonObject With(JsonObject fields, string name, JsonNode value)
    {
        var copy = fields.DeepClone().AsObject();
        copy[name] = value;
        return copy;
    }

    private static async Task ErrorAsync(HttpContext context, int status, string message, string type, string? param, string? code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code },
        }.ToJsonString(Relaxed));
    }

    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
