using System.Buffers;
using System.Buffers.Text;

namespace ClaudeModelProxy.Core;

/// <summary>
/// Decodes the unpadded URL-safe Base64 the gateway writes into ids and signatures that come back
/// from clients, never throwing: .NET's <see cref="Base64Url"/> skips whitespace, takes padding, and
/// its <c>IsValid</c> passes strings that its decoders then reject with an exception ("hg %",
/// non-canonical trailing bits such as "J0", where even the Try overload throws).
/// </summary>
public static class UnpaddedBase64Url
{
    private static readonly SearchValues<char> Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>The bytes of <paramref name="encoded"/>; null when it is not exactly what the encoder writes or decodes to more than <paramref name="maxBytes"/>.</summary>
    public static byte[]? TryDecode(ReadOnlySpan<char> encoded, int maxBytes = int.MaxValue)
    {
        if (encoded.Length % 4 == 1 || encoded.ContainsAnyExcept(Alphabet)) return null;
        var length = Base64Url.GetMaxDecodedLength(encoded.Length);
        if (length > maxBytes) return null;
        var bytes = new byte[length];
        return Base64Url.DecodeFromChars(encoded, bytes, out _, out var written) == OperationStatus.Done && written == length ? bytes : null;
    }
}
