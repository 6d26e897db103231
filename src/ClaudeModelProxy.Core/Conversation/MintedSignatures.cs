using System.Text;

namespace ClaudeModelProxy.Core.Conversation;

/// <summary>
/// Signatures the gateway puts on the thinking blocks it builds for a translated reply. They are not Anthropic
/// signatures: Anthropic's request repair (<see cref="Providers.Anthropic.AnthropicHistoryRepair"/>, reading
/// <see cref="IsMinted(ReadOnlySpan{byte})"/> through <see cref="HistoryLayout"/>) drops them before real Anthropic
/// sees them (protocol §0.15; ModelSwitchTests pins it end to end) and only the provider that minted one gets its state back.
/// </summary>
public static class MintedSignatures
{
    /// <summary>The format before the codec (<c>cmproxy-thinking.&lt;provider&gt;.&lt;random&gt;</c>): still in users' histories, still ours.</summary>
    public const string LegacyPrefix = "cmproxy-thinking.";

    /// <summary>Payload kind of a thinking block that only carries reasoning text (no upstream state).</summary>
    internal const byte ReasoningOnly = 0x00;

    /// <summary>The signature of a thinking block holding reasoning text from <paramref name="providerId"/>.</summary>
    public static string Reasoning(string providerId) => SignatureCodec.Encode(ProviderId(providerId), [ReasoningOnly]);

    /// <summary>Whether this gateway minted the signature (the codec's prefix or the legacy one): it must never reach Anthropic.</summary>
    public static bool IsMinted(string? signature) =>
        signature is not null && (SignatureCodec.HasPrefix(signature) || signature.StartsWith(LegacyPrefix, StringComparison.Ordinal));

    /// <inheritdoc cref="IsMinted(string?)"/>
    public static bool IsMinted(ReadOnlySpan<byte> utf8Signature) =>
        utf8Signature.StartsWith("cmp1."u8) || utf8Signature.StartsWith("cmproxy-thinking."u8);

    /// <summary>Whether the signature was minted for a reply from <paramref name="providerId"/> (either format).</summary>
    public static bool IsMintedFor(string? signature, string providerId)
    {
        if (signature is null) return false;
        if (SignatureCodec.TryDecode(signature, out var minted)) return minted.Provider == providerId;
        return signature.StartsWith(LegacyPrefix, StringComparison.Ordinal)
            && signature.AsSpan(LegacyPrefix.Length).StartsWith(providerId, StringComparison.Ordinal)
            && signature.Length > LegacyPrefix.Length + providerId.Length
            && signature[LegacyPrefix.Length + providerId.Length] == '.';
    }

    /// <summary>A provider name as the codec accepts it: lower case, <c>[a-z0-9_-]</c>, at most 32 characters; "upstream" when nothing is left.</summary>
    public static string ProviderId(string name)
    {
        var builder = new StringBuilder(Math.Min(name.Length, 32));
        foreach (var c in name.Trim().ToLowerInvariant())
        {
            if (builder.Length == 32) break;
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-') builder.Append(c);
        }
        return builder.Length == 0 ? "upstream" : builder.ToString();
    }
}
