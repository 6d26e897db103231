using System.Text;
using System.Text.Json;

namespace ClaudeModelProxy.Benchmarks;

/// <summary>Request bodies and canned upstream replies shaped like real Claude Code traffic.</summary>
public static class Workloads
{
    public const string PassThroughAlias = "claude-deepseek-v4-pro";
    public const string TranslatedAlias = "claude-gpt-5.4";

    /// <summary>
    /// The Responses API route. The benchmark gateway runs with OPENAI_WIRE_API=chat so that claude-gpt-5.4 keeps
    /// measuring Chat Completions; a Codex model always goes to /responses, so this alias measures that wire.
    /// </summary>
    public const string ResponsesAlias = "claude-bench-responses";
    public const string ResponsesModel = "gpt-5.4-codex";

    public static byte[] SmallRequest(string model, bool stream) => Encoding.UTF8.GetBytes(
        $$"""{"model":"{{model}}","max_tokens":1024,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"Say hello in five words."}]}""");

    /// <summary>A Claude Code conversation of about <paramref name="targetBytes"/> with 50 tools, tool calls and results.</summary>
    public static byte[] ConversationRequest(string model, bool stream, int targetBytes = 2 * 1024 * 1024, int toolCount = 50)
    {
        using var buffer = new MemoryStream(targetBytes + 64 * 1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteNumber("max_tokens", 32000);
            json.WriteBoolean("stream", stream);
            json.WriteStartArray("system");
            json.WriteStartObject(); json.WriteString("type", "text"); json.WriteString("text", "You are Claude Code, Anthropic's official CLI for Claude. " + string.Concat(Enumerable.Repeat("Follow the rules. ", 400))); json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartArray("tools");
            for (var t = 0; t < toolCount; t++)
            {
                json.WriteStartObject();
                json.WriteString("name", t % 10 == 9 ? $"mcp__server_{t}__a_tool_name_long_enough_to_need_shortening_for_openai_{t}" : $"Tool{t}");
                json.WriteString("description", string.Concat(Enumerable.Repeat($"Tool {t} does useful work. ", 20)));
                json.WriteStartObject("input_schema");
                json.WriteString("type", "object");
                json.WriteStartObject("properties");
                for (var p = 0; p < 8; p++)
                {
                    json.WriteStartObject($"param{p}");
                    json.WriteString("type", "string");
                    json.WriteString("description", "A parameter with a long explanation of what it means and when to use it.");
                    json.WriteEndObject();
                }
                json.WriteEndObject();
                json.WriteStartArray("required"); json.WriteStringValue("param0"); json.WriteEndArray();
                json.WriteBoolean("additionalProperties", false);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("messages");
            var turn = 0;
            while (buffer.Length + json.BytesPending < targetBytes)
            {
                var id = $"toolu_{turn:D20}";
                json.WriteStartObject(); json.WriteString("role", "user");
                json.WriteStartArray("content");
                if (turn > 0)
                {
                    json.WriteStartObject(); json.WriteString("type", "tool_result"); json.WriteString("tool_use_id", $"toolu_{turn - 1:D20}");
                    json.WriteString("content", string.Concat(Enumerable.Repeat("line of command output with some text\n", 80))); json.WriteEndObject();
                }
                json.WriteStartObject(); json.WriteString("type", "text"); json.WriteString("text", $"Step {turn}: please continue with the task and explain."); json.WriteEndObject();
                json.WriteEndArray(); json.WriteEndObject();
                json.WriteStartObject(); json.WriteString("role", "assistant");
                json.WriteStartArray("content");
                json.WriteStartObject(); json.WriteString("type", "text"); json.WriteString("text", "I will run a command to look at the files. " + string.Concat(Enumerable.Repeat("Reasoning about it. ", 20))); json.WriteEndObject();
                json.WriteStartObject(); json.WriteString("type", "tool_use"); json.WriteString("id", id); json.WriteString("name", $"Tool{turn % toolCount}");
                json.WriteStartObject("input"); json.WriteString("param0", $"ls -la /src/{turn}"); json.WriteEndObject(); json.WriteEndObject();
                json.WriteEndArray(); json.WriteEndObject();
                turn++;
            }
            json.WriteStartObject(); json.WriteString("role", "user");
            json.WriteStartArray("content");
            json.WriteStartObject(); json.WriteString("type", "tool_result"); json.WriteString("tool_use_id", $"toolu_{turn - 1:D20}"); json.WriteString("content", "done"); json.WriteEndObject();
            json.WriteEndArray(); json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public static readonly byte[] AnthropicMessageReply = Encoding.UTF8.GetBytes(
        """{"id":"msg_01","type":"message","role":"assistant","model":"deepseek-v4-pro","content":[{"type":"text","text":"Hello there, nice to meet you."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":8}}""");

    public static readonly byte[] AnthropicStreamReply = Encoding.UTF8.GetBytes(string.Concat(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"deepseek-v4-pro\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
        string.Concat(Enumerable.Range(0, 20).Select(i => $"event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\"word{i} \"}}}}\n\n")),
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":20}}\n\n",
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));

    public static readonly byte[] OpenAiReply = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-5.4","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there, nice to meet you."},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":8,"total_tokens":20}}""");

    public static readonly byte[] OpenAiStreamReply = Encoding.UTF8.GetBytes(string.Concat(
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-5.4\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n",
        string.Concat(Enumerable.Range(0, 20).Select(i => $"data: {{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-5.4\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"word{i} \"}},\"finish_reason\":null}}]}}\n\n")),
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-5.4\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-5.4\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":20,\"total_tokens\":32}}\n\n",
        "data: [DONE]\n\n"));

    public static readonly byte[] ResponsesReply = Encoding.UTF8.GetBytes(
        $$$"""{"id":"resp_1","object":"response","created_at":1,"status":"completed","model":"{{{ResponsesModel}}}","output":[{"id":"msg_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Hello there, nice to meet you.","annotations":[]}]}],"usage":{"input_tokens":12,"input_tokens_details":{"cached_tokens":0},"output_tokens":8,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":20}}""");

    /// <summary>A Responses stream in the documented order (created … completed, each with sequence_number), 20 text deltas.</summary>
    public static readonly byte[] ResponsesStreamReply = Encoding.UTF8.GetBytes(ResponsesStreamText());

    private static string ResponsesStreamText()
    {
        var text = string.Concat(Enumerable.Range(0, 20).Select(i => $"word{i} "));
        var response = $$"""{"id":"resp_1","object":"response","status":"in_progress","model":"{{ResponsesModel}}","output":[]}""";
        var message = $$"""{"id":"msg_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"{{text}}","annotations":[]}]}""";
        var part = """ "item_id":"msg_1","output_index":0,"content_index":0 """.Trim();
        var events = new List<(string Type, string Fields)>
        {
            ("response.created", $"\"response\":{response}"),
            ("response.in_progress", $"\"response\":{response}"),
            ("response.output_item.added", "\"output_index\":0,\"item\":{\"id\":\"msg_1\",\"type\":\"message\",\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}"),
            ("response.content_part.added", part + ",\"part\":{\"type\":\"output_text\",\"text\":\"\",\"annotations\":[]}"),
        };
        events.AddRange(Enumerable.Range(0, 20).Select(i => ("response.output_text.delta", part + $",\"delta\":\"word{i} \"")));
        events.Add(("response.output_text.done", part + $",\"text\":\"{text}\""));
        events.Add(("response.content_part.done", part + $",\"part\":{{\"type\":\"output_text\",\"text\":\"{text}\",\"annotations\":[]}}"));
        events.Add(("response.output_item.done", $"\"output_index\":0,\"item\":{message}"));
        events.Add(("response.completed", $"\"response\":{response.Replace("in_progress", "completed")[..^1]},\"usage\":{{\"input_tokens\":12,\"input_tokens_details\":{{\"cached_tokens\":0}},\"output_tokens\":20,\"output_tokens_details\":{{\"reasoning_tokens\":0}},\"total_tokens\":32}}}}"));
        return string.Concat(events.Select((e, n) => $"event: {e.Type}\ndata: {{\"type\":\"{e.Type}\",\"sequence_number\":{n},{e.Fields}}}\n\n"));
    }

    /// <summary>What a client talking the Responses API directly would send: the baseline for that route.</summary>
    public static byte[] ResponsesRequest(bool stream) => Encoding.UTF8.GetBytes(
        $$"""{"model":"{{ResponsesModel}}","max_output_tokens":1024,"store":false,"stream":{{(stream ? "true" : "false")}},"input":[{"role":"user","content":[{"type":"input_text","text":"Say hello in five words."}]}]}""");

    /// <summary>The canned stream the mock answers on <paramref name="path"/>.</summary>
    public static byte[] StreamReplyFor(string path) =>
        path.EndsWith("/chat/completions", StringComparison.Ordinal) ? OpenAiStreamReply
        : path.EndsWith("/responses", StringComparison.Ordinal) ? ResponsesStreamReply
        : AnthropicStreamReply;

    /// <summary>How many SSE events a canned stream holds.</summary>
    public static int EventCount(byte[] stream) => Encoding.UTF8.GetString(stream).Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>What a client talking OpenAI directly would send: the baseline for the translated route.</summary>
    public static byte[] OpenAiRequest(bool stream) => Encoding.UTF8.GetBytes(
        $$"""{"model":"gpt-5.4","max_completion_tokens":1024,"stream":{{(stream ? "true,\"stream_options\":{\"include_usage\":true}" : "false")}},"messages":[{"role":"user","content":"Say hello in five words."}]}""");
}
