using System.Text.Encodings.Web;
using System.Text.Json;

namespace ClaudeModelProxy.Core.Anthropic;

/// <summary>Replace <see cref="Length"/> bytes at <see cref="Offset"/> with <see cref="Replacement"/>.</summary>
public readonly record struct ByteEdit(int Offset, int Length, byte[] Replacement);

/// <summary>Applies sorted, non-overlapping edits to a buffer without touching the rest of it.</summary>
public static class ByteEdits
{
    public static int ResultLength(int sourceLength, IReadOnlyList<ByteEdit> edits)
    {
        var length = sourceLength;
        foreach (var edit in edits) length += edit.Replacement.Length - edit.Length;
        return length;
    }

    /// <summary>The pieces of the edited buffer, in order: untouched slices and replacements.</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Segments(ReadOnlyMemory<byte> source, IReadOnlyList<ByteEdit> edits)
    {
        var position = 0;
        foreach (var edit in edits)
        {
            if (edit.Offset > position) yield return source[position..edit.Offset];
            yield return edit.Replacement;
            position = edit.Offset + edit.Length;
        }
        if (position < source.Length) yield return source[position..];
    }

    public static byte[] Apply(ReadOnlySpan<byte> source, IReadOnlyList<ByteEdit> edits)
    {
        if (edits.Count == 0) return source.ToArray();
        var result = new byte[ResultLength(source.Length, edits)];
        var written = 0;
        var position = 0;
        foreach (var edit in edits)
        {
            source[position..edit.Offset].CopyTo(result.AsSpan(written));
            written += edit.Offset - position;
            edit.Replacement.CopyTo(result.AsSpan(written));
            written += edit.Replacement.Length;
            position = edit.Offset + edit.Length;
        }
        source[position..].CopyTo(result.AsSpan(written));
        return result;
    }

    /// <summary>A JSON string literal (with quotes) as UTF-8.</summary>
    public static byte[] JsonString(string value)
    {
        var encoded = JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).EncodedUtf8Bytes;
        var result = new byte[encoded.Length + 2];
        result[0] = (byte)'"';
        encoded.CopyTo(result.AsSpan(1));
        result[^1] = (byte)'"';
        return result;
    }
}
