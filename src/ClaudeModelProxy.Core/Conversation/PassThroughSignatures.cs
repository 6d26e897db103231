using System.Text.Json;
using ClaudeModelProxy.Core.Anthropic;

namespace ClaudeModelProxy.Core.Conversation;

/// <summary>
/// Thinking signatures from the Anthropic-compatible upstreams that are not Anthropic (DeepSeek, Kimi, GLM, MiMo),
/// tagged with their provider on the way to the client: <c>cmp1.&lt;provider&gt;.&lt;payload&gt;</c> holding the
/// original signature. History hygiene can then tell whose block it is — dropped before Anthropic (which would answer
/// 400 ``Invalid `signature` in `thinking` block``), given back to its own provider with the original signature.
/// </summary>
public static class PassThroughSignatures
{
    /// <summary>Payload kind: a pass-through provider's own signature, as the JSON string token held it (escapes kept).</summary>
    internal const byte Kind = 0x02;

    /// <summary>The tagged signature for the content of a JSON string token (<paramref name="escapedValue"/>: between the quotes, as escaped).</summary>
    public static string Wrap(string providerId, ReadOnlySpan<byte> escapedValue)
    {
        var payload = new byte[escapedValue.Length + 1];
        payload[0] = Kind;
        escapedValue.CopyTo(payload.AsSpan(1));
        return SignatureCodec.Encode(MintedSignatures.ProviderId(providerId), payload);
    }

    /// <inheritdoc cref="Wrap(string, ReadOnlySpan{byte})"/>
    public static string Wrap(string providerId, string original) =>
        Wrap(providerId, ByteEdits.JsonString(original).AsSpan()[1..^1]);

    /// <summary>
    /// The original signature's JSON string token (with quotes, exactly as the provider escaped it) when
    /// <paramref name="signature"/> wraps one from <paramref name="providerId"/>; false for anything else, including a
    /// payload that is not one well-formed JSON string (it goes into a request body).
    /// </summary>
    public static bool TryUnwrap(string? signature, string providerId, out byte[] originalToken)
    {
        originalToken = [];
        if (!SignatureCodec.TryDecodeFor(signature, MintedSignatures.ProviderId(providerId), out var payload) || payload.Length == 0 || payload[0] != Kind) return false;
        var token = new byte[payload.Length + 1];
        token[0] = (byte)'"';
        payload.AsSpan(1).CopyTo(token.AsSpan(1));
        token[^1] = (byte)'"';
        try
        {
            var reader = new Utf8JsonReader(token);
            if (!reader.Read() || reader.TokenType != JsonTokenType.String || reader.BytesConsumed != token.Length || reader.Read()) return false;
            reader.GetString();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
        originalToken = token;
        return true;
    }

    /// <summary>
    /// Edits that wrap every non-empty <c>signature</c> string in a reply or one SSE event's JSON (a thinking block's, or a
    /// <c>signature_delta</c>'s); tool inputs are the model's data and left alone. Null when there is nothing to wrap.
    /// </summary>
    public static List<ByteEdit>? WrapEdits(ReadOnlySpan<byte> json, string providerId)
    {
        if (json.IndexOf("\"signature\""u8) < 0) return null;
        List<ByteEdit>? edits = null;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName) continue;
                if (reader.ValueTextEquals("input"u8))
                {
                    reader.Read();
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("signature"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.IsEmpty || MintedSignatures.IsMinted(reader.ValueSpan)) continue;
                    var offset = (int)reader.TokenStartIndex;
                    (edits ??= []).Add(new ByteEdit(offset, (int)reader.BytesConsumed - offset, ByteEdits.JsonString(Wrap(providerId, reader.ValueSpan))));
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Broken JSON is relayed as it is (the relay decides what to tell the client); what was found is kept.
        }
        return edits;
    }
}
