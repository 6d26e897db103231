using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ClaudeModelProxy.Core;

/// <summary>
/// JSON strings with a lone surrogate escape (<c>"\ud83d"</c> without its pair: a cut emoji) are
/// valid JSON that <see cref="JsonElement.GetString"/> refuses. Text from clients and upstreams
/// reads through here, with U+FFFD in place of each lone half, so that one bad character cannot
/// fail a request or break a stream.
/// </summary>
internal static class JsonEscapes
{
    /// <summary>
    /// <see cref="JsonElement.GetString"/>, except that a lone surrogate reads as U+FFFD instead of throwing, and that a
    /// string of a masked request (<see cref="EscapeMask"/>) reads as the client wrote it.
    /// </summary>
    public static string? Text(this JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String && EscapeMask.IsMasked(JsonMarshal.GetRawUtf8Value(value)))
            return EscapeMask.DecodeMasked(JsonMarshal.GetRawUtf8Value(value));
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException) when (value.ValueKind == JsonValueKind.String)
        {
            var raw = JsonMarshal.GetRawUtf8Value(value);
            return DecodeLenient(raw[1..^1]); // without the quotes
        }
    }

    /// <summary><see cref="Utf8JsonReader.GetString"/>, except that a lone surrogate reads as U+FFFD instead of throwing.</summary>
    public static string? Text(this ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException) when (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return DecodeLenient(reader.ValueSpan);
        }
    }

    /// <summary>Whether escaped string content holds a <c>\uD800</c>–<c>\uDFFF</c> escape that is not half of a pair.</summary>
    public static bool HasLoneSurrogate(ReadOnlySpan<byte> escaped) => NextLoneSurrogate(escaped, 0) >= 0;

    /// <summary>JSON text (valid, any value) with each lone surrogate escape replaced by <c>\uFFFD</c>, which is as long; the text itself when it has none.</summary>
    public static ReadOnlySpan<byte> WithoutLoneSurrogates(ReadOnlySpan<byte> json)
    {
        var at = NextLoneSurrogate(json, 0);
        if (at < 0) return json;
        var copy = json.ToArray();
        for (; at >= 0; at = NextLoneSurrogate(json, at + 6)) "\\uFFFD"u8.CopyTo(copy.AsSpan(at));
        return copy;
    }

    /// <summary>Where the next lone surrogate escape starts at or after <paramref name="from"/> (which starts no escape's middle); -1 if none.</summary>
    private static int NextLoneSurrogate(ReadOnlySpan<byte> escaped, int from)
    {
        for (var i = from; ;)
        {
            var next = escaped[i..].IndexOf((byte)'\\');
            if (next < 0) return -1;
            i += next;
            if (escaped[i + 1] != 'u')
            {
                i += 2;
                continue;
            }
            var (_, length, lone) = ReadUnicodeEscape(escaped[i..]);
            if (lone) return i;
            i += length;
        }
    }

    /// <summary>Unescapes string content that the reader has validated, a lone surrogate becoming U+FFFD.</summary>
    public static string DecodeLenient(ReadOnlySpan<byte> escaped)
    {
        var text = new StringBuilder(escaped.Length);
        while (!escaped.IsEmpty)
        {
            var backslash = escaped.IndexOf((byte)'\\');
            text.Append(Encoding.UTF8.GetString(backslash < 0 ? escaped : escaped[..backslash]));
            if (backslash < 0) break;
            escaped = escaped[backslash..];
            if (escaped[1] == 'u')
            {
                var (units, length, lone) = ReadUnicodeEscape(escaped);
                if (lone) text.Append('\uFFFD');
                else text.Append(units);
                escaped = escaped[length..];
                continue;
            }
            text.Append(escaped[1] switch
            {
                (byte)'b' => '\b',
                (byte)'f' => '\f',
                (byte)'n' => '\n',
                (byte)'r' => '\r',
                (byte)'t' => '\t',
                var other => (char)other, // \" \\ \/
            });
            escaped = escaped[2..];
        }
        return text.ToString();
    }

    /// <summary>
    /// Reads <c>\uXXXX</c> at the start of <paramref name="escaped"/>, and its low half after it when
    /// it is a high surrogate: the code units, the escaped length read, and whether it was a lone half.
    /// </summary>
    private static (string Units, int Length, bool Lone) ReadUnicodeEscape(ReadOnlySpan<byte> escaped)
    {
        var unit = Hex(escaped[2..6]);
        if (!char.IsSurrogate(unit)) return (unit.ToString(), 6, false);
        if (char.IsHighSurrogate(unit) && escaped.Length >= 12 && escaped[6] == '\\' && escaped[7] == 'u' && char.IsLowSurrogate(Hex(escaped[8..12])))
            return (string.Concat(unit.ToString(), Hex(escaped[8..12]).ToString()), 12, false);
        return ("", 6, true);
    }

    private static char Hex(ReadOnlySpan<byte> fourDigits) =>
        Utf8Parser.TryParse(fourDigits, out ushort value, out var consumed, 'x') && consumed == 4 ? (char)value : '\uFFFD';
}
