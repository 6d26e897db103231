using ClaudeModelProxy.Core.Sse;

namespace ClaudeModelProxy.Core.Anthropic;

/// <summary>
/// Rewrites one Anthropic SSE event of a passed-through stream. Only the events that can carry
/// a model, a tool-use id or usage are parsed; text deltas go through untouched.
/// </summary>
public static class StreamEventRewriter
{
    /// <returns>The edits to apply to <paramref name="sseEvent"/> (offsets within the event).</returns>
    public static List<ByteEdit>? Rewrite(ReadOnlySpan<byte> sseEvent, string? responseModel, ToolIdSanitizer toolIds, ref TokenUsage usage) =>
        Rewrite(SseFields.Parse(sseEvent), responseModel, toolIds, ref usage);

    /// <summary>The same, for an event whose fields the caller has already read.</summary>
    public static List<ByteEdit>? Rewrite(SseFields fields, string? responseModel, ToolIdSanitizer toolIds, ref TokenUsage usage)
    {
        if (fields.DataOffset < 0 || !IsWorthParsing(fields.EventName, fields.Data)) return null;
        var edits = ReplyRewriter.Rewrite(fields.Data, responseModel, toolIds, ref usage);
        if (edits.Count == 0) return null;
        for (var i = 0; i < edits.Count; i++) edits[i] = edits[i] with { Offset = edits[i].Offset + fields.DataOffset };
        return edits;
    }

    private static bool IsWorthParsing(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        if (eventName.SequenceEqual("message_start"u8) || eventName.SequenceEqual("content_block_start"u8) || eventName.SequenceEqual("message_delta"u8))
            return true;
        // Streams without event names: look at the type field instead.
        return eventName.IsEmpty && (data.IndexOf("\"message_start\""u8) >= 0 || data.IndexOf("\"content_block_start\""u8) >= 0 || data.IndexOf("\"message_delta\""u8) >= 0);
    }
}
