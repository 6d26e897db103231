using System.Text.Json;

namespace ClaudeModelProxy.Core.Conversation;

/// <summary>One content block of an Anthropic message: where its object sits in the body and what repair needs of it.</summary>
/// <param name="Start">Offset of its <c>{</c>.</param>
/// <param name="End">Offset just past its <c>}</c>.</param>
/// <param name="Type">Its <c>type</c> string, when it has one.</param>
/// <param name="SignatureMinted">Its <c>signature</c> is one this gateway minted (either format).</param>
/// <param name="HasSignature">It has a non-empty <c>signature</c> string.</param>
/// <param name="ThinkingToken">Where its <c>thinking</c> string token (with quotes) sits, when it has visible text; else length 0.</param>
/// <param name="MintedSignature">The minted signature itself (to decode), when <paramref name="SignatureMinted"/>.</param>
/// <param name="SignatureStart">Where the <c>signature</c> string token sits (with quotes).</param>
internal readonly record struct BlockLayout(int Start, int End, string? Type, bool SignatureMinted, bool HasSignature, int ThinkingStart, int ThinkingLength,
    string? MintedSignature = null, int SignatureStart = 0, int SignatureLength = 0)
{
    public bool IsThinking => Type is "thinking" or "redacted_thinking";
}

/// <summary>One entry of <c>messages</c>: its role and, when content is an array, its blocks.</summary>
internal sealed record MessageLayout(int Index, string? Role, List<BlockLayout>? Blocks);

/// <summary>A top-level property: from its name's opening quote to the end of its value.</summary>
internal readonly record struct PropertyLayout(string Name, int Start, int End);

/// <summary>
/// Where a Messages request keeps what history hygiene looks at: the top-level <c>thinking</c> value and every
/// message's content blocks, as byte offsets into the body. Read in one forward pass; the body is not decoded
/// beyond the few short strings that decide a repair.
/// </summary>
internal sealed class HistoryLayout
{
    public List<MessageLayout> Messages { get; } = [];

    /// <summary>Every top-level property, in order.</summary>
    public List<PropertyLayout> Properties { get; } = [];

    /// <summary>The <c>type</c> of each entry of <c>context_management.edits</c>.</summary>
    public List<string?> ContextEditTypes { get; } = [];

    /// <summary>Offset of the top-level <c>thinking</c> value, or -1.</summary>
    public int ThinkingStart { get; private set; } = -1;

    public int ThinkingEnd { get; private set; }

    /// <summary><c>thinking.type</c>: "enabled", "adaptive", "disabled", …</summary>
    public string? ThinkingType { get; private set; }

    /// <summary>Whether the request asks for thinking (any type except "disabled").</summary>
    public bool ThinkingOn => ThinkingStart >= 0 && ThinkingType is not null and not "disabled";

    /// <summary>The layout, or null when the body is not a JSON object of the expected shape (then nothing is repaired).</summary>
    public static HistoryLayout? Read(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            var layout = new HistoryLayout();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var nameStart = (int)reader.TokenStartIndex;
                var name = SafeString(ref reader) ?? "";
                if (reader.ValueTextEquals("messages"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray) layout.ReadMessages(ref reader);
                    else reader.Skip();
                }
                else if (reader.ValueTextEquals("thinking"u8))
                {
                    reader.Read();
                    layout.ThinkingStart = (int)reader.TokenStartIndex;
                    if (reader.TokenType == JsonTokenType.StartObject) layout.ThinkingType = ReadType(ref reader);
                    else reader.Skip();
                    layout.ThinkingEnd = (int)reader.BytesConsumed;
                }
                else if (reader.ValueTextEquals("context_management"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject) layout.ReadContextManagement(ref reader);
                    else reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
                layout.Properties.Add(new PropertyLayout(name, nameStart, (int)reader.BytesConsumed));
            }
            return reader.TokenType == JsonTokenType.EndObject ? layout : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The <c>type</c> string of the object the reader is at; leaves the reader on its end.</summary>
    private static string? ReadType(ref Utf8JsonReader reader)
    {
        string? type = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            reader.Read();
            if (isType && reader.TokenType == JsonTokenType.String) type = SafeString(ref reader);
            else reader.Skip();
        }
        return type;
    }

    private void ReadContextManagement(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isEdits = reader.ValueTextEquals("edits"u8);
            reader.Read();
            if (!isEdits || reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.StartObject) ContextEditTypes.Add(ReadType(ref reader));
                else
                {
                    reader.Skip();
                    ContextEditTypes.Add(null);
                }
            }
        }
    }

    private void ReadMessages(ref Utf8JsonReader reader)
    {
        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                index++;
                continue;
            }
            string? role = null;
            List<BlockLayout>? blocks = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("role"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String) role = SafeString(ref reader);
                    else reader.Skip();
                }
                else if (reader.ValueTextEquals("content"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray) blocks = ReadBlocks(ref reader);
                    else reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            Messages.Add(new MessageLayout(index++, role, blocks));
        }
    }

    private static List<BlockLayout> ReadBlocks(ref Utf8JsonReader reader)
    {
        var blocks = new List<BlockLayout>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var start = (int)reader.TokenStartIndex;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                blocks.Add(new BlockLayout(start, (int)reader.BytesConsumed, null, false, false, 0, 0));
                continue;
            }
            string? type = null;
            bool minted = false, signed = false;
            int thinkingStart = 0, thinkingLength = 0, signatureStart = 0, signatureLength = 0;
            string? mintedSignature = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String) type = SafeString(ref reader);
                    else reader.Skip();
                }
                else if (reader.ValueTextEquals("signature"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        signed = !reader.ValueSpan.IsEmpty;
                        minted = reader.ValueIsEscaped ? MintedSignatures.IsMinted(SafeString(ref reader)) : MintedSignatures.IsMinted(reader.ValueSpan);
                        mintedSignature = minted ? SafeString(ref reader) : null;
                        signatureStart = (int)reader.TokenStartIndex;
                        signatureLength = (int)reader.BytesConsumed - signatureStart;
                    }
                    else reader.Skip();
                }
                else if (reader.ValueTextEquals("thinking"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && HasVisibleText(ref reader))
                    {
                        thinkingStart = (int)reader.TokenStartIndex;
                        thinkingLength = (int)reader.BytesConsumed - thinkingStart;
                    }
                    else reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            blocks.Add(new BlockLayout(start, (int)reader.BytesConsumed, type, minted, signed, thinkingStart, thinkingLength, mintedSignature, signatureStart, signatureLength));
        }
        return blocks;
    }

    /// <summary>The string the reader is at; null when it cannot be decoded (a lone surrogate escape).</summary>
    private static string? SafeString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Whether the string token holds something besides whitespace (an escape that cannot be decoded counts as text).</summary>
    private static bool HasVisibleText(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped) return !reader.ValueSpan.Trim(" \t\r\n"u8).IsEmpty;
        try
        {
            return !string.IsNullOrWhiteSpace(reader.GetString());
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }
}
