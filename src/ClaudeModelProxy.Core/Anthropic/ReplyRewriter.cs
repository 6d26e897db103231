using System.Text.Json;

namespace ClaudeModelProxy.Core.Anthropic;

/// <summary>
/// Rewrites an Anthropic reply (a whole message, or one SSE event's JSON) at the byte level:
/// the <c>model</c> of the message becomes the client's alias and tool-use ids that Anthropic
/// clients would reject are sanitised. Token usage is read on the way.
/// </summary>
public static class ReplyRewriter
{
    /// <param name="json">The message JSON, or the data of one SSE event.</param>
    /// <param name="responseModel">The model name to write, or null to leave models alone.</param>
    /// <param name="toolIds">Sanitiser for tool-use ids.</param>
    /// <param name="usage">Updated with any usage numbers found.</param>
    /// <returns>Edits to apply; empty when nothing needs to change.</returns>
    public static List<ByteEdit> Rewrite(ReadOnlySpan<byte> json, string? responseModel, ToolIdSanitizer toolIds, ref TokenUsage usage) =>
        Rewrite(json, responseModel, toolIds, ref usage, out _);

    /// <param name="wellFormed">False when the JSON (or its UTF-8) is broken.</param>
    public static List<ByteEdit> Rewrite(ReadOnlySpan<byte> json, string? responseModel, ToolIdSanitizer toolIds, ref TokenUsage usage, out bool wellFormed)
    {
        wellFormed = false;
        var edits = new List<ByteEdit>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        var usageDepth = -1;
        try
        {
            while (reader.Read())
            {
                if (usageDepth >= 0 && reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == usageDepth) usageDepth = -1;
                if (reader.TokenType != JsonTokenType.PropertyName) continue;
                var depth = reader.CurrentDepth;
                if (reader.ValueTextEquals("model"u8) && depth <= 2)
                {
                    reader.Read();
                    if (responseModel is not null && reader.TokenType == JsonTokenType.String && !reader.ValueTextEquals(responseModel))
                        edits.Add(EditCurrentToken(ref reader, responseModel));
                }
                else if (reader.ValueTextEquals("input"u8))
                {
                    // A tool's arguments: the client's data, never rewritten (it may hold an "id" of its own).
                    reader.Read();
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("id"u8) && depth <= 3)
                {
                    // Message ids (depth 1 or 2) are valid anyway; content-block ids sit at depth 2 (SSE) or 3 (JSON).
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && !ToolIdSanitizer.IsValid(reader.ValueSpan))
                        edits.Add(EditCurrentToken(ref reader, toolIds.Sanitize(reader.GetString()!)));
                }
                else if (reader.ValueTextEquals("usage"u8))
                {
                    usageDepth = depth;
                }
                else if (usageDepth >= 0 && depth == usageDepth + 1)
                {
                    ReadUsageField(ref reader, ref usage);
                }
            }
            wellFormed = reader.BytesConsumed > 0 && reader.CurrentDepth == 0;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Malformed JSON or invalid UTF-8 from the upstream: what was found so far is kept.
        }
        return edits;
    }

    private static void ReadUsageField(ref Utf8JsonReader reader, ref TokenUsage usage)
    {
        ref long target = ref usage.InputTokens;
        if (reader.ValueTextEquals("input_tokens"u8)) target = ref usage.InputTokens;
        else if (reader.ValueTextEquals("output_tokens"u8)) target = ref usage.OutputTokens;
        else if (reader.ValueTextEquals("cache_read_input_tokens"u8)) target = ref usage.CacheReadInputTokens;
        else if (reader.ValueTextEquals("cache_creation_input_tokens"u8)) target = ref usage.CacheCreationInputTokens;
        else return;
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) && value > 0) target = value;
    }

    private static ByteEdit EditCurrentToken(ref Utf8JsonReader reader, string replacement)
    {
        var offset = (int)reader.TokenStartIndex;
        return new ByteEdit(offset, (int)reader.BytesConsumed - offset, ByteEdits.JsonString(replacement));
    }
}
