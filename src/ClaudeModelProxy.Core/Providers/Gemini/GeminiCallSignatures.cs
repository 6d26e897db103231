using System.Buffers;
using System.Text;
using ClaudeModelProxy.Core.Conversation;

namespace ClaudeModelProxy.Core.Providers.Gemini;

/// <summary>
/// Gemini's thought signatures for one reply, carried in the conversation instead of process memory: the
/// signature of a thinking block the gateway emits with the reply (<c>cmp1.gemini.&lt;payload&gt;</c>) maps each
/// tool_use id the client saw to the <c>thought_signature</c> Gemini put on that call. When the history comes
/// back, each signature is restored onto the same call, whichever gateway process serves the next turn.
/// </summary>
/// <remarks>
/// Payload: kind byte <c>0x01</c>, then per call: varint id length, id (UTF-8), form byte, varint length, bytes.
/// Form 1 is a signature that is canonical standard base64 (what Gemini sends), stored decoded to save a quarter;
/// form 0 is any other text, stored as UTF-8. Either restores the exact original string.
/// </remarks>
public static class GeminiCallSignatures
{
    public const string Provider = GeminiProvider.Id;

    internal const byte Kind = 0x01;
    private const byte TextForm = 0;
    private const byte Base64Form = 1;

    /// <summary>The carrier signature for these (tool_use id, thought_signature) pairs.</summary>
    public static string Encode(IReadOnlyList<KeyValuePair<string, string>> signatures)
    {
        var payload = new ArrayBufferWriter<byte>(256);
        payload.Write([Kind]);
        foreach (var (id, signature) in signatures)
        {
            WriteBytes(payload, Encoding.UTF8.GetBytes(id));
            if (CanonicalBase64(signature) is { } raw)
            {
                payload.Write([Base64Form]);
                WriteBytes(payload, raw);
            }
            else
            {
                payload.Write([TextForm]);
                WriteBytes(payload, Encoding.UTF8.GetBytes(signature));
            }
        }
        return SignatureCodec.Encode(Provider, payload.WrittenSpan);
    }

    /// <summary>Adds the pairs a carrier signature holds to <paramref name="into"/>; false (and nothing added) for anything else.</summary>
    public static bool TryDecode(string? signature, Dictionary<string, string> into)
    {
        if (!SignatureCodec.TryDecodeFor(signature, Provider, out var payload) || payload.Length == 0 || payload[0] != Kind) return false;
        var found = new List<KeyValuePair<string, string>>();
        var position = 1;
        while (position < payload.Length)
        {
            if (!TryReadBytes(payload, ref position, out var id) || position >= payload.Length) return false;
            var form = payload[position++];
            if (!TryReadBytes(payload, ref position, out var value)) return false;
            string text;
            try
            {
                var utf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);
                text = form switch
                {
                    TextForm => utf8.GetString(value),
                    Base64Form => Convert.ToBase64String(value),
                    _ => throw new FormatException(),
                };
                found.Add(new(utf8.GetString(id), text));
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                return false;
            }
        }
        foreach (var (id, text) in found) into[id] = text;
        return true;
    }

    /// <summary>The decoded bytes when <paramref name="value"/> is exactly what standard base64 encoding of them gives.</summary>
    private static byte[]? CanonicalBase64(string value)
    {
        if (value.Length == 0 || value.Length % 4 != 0) return null;
        var buffer = new byte[value.Length / 4 * 3];
        if (!Convert.TryFromBase64String(value, buffer, out var written)) return null;
        var raw = buffer[..written];
        return Convert.ToBase64String(raw) == value ? raw : null;
    }

    private static void WriteBytes(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        var length = (uint)bytes.Length;
        while (length >= 0x80)
        {
            output.Write([(byte)(length | 0x80)]);
            length >>= 7;
        }
        output.Write([(byte)length]);
        output.Write(bytes);
    }

    private static bool TryReadBytes(byte[] payload, ref int position, out byte[] bytes)
    {
        bytes = [];
        var length = 0L;
        for (var shift = 0; ; shift += 7)
        {
            if (position >= payload.Length || shift > 28) return false;
            var b = payload[position++];
            length |= (long)(b & 0x7F) << shift;
            if (b < 0x80) break;
        }
        if (length > payload.Length - position) return false;
        bytes = payload.AsSpan(position, (int)length).ToArray();
        position += (int)length;
        return true;
    }
}
