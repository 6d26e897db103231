using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClaudeModelProxy.Core.OpenAi;

/// <summary>What the client asked for about thinking, before any provider decides how to say it.</summary>
internal enum ThinkingKind { Unspecified, Enabled, Adaptive, Disabled }

/// <param name="Kind">The <c>thinking.type</c> of the request.</param>
/// <param name="BudgetTokens"><c>thinking.budget_tokens</c> when enabled.</param>
/// <param name="RequestedEffort"><c>output_config.effort</c>, lower-cased.</param>
internal sealed record ThinkingIntent(ThinkingKind Kind, long? BudgetTokens, string? RequestedEffort)
{
    public static readonly ThinkingIntent None = new(ThinkingKind.Unspecified, null, null);

    /// <summary>
    /// The OpenAI <c>reasoning_effort</c> this intent means, or null for "say nothing".
    /// Enabled budget buckets: below 2048 → low (also below 1024: several models have no "minimal"),
    /// below 4096 → medium, otherwise high. Adaptive → <c>output_config.effort</c> or "medium".
    /// Disabled → "none". No thinking field → <c>output_config.effort</c> if given.
    /// </summary>
    public string? ReasoningEffort => Kind switch
    {
        ThinkingKind.Enabled => BudgetTokens switch { null => "medium", < 2048 => "low", < 4096 => "medium", _ => "high" },
        ThinkingKind.Adaptive => RequestedEffort ?? "medium",
        ThinkingKind.Disabled => "none",
        _ => RequestedEffort,
    };

    public bool WantsThinking => Kind is ThinkingKind.Enabled or ThinkingKind.Adaptive;
}

internal enum PartKind { Text, ImageUrl, File }

/// <summary>One part of an OpenAI message's content.</summary>
/// <param name="Raw">The client's own JSON string token for this text, when it is used unchanged: written as is, not re-escaped.</param>
internal readonly record struct ChatPart(PartKind Kind, string? Decoded, string? FileName = null, JsonElement? Raw = null)
{
    /// <summary>The text, URL or data; a verbatim part is decoded only when something reads it (the writers copy <see cref="Raw"/>).</summary>
    public string Value => Decoded ?? Raw?.Text() ?? "";

    public static ChatPart Text(string text) => new(PartKind.Text, text);

    /// <summary>A text that is written as the client's own JSON string token: tool output, most of a long conversation.</summary>
    /// <remarks>A token with a lone surrogate escape is decoded instead, so the half becomes U+FFFD here as on every other path.</remarks>
    public static ChatPart Verbatim(JsonElement text)
    {
        var token = JsonMarshal.GetRawUtf8Value(text);
        // Most tool output has a \n every line and no \u at all: one vectorised search answers for it.
        return EscapeMask.MayHoldUnicodeEscape(token) && JsonEscapes.HasLoneSurrogate(token) ? Text(text.Text() ?? "") : new(PartKind.Text, null, Raw: text);
    }

    /// <summary>A text block's text, copied as its JSON token unless it is blank (blank text is left out); null when blank.</summary>
    public static ChatPart? NonBlankText(JsonElement text)
    {
        var raw = JsonMarshal.GetRawUtf8Value(text);
        // Between the quotes: any ASCII character that is not blank, a quote or the start of an escape is text, so the
        // token need not be decoded to know it is not blank. Anything else (escapes, non-ASCII spaces) is decoded to decide.
        var inner = raw.Length >= 2 ? raw[1..^1] : raw;
        var first = inner.IndexOfAnyExcept(" \t\r\n"u8);
        if (first >= 0 && inner[first] is > 0x20 and < 0x7F and not (byte)'\\') return Verbatim(text);
        return text.Text() is { } decoded && !string.IsNullOrWhiteSpace(decoded) ? Text(decoded) : null;
    }

    /// <summary>Writes the text as <paramref name="property"/>: the client's token as it is when verbatim, else escaped anew.</summary>
    public void WriteText(Utf8JsonWriter w, string property)
    {
        if (Raw is { } raw)
        {
            w.WritePropertyName(property);
            EscapeMask.WriteClientToken(w, raw);
        }
        else w.WriteString(property, Value);
    }
}

internal sealed class ChatToolCall
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Arguments { get; init; }
    /// <summary>The provider's own state for this call (see <see cref="IToolCallState"/>), written back onto it.</summary>
    public string? CarriedState { get; set; }
}

/// <summary>A thinking block of the history: its text and its signature, untrusted until decoded.</summary>
internal readonly record struct ThinkingBlock(string Text, string? Signature);

internal sealed class ChatMessage
{
    public required string Role { get; init; }
    public List<ChatPart> Parts { get; } = [];
    public List<ChatToolCall> ToolCalls { get; } = [];
    public string? ToolCallId { get; init; }
    /// <summary>The assistant turn's thinking blocks as the client sent them (the Responses API replays its own as reasoning items).</summary>
    public List<ThinkingBlock> ThinkingBlocks { get; } = [];

    public bool HasContent => Parts.Count > 0 || ToolCalls.Count > 0;
}

internal sealed class ChatTool
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary>The client's <c>input_schema</c>, written as is unless <see cref="Parameters"/> replaces it.</summary>
    public JsonElement? InputSchema { get; init; }
    public JsonNode? Parameters { get; set; }
}

/// <summary>
/// A Chat Completions request under construction. The request translator fills in the messages, tools and the
/// client's intent; a provider's <see cref="IProviderQuirks"/> then decides which wire fields express that intent.
/// </summary>
internal sealed class ChatRequestDraft
{
    public required string Model { get; init; }
    public required bool Stream { get; init; }
    public List<ChatMessage> Messages { get; } = [];
    public List<ChatTool> Tools { get; } = [];

    /// <summary>"auto", "required", "none", or null; see <see cref="ToolChoiceFunction"/>.</summary>
    public string? ToolChoice { get; set; }
    /// <summary>Set for <c>{"type":"function","function":{"name":…}}</c>.</summary>
    public string? ToolChoiceFunction { get; set; }
    public bool? ParallelToolCalls { get; set; }

    // The client's intent.
    public long? MaxTokens { get; init; }
    public ThinkingIntent Thinking { get; init; } = ThinkingIntent.None;
    /// <summary>SHA-256 hex of <c>metadata.user_id</c>.</summary>
    public string? UserHash { get; init; }

    // Wire fields; quirks adjust these.
    public string? MaxTokensField { get; set; } = "max_tokens";
    public double? Temperature { get; set; }
    public double? TopP { get; set; }
    public long? TopK { get; set; }
    public List<string>? Stop { get; set; }
    public string? ReasoningEffort { get; set; }
    public JsonElement? ResponseFormatSchema { get; init; }
    /// <summary>Provider-specific top-level fields, written last (e.g. <c>enable_thinking</c>, <c>safety_identifier</c>).</summary>
    public Dictionary<string, JsonNode> Extra { get; } = new(StringComparer.Ordinal);

    /// <summary>Writes the request; <paramref name="callState"/> writes the provider's own state onto tool calls.</summary>
    public void WriteTo(Utf8JsonWriter w, IToolCallState? callState)
    {
        w.WriteStartObject();
        w.WriteString("model", Model);
        w.WriteStartArray("messages");
        foreach (var message in Messages) WriteMessage(w, message, callState);
        w.WriteEndArray();
        if (Tools.Count > 0)
        {
            w.WriteStartArray("tools");
            foreach (var tool in Tools)
            {
                w.WriteStartObject();
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", tool.Name);
                if (!string.IsNullOrEmpty(tool.Description)) w.WriteString("description", tool.Description);
                w.WritePropertyName("parameters");
                if (tool.Parameters is { } parameters) parameters.WriteTo(w);
                else if (tool.InputSchema is { ValueKind: JsonValueKind.Object } schema) EscapeMask.WriteClientJson(w, schema);
                else WriteEmptyObjectSchema(w);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (ToolChoiceFunction is { } function)
            {
                w.WriteStartObject("tool_choice");
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", function);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            else if (ToolChoice is { } choice) w.WriteString("tool_choice", choice);
            if (ParallelToolCalls is { } parallel) w.WriteBoolean("parallel_tool_calls", parallel);
        }
        if (MaxTokens is { } maxTokens && MaxTokensField is { } field) w.WriteNumber(field, maxTokens);
        if (Temperature is { } temperature) w.WriteNumber("temperature", temperature);
        if (TopP is { } topP) w.WriteNumber("top_p", topP);
        if (TopK is { } topK) w.WriteNumber("top_k", topK);
        if (Stop is { Count: > 0 } stop)
        {
            w.WriteStartArray("stop");
            foreach (var s in stop) w.WriteStringValue(s);
            w.WriteEndArray();
        }
        if (ReasoningEffort is { } effort) w.WriteString("reasoning_effort", effort);
        if (ResponseFormatSchema is { } format)
        {
            w.WriteStartObject("response_format");
            w.WriteString("type", "json_schema");
            w.WriteStartObject("json_schema");
            w.WriteString("name", "output");
            w.WritePropertyName("schema");
            EscapeMask.WriteClientJson(w, format);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        foreach (var (name, value) in Extra)
        {
            w.WritePropertyName(name);
            value.WriteTo(w);
        }
        if (Stream)
        {
            w.WriteBoolean("stream", true);
            w.WriteStartObject("stream_options");
            w.WriteBoolean("include_usage", true);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    internal static void WriteEmptyObjectSchema(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("type", "object");
        w.WriteStartObject("properties");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter w, ChatMessage message, IToolCallState? callState)
    {
        w.WriteStartObject();
        w.WriteString("role", message.Role);
        switch (message.Role)
        {
            case "tool":
                w.WriteString("tool_call_id", message.ToolCallId);
                // Tool output is most of a long conversation: its JSON string is copied, not decoded and re-escaped.
                if (message.Parts is [{ Kind: PartKind.Text } only]) only.WriteText(w, "content");
                else w.WriteString("content", JoinText(message.Parts, "\n"));
                break;
            case "assistant":
                if (message.Parts is [{ Kind: PartKind.Text } said]) said.WriteText(w, "content");
                else if (JoinText(message.Parts, "\n\n") is { Length: > 0 } text) w.WriteString("content", text);
                else w.WriteNull("content");
                if (message.ToolCalls.Count > 0)
                {
                    w.WriteStartArray("tool_calls");
                    foreach (var call in message.ToolCalls)
                    {
                        w.WriteStartObject();
                        w.WriteString("id", call.Id);
                        w.WriteString("type", "function");
                        w.WriteStartObject("function");
                        w.WriteString("name", call.Name);
                        w.WriteString("arguments", call.Arguments);
                        w.WriteEndObject();
                        if (call.CarriedState is { } state) callState?.Write(w, state);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }
                break;
            default:
                if (message.Parts is [{ Kind: PartKind.Text } alone])
                {
                    alone.WriteText(w, "content");
                    break;
                }
                if (message.Parts.TrueForAll(p => p.Kind == PartKind.Text))
                {
                    w.WriteString("content", JoinText(message.Parts, "\n\n"));
                    break;
                }
                w.WriteStartArray("content");
                foreach (var part in message.Parts)
                {
                    w.WriteStartObject();
                    switch (part.Kind)
                    {
                        case PartKind.Text:
                            w.WriteString("type", "text");
                            part.WriteText(w, "text");
                            break;
                        case PartKind.ImageUrl:
                            w.WriteString("type", "image_url");
                            w.WriteStartObject("image_url");
                            w.WriteString("url", part.Value);
                            w.WriteEndObject();
                            break;
                        case PartKind.File:
                            w.WriteString("type", "file");
                            w.WriteStartObject("file");
                            w.WriteString("filename", part.FileName ?? "document.pdf");
                            w.WriteString("file_data", part.Value);
                            w.WriteEndObject();
                            break;
                    }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                break;
        }
        w.WriteEndObject();
    }

    internal static string JoinText(List<ChatPart> parts, string separator)
    {
        if (parts.Count == 1 && parts[0].Kind == PartKind.Text) return parts[0].Value;
        return string.Join(separator, parts.Where(p => p.Kind == PartKind.Text).Select(p => p.Value));
    }
}
