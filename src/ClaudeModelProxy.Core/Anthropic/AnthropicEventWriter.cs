using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ClaudeModelProxy.Core.Anthropic;

/// <summary>The start of an Anthropic Message object, shared by JSON replies and <c>message_start</c>.</summary>
internal static class AnthropicMessageJson
{
    /// <summary>Writes <c>{"id":…,"type":"message","role":"assistant","model":…,"content":[</c> — the caller writes the blocks.</summary>
    public static void WriteStart(Utf8JsonWriter w, string messageId, string model)
    {
        w.WriteStartObject();
        w.WriteString("id", messageId);
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
        w.WriteString("model", model);
        w.WriteStartArray("content");
    }
}

/// <summary>
/// Writes Anthropic SSE events (<c>event:</c> line and <c>data:</c> JSON) for a translated stream. It writes what it is
/// told; keeping the order the SDKs need (indices in start order, one block open at a time) is the caller's job.
/// </summary>
internal sealed class AnthropicEventWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Utf8JsonWriter json = new(new ArrayBufferWriter<byte>(1), Options);

    /// <summary><c>message_start</c> with placeholder usage (the real counts come with <c>message_delta</c>), then <c>ping</c>.</summary>
    public void MessageStart(IBufferWriter<byte> output, string messageId, string model)
    {
        var w = Begin(output, "message_start"u8);
        w.WriteStartObject();
        w.WriteString("type", "message_start");
        w.WritePropertyName("message");
        AnthropicMessageJson.WriteStart(w, messageId, model);
        w.WriteEndArray();
        w.WriteNull("stop_reason");
        w.WriteNull("stop_sequence");
        OpenAi.UsageMapping.WriteMessageUsage(w, new TokenUsage { OutputTokens = 1 });
        w.WriteEndObject();
        w.WriteEndObject();
        End(output);
        output.Write("event: ping\ndata: {\"type\":\"ping\"}\n\n"u8);
    }

    public void TextStart(IBufferWriter<byte> output, int index) => BlockStart(output, index, "text", null, null);

    public void ThinkingStart(IBufferWriter<byte> output, int index) => BlockStart(output, index, "thinking", null, null);

    public void ToolUseStart(IBufferWriter<byte> output, int index, string id, string name) => BlockStart(output, index, "tool_use", id, name);

    private void BlockStart(IBufferWriter<byte> output, int index, string type, string? id, string? name)
    {
        var w = BeginBlockEvent(output, "content_block_start"u8, "content_block_start", index, "content_block", type);
        switch (type)
        {
            case "text":
                w.WriteString("text", "");
                break;
            case "thinking":
                w.WriteString("thinking", "");
                w.WriteString("signature", "");
                break;
            default:
                w.WriteString("id", id);
                w.WriteString("name", name);
                w.WriteStartObject("input");
                w.WriteEndObject();
                break;
        }
        w.WriteEndObject();
        w.WriteEndObject();
        End(output);
    }

    /// <summary>A <c>content_block_delta</c>: <paramref name="deltaType"/> (<c>text_delta</c>, …) with <paramref name="field"/> = <paramref name="value"/>.</summary>
    public void Delta(IBufferWriter<byte> output, int index, string deltaType, string field, string value)
    {
        var w = BeginBlockEvent(output, "content_block_delta"u8, "content_block_delta", index, "delta", deltaType);
        w.WriteString(field, value);
        w.WriteEndObject();
        w.WriteEndObject();
        End(output);
    }

    /// <summary>The start of a text delta's object up to its value's opening quote, for <see cref="EscapedDelta"/>.</summary>
    public static ReadOnlySpan<byte> TextDeltaStart => "{\"type\":\"text_delta\",\"text\":\""u8;

    public static ReadOnlySpan<byte> ThinkingDeltaStart => "{\"type\":\"thinking_delta\",\"thinking\":\""u8;

    public static ReadOnlySpan<byte> InputJsonDeltaStart => "{\"type\":\"input_json_delta\",\"partial_json\":\""u8;

    /// <summary>
    /// The event <see cref="Delta"/> writes, for a value that is already JSON-escaped (copied from an upstream event as
    /// it was written there): the stream translators' fast paths, which neither decode nor re-encode the text.
    /// </summary>
    public static void EscapedDelta(IBufferWriter<byte> output, int index, ReadOnlySpan<byte> deltaStart, ReadOnlySpan<byte> escapedValue)
    {
        output.Write("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":"u8);
        var digits = output.GetSpan(11);
        index.TryFormat(digits, out var written, provider: System.Globalization.CultureInfo.InvariantCulture);
        output.Advance(written);
        output.Write(",\"delta\":"u8);
        output.Write(deltaStart);
        output.Write(escapedValue);
        output.Write("\"}}\n\n"u8);
    }

    public void BlockStop(IBufferWriter<byte> output, int index)
    {
        var w = Begin(output, "content_block_stop"u8);
        w.WriteStartObject();
        w.WriteString("type", "content_block_stop");
        w.WriteNumber("index", index);
        w.WriteEndObject();
        End(output);
    }

    /// <summary><c>message_delta</c> (stop reason, stop sequence, final cumulative usage) and <c>message_stop</c>.</summary>
    public void MessageEnd(IBufferWriter<byte> output, string stopReason, string? stopSequence, in TokenUsage usage)
    {
        var w = Begin(output, "message_delta"u8);
        w.WriteStartObject();
        w.WriteString("type", "message_delta");
        w.WriteStartObject("delta");
        w.WriteString("stop_reason", stopReason);
        if (stopSequence is null) w.WriteNull("stop_sequence");
        else w.WriteString("stop_sequence", stopSequence);
        w.WriteEndObject();
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", usage.InputTokens);
        w.WriteNumber("cache_creation_input_tokens", usage.CacheCreationInputTokens);
        w.WriteNumber("cache_read_input_tokens", usage.CacheReadInputTokens);
        w.WriteNumber("output_tokens", usage.OutputTokens);
        w.WriteEndObject();
        w.WriteEndObject();
        End(output);
        output.Write("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"u8);
    }

    /// <summary>The common head of a block event: <c>{"type":…,"index":N,"&lt;inner&gt;":{"type":…</c>, left open.</summary>
    private Utf8JsonWriter BeginBlockEvent(IBufferWriter<byte> output, ReadOnlySpan<byte> eventName, string eventType, int index, string inner, string innerType)
    {
        var w = Begin(output, eventName);
        w.WriteStartObject();
        w.WriteString("type", eventType);
        w.WriteNumber("index", index);
        w.WriteStartObject(inner);
        w.WriteString("type", innerType);
        return w;
    }

    private Utf8JsonWriter Begin(IBufferWriter<byte> output, ReadOnlySpan<byte> eventName)
    {
        output.Write("event: "u8);
        output.Write(eventName);
        output.Write("\ndata: "u8);
        json.Reset(output);
        return json;
    }

    private void End(IBufferWriter<byte> output)
    {
        json.Flush();
        output.Write("\n\n"u8);
    }
}
