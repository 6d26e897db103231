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

    /// <summary>The pieces of the edited buffer, in order: untouched slices and replacements (a struct: no allocation per request).</summary>
    public static EditedSegments Segments(ReadOnlyMemory<byte> source, IReadOnlyList<ByteEdit> edits) => new(source, edits);

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

/// <summary>The pieces of a buffer with sorted, non-overlapping edits applied, for <c>foreach</c>.</summary>
public readonly struct EditedSegments(ReadOnlyMemory<byte> source, IReadOnlyList<ByteEdit> edits)
{
    public Enumerator GetEnumerator() => new(source, edits);

    public struct Enumerator(ReadOnlyMemory<byte> source, IReadOnlyList<ByteEdit> edits)
    {
        private int position;
        private int next;
        private bool replacementDue;

        public ReadOnlyMemory<byte> Current { get; private set; }

        public bool MoveNext()
        {
            while (true)
            {
                if (replacementDue)
                {
                    var edit = edits[next++];
                    Current = edit.Replacement;
                    position = edit.Offset + edit.Length;
                    replacementDue = false;
                    return true;
                }
                if (next < edits.Count)
                {
                    // The untouched slice before the next edit (if any), then that edit's replacement.
                    replacementDue = true;
                    var offset = edits[next].Offset;
                    if (offset <= position) continue;
                    Current = source[position..offset];
                    return true;
                }
                if (position >= source.Length) return false;
                Current = source[position..];
                position = source.Length;
                return true;
            }
        }
    }
}
