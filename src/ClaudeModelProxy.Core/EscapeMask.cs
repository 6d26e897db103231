using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Json;

namespace ClaudeModelProxy.Core;

/// <summary>
/// A copy of a validated request in which every two-character escape inside a string value (<c>\n</c>, <c>\"</c>,
/// <c>\\</c> …) is masked with bytes that valid UTF-8 never holds, so that <see cref="JsonDocument"/> parses it at
/// vector speed: <see cref="Utf8JsonReader"/> checks every byte of a string one at a time after its first backslash,
/// and a Claude Code conversation is megabytes of tool output with a <c>\n</c> on every line (in the AOT build a
/// 2 MiB body parsed in 2.5 ms, its masked copy in 0.9 ms). <c>\uXXXX</c> escapes are left as they are.
/// </summary>
/// <remarks>
/// Offsets and lengths are unchanged and keys are never masked, so the document's structure and property lookups
/// are the client's. Only string values differ, and every way the translators read them goes back to the client's
/// bytes: <see cref="JsonEscapes.Text(JsonElement)"/> decodes a masked string from the body, and raw copies (tool
/// output, schemas, tool input) take <see cref="ClientJson"/>, the body's bytes at the same offset, so nothing masked
/// reaches the output. The ways that do not (<see cref="JsonElement.GetString"/> and <see cref="JsonElement.GetRawText"/>
/// throw on the mask; <see cref="JsonElement.WriteTo"/> would write U+FFFD) are not used on a request; a differential
/// test holds masked and unmasked translations byte-equal. The mask is in force on this thread while it exists
/// (translation is synchronous), so text from anywhere else — an upstream reply with invalid UTF-8 — is never read as masked.
/// </remarks>
internal sealed class EscapeMask : IDisposable
{
    /// <summary>Stands for the backslash of a masked escape.</summary>
    private const byte Backslash = 0xFF;

    /// <summary>Stand for the second character of <c>\"</c> and <c>\\</c>, which would otherwise end the string or escape its next byte.</summary>
    private const byte Quote = 0xFE;
    private const byte EscapedBackslash = 0xFD;

    [ThreadStatic] private static EscapeMask? current;

    private readonly byte[] copy;
    private readonly ReadOnlyMemory<byte> body;
    private readonly EscapeMask? outer;
    private bool disposed;

    private EscapeMask(byte[] copy, ReadOnlyMemory<byte> body)
    {
        this.copy = copy;
        this.body = body;
        Memory = copy.AsMemory(0, body.Length);
        outer = current;
        current = this;
    }

    /// <summary>The masked copy, to parse in place of the body.</summary>
    public ReadOnlyMemory<byte> Memory { get; }

    /// <summary>
    /// The masked copy of <paramref name="body"/>, or null when there is nothing to mask. <paramref name="escapedStrings"/>
    /// must come from a scan that validated this very body as JSON and as UTF-8 (<see cref="Anthropic.ScannedRequest.EscapedStrings"/>).
    /// </summary>
    public static EscapeMask? Over(ReadOnlyMemory<byte> body, IReadOnlyList<Range>? escapedStrings)
    {
        if (escapedStrings is not { Count: > 0 } || !AreStringContents(body.Span, escapedStrings)) return null;
        var copy = ArrayPool<byte>.Shared.Rent(body.Length);
        body.Span.CopyTo(copy);
        foreach (var range in escapedStrings) MaskEscapes(copy.AsSpan(range));
        return new EscapeMask(copy, body);
    }

    /// <summary>A cheap check that the ranges belong to this body (a scan of another body is not masked with): each lies between quotes.</summary>
    private static bool AreStringContents(ReadOnlySpan<byte> body, IReadOnlyList<Range> ranges)
    {
        foreach (var range in ranges)
        {
            var (start, length) = range.GetOffsetAndLength(int.MaxValue);
            if (start < 1 || (long)start + length >= body.Length || body[start - 1] != (byte)'"' || body[start + length] != (byte)'"') return false;
        }
        return true;
    }

    /// <summary>Masks each two-character escape of one string's content, walking its backslashes 16 bytes at a time.</summary>
    private static void MaskEscapes(Span<byte> content)
    {
        ref var start = ref MemoryMarshal.GetReference(content);
        var backslash = Vector128.Create((byte)'\\');
        var skipUntil = 0; // past the escape just handled: its second byte may be a backslash
        var blockStart = 0;
        for (; blockStart + Vector128<byte>.Count <= content.Length; blockStart += Vector128<byte>.Count)
        {
            var backslashes = Vector128.Equals(Vector128.LoadUnsafe(ref start, (nuint)blockStart), backslash).ExtractMostSignificantBits();
            for (; backslashes != 0; backslashes &= backslashes - 1)
            {
                var at = blockStart + BitOperations.TrailingZeroCount(backslashes);
                if (at >= skipUntil) skipUntil = MaskEscapeAt(content, at);
            }
        }
        for (var at = Math.Max(blockStart, skipUntil); at < content.Length; at++)
            if (content[at] == (byte)'\\') at = MaskEscapeAt(content, at) - 1;
    }

    /// <summary>Masks the escape at <paramref name="at"/> unless it is <c>\uXXXX</c>; returns where the next may start.</summary>
    private static int MaskEscapeAt(Span<byte> content, int at)
    {
        if (at + 1 >= content.Length) return content.Length; // not an escape: the scan that found this string would not have passed it
        var escaped = content[at + 1];
        if (escaped == (byte)'u') return at + 6;
        content[at] = Backslash;
        if (escaped == (byte)'"') content[at + 1] = Quote;
        else if (escaped == (byte)'\\') content[at + 1] = EscapedBackslash;
        return at + 2;
    }

    /// <summary>Whether this raw token (read while a mask is in force on this thread) holds masked escapes.</summary>
    public static bool IsMasked(ReadOnlySpan<byte> rawToken) => current is not null && rawToken.Contains(Backslash);

    /// <summary>
    /// Whether a raw string token may hold a <c>\uXXXX</c> escape (a pre-filter for the lone-surrogate check): with a mask in
    /// force every backslash left starts one, and one byte is searched for faster than two.
    /// </summary>
    public static bool MayHoldUnicodeEscape(ReadOnlySpan<byte> rawToken) =>
        current is not null ? rawToken.Contains((byte)'\\') : rawToken.IndexOf("\\u"u8) >= 0;

    /// <summary>The text of a masked string token (quotes included), decoded from the client's bytes as <see cref="JsonEscapes.Text(ref Utf8JsonReader)"/> would.</summary>
    public static string? DecodeMasked(ReadOnlySpan<byte> rawToken)
    {
        var reader = new Utf8JsonReader(ClientBytes(rawToken));
        reader.Read();
        return reader.Text();
    }

    /// <summary>The client's JSON for a value (a text token, a schema, a tool's input): the body's own bytes, whether or not it was masked.</summary>
    public static ReadOnlySpan<byte> ClientJson(JsonElement value) => ClientBytes(JsonMarshal.GetRawUtf8Value(value));

    /// <summary>
    /// Writes a value (a schema) as the client's own JSON, except that a lone surrogate escape becomes <c>\uFFFD</c> as on
    /// every other path. Unlike <see cref="JsonElement.WriteTo"/>, which would write a masked string as U+FFFD.
    /// </summary>
    public static void WriteClientJson(Utf8JsonWriter writer, JsonElement value) => writer.WriteRawValue(ClientJsonRepaired(value), skipInputValidation: true);

    /// <summary><see cref="ClientJson"/> with each lone surrogate escape replaced by <c>\uFFFD</c> (System.Text.Json refuses to decode them).</summary>
    public static ReadOnlySpan<byte> ClientJsonRepaired(JsonElement value)
    {
        var json = ClientJson(value);
        return json.IndexOf("\\u"u8) >= 0 ? JsonEscapes.WithoutLoneSurrogates(json) : json;
    }

    /// <summary>Writes a string token as the client wrote it (its lone surrogates were dealt with when the part was made).</summary>
    public static void WriteClientToken(Utf8JsonWriter writer, JsonElement token) => writer.WriteRawValue(ClientJson(token), skipInputValidation: true);

    /// <summary><see cref="ClientJsonRepaired"/> as text (a tool call's arguments).</summary>
    public static string ClientJsonText(JsonElement value) => Encoding.UTF8.GetString(ClientJsonRepaired(value));

    /// <summary>The body's bytes where <paramref name="raw"/> lies in a masked copy in force; <paramref name="raw"/> itself when it lies elsewhere.</summary>
    private static ReadOnlySpan<byte> ClientBytes(ReadOnlySpan<byte> raw)
    {
        if (raw.IsEmpty) return raw;
        for (var mask = current; mask is not null; mask = mask.outer)
        {
            var offset = (long)Unsafe.ByteOffset(ref MemoryMarshal.GetArrayDataReference(mask.copy), ref MemoryMarshal.GetReference(raw));
            if (offset >= 0 && offset + raw.Length <= mask.body.Length) return mask.body.Span.Slice((int)offset, raw.Length);
        }
        return raw;
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        // Masks end in the reverse order of their making (each is a using in a synchronous method); anything else would
        // leave a returned copy in force, so it is refused loudly rather than read.
        if (current != this) throw new InvalidOperationException("Escape masks must be disposed in the reverse order of their creation.");
        current = outer;
        ArrayPool<byte>.Shared.Return(copy);
    }
}
