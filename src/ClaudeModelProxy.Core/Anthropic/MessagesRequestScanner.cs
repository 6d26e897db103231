using System.Text.Json;

namespace ClaudeModelProxy.Core.Anthropic;

/// <summary>What one pass over a Messages request body found.</summary>
public sealed class ScannedRequest
{
    public string? Model { get; init; }

    /// <summary>Where the top-level <c>model</c> string token (with quotes) sits in the body.</summary>
    public int ModelTokenOffset { get; init; }

    public int ModelTokenLength { get; init; }

    public bool Stream { get; init; }

    /// <summary>Tool ids to restore to the upstream's originals (see <see cref="ToolIdSanitizer"/>).</summary>
    public IReadOnlyList<ByteEdit> ToolIdEdits { get; init; } = [];

    public string? Error { get; init; }

    /// <summary>
    /// The contents (quotes excluded) of string values with an escape in them, in body order, when the fast scan
    /// validated the body; null when the reader scanned it. The translated routes parse a masked copy from these
    /// (see <see cref="EscapeMask"/>). Keys are not listed, and a body of very many escaped strings lists only the first.
    /// </summary>
    public IReadOnlyList<Range>? EscapedStrings { get; internal init; }
}

/// <summary>
/// Validates a Messages request body and locates the fields the gateway rewrites, in one
/// forward-only pass with <see cref="Utf8JsonReader"/>: the body is never re-serialised.
/// </summary>
public static class MessagesRequestScanner
{
    public const int MaxDepth = 128;

    public static ScannedRequest Scan(ReadOnlySpan<byte> body, ToolIdSanitizer? toolIds = null)
    {
        if (body.IsEmpty) return Fail("The request body is empty; send a JSON object with model, max_tokens and messages.");
        // The reader only checks the strings it decodes; one vectorised pass checks them all.
        if (!System.Text.Unicode.Utf8.IsValid(body)) return Fail("The request body is not valid UTF-8.");
        var restoreToolIds = toolIds is not null && ToolIdSanitizer.MayHoldSanitizedIds(body);
        return !restoreToolIds && FastRequestScan.TryScan(body) is { } scanned ? scanned : ScanWithReader(body, restoreToolIds ? toolIds : null);
    }

    /// <summary>The reference scan (and the one that words every error); the body's UTF-8 is already checked.</summary>
    internal static ScannedRequest ScanWithReader(ReadOnlySpan<byte> body, ToolIdSanitizer? toolIds)
    {
        var restoreToolIds = toolIds is not null;
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow });
        string? model = null;
        int modelOffset = 0, modelLength = 0;
        var stream = false;
        var modelIsNotString = false;
        List<ByteEdit>? edits = null;
        var topLevelKeys = new TopLevelKeys();
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return Fail("The request body must be a JSON object.");
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName) continue;
                if (reader.CurrentDepth == 1)
                {
                    if (topLevelKeys.AddOrFindDuplicate(ref reader, body) is { } duplicate)
                        return Fail($"The request body has the top-level key \"{duplicate}\" more than once. The gateway and the provider could read different values, so each key must appear once.");
                    if (reader.ValueTextEquals("model"u8))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            modelOffset = (int)reader.TokenStartIndex;
                            model = reader.GetString();
                            modelLength = (int)reader.BytesConsumed - modelOffset;
                        }
                        else
                        {
                            modelIsNotString = true;
                            reader.Skip();
                        }
                    }
                    else if (reader.ValueTextEquals("stream"u8))
                    {
                        reader.Read();
                        stream = reader.TokenType == JsonTokenType.True;
                        reader.Skip();
                    }
                }
                else if (restoreToolIds && (reader.ValueTextEquals("id"u8) || reader.ValueTextEquals("tool_use_id"u8)))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && toolIds!.OriginalOf(reader.GetString()!) is { } original)
                    {
                        var offset = (int)reader.TokenStartIndex;
                        (edits ??= []).Add(new ByteEdit(offset, (int)reader.BytesConsumed - offset, ByteEdits.JsonString(original)));
                    }
                }
            }
        }
        catch (JsonException e)
        {
            return Fail($"The request body is not valid JSON: {e.Message}");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return Fail($"The request body is not valid UTF-8 JSON: {e.Message}");
        }

        if (modelIsNotString) return Fail("\"model\" must be a string.");
        if (string.IsNullOrWhiteSpace(model)) return Fail("\"model\" is required: name one of the models listed by GET /v1/models.");
        return new ScannedRequest
        {
            Model = model,
            ModelTokenOffset = modelOffset,
            ModelTokenLength = modelLength,
            Stream = stream,
            ToolIdEdits = edits ?? (IReadOnlyList<ByteEdit>)[],
        };
    }

    /// <summary>The edits that turn the scanned body into the upstream body.</summary>
    public static List<ByteEdit> UpstreamEdits(ScannedRequest scanned, string upstreamModel)
    {
        var edits = new List<ByteEdit>(scanned.ToolIdEdits.Count + 1)
        {
            new(scanned.ModelTokenOffset, scanned.ModelTokenLength, ByteEdits.JsonString(upstreamModel)),
        };
        edits.AddRange(scanned.ToolIdEdits);
        edits.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        return edits;
    }

    private static ScannedRequest Fail(string message) => new() { Error = message };

    /// <summary>
    /// The top-level names seen so far, compared after unescaping (<c>"mod\u0065l"</c> is <c>"model"</c>).
    /// The first few are kept as offsets into the body (only escaped ones are copied) and compared in a loop;
    /// past those, names go into a set, so that a body of a million keys costs a million lookups, not 10^12 comparisons.
    /// </summary>
    private struct TopLevelKeys
    {
        private const int Listed = 32;
        private List<(int Offset, int Length, byte[]? Unescaped)>? seen;
        private HashSet<string>? many;

        /// <summary>Records the current property name; returns it when it was seen before.</summary>
        public string? AddOrFindDuplicate(ref Utf8JsonReader reader, ReadOnlySpan<byte> body)
        {
            seen ??= new List<(int, int, byte[]?)>(16);
            (int Offset, int Length, byte[]? Unescaped) key;
            if (reader.ValueIsEscaped || reader.HasValueSequence)
            {
                var unescaped = reader.GetString()!;
                key = (0, 0, System.Text.Encoding.UTF8.GetBytes(unescaped));
            }
            else
            {
                key = ((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, null);
            }
            var name = Bytes(key, body);
            if (seen.Count < Listed)
            {
                foreach (var earlier in seen)
                {
                    if (Bytes(earlier, body).SequenceEqual(name)) return System.Text.Encoding.UTF8.GetString(name);
                }
                seen.Add(key);
                return null;
            }
            if (many is null)
            {
                many = new HashSet<string>(StringComparer.Ordinal);
                foreach (var earlier in seen) many.Add(System.Text.Encoding.UTF8.GetString(Bytes(earlier, body)));
            }
            var text = System.Text.Encoding.UTF8.GetString(name);
            return many.Add(text) ? null : text;
        }

        private static ReadOnlySpan<byte> Bytes((int Offset, int Length, byte[]? Unescaped) key, ReadOnlySpan<byte> body) =>
            key.Unescaped ?? body.Slice(key.Offset, key.Length);
    }
}
