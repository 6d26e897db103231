using System.Buffers.Text;

namespace ClaudeModelProxy.Core.Conversation;

/// <summary>A signature this gateway minted: the provider whose reply it came from and that provider's opaque state.</summary>
public readonly record struct MintedSignature(string Provider, byte[] Payload);

/// <summary>
/// The one format for state the gateway carries inside the conversation (design.md, "State rides in the conversation"):
/// <c>cmp1.&lt;provider&gt;.&lt;base64url payload&gt;</c> in a thinking block's <c>signature</c>, the field clients keep
/// verbatim (Claude Code's context editing keeps <c>type</c>, <c>thinking</c> and <c>signature</c>).
/// Parsing is defensive: anything that is not exactly this shape is foreign — never trusted, never an exception.
/// </summary>
public static class SignatureCodec
{
    public const string Prefix = "cmp1.";

    /// <summary>Longer than this is never ours (a realistic payload is a few KiB; OpenAI's encrypted reasoning can reach tens).</summary>
    public const int MaxLength = 1 << 20;

    private const int MaxProviderLength = 32;

    public static string Encode(string provider, ReadOnlySpan<byte> payload)
    {
        if (!IsProviderId(provider)) throw new ArgumentException($"\"{provider}\" is not a provider id ([a-z0-9_-], at most {MaxProviderLength}).", nameof(provider));
        return string.Concat(Prefix, provider, ".", Base64Url.EncodeToString(payload));
    }

    /// <summary>Whether the signature looks minted by this gateway (cheap: prefix only). Use <see cref="TryDecode"/> before trusting it.</summary>
    public static bool HasPrefix(ReadOnlySpan<char> signature) => signature.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Decodes a signature this gateway minted; false for anything else (null, foreign, malformed, oversized).</summary>
    public static bool TryDecode(string? signature, out MintedSignature minted)
    {
        minted = default;
        if (signature is null || signature.Length > MaxLength || !HasPrefix(signature)) return false;
        var rest = signature.AsSpan(Prefix.Length);
        var dot = rest.IndexOf('.');
        if (dot <= 0 || dot > MaxProviderLength) return false;
        var provider = rest[..dot];
        if (!IsProviderId(provider)) return false;
        if (UnpaddedBase64Url.TryDecode(rest[(dot + 1)..]) is not { } payload) return false;
        minted = new MintedSignature(provider.ToString(), payload);
        return true;
    }

    /// <summary>Decodes a signature minted for <paramref name="provider"/>; false when it is foreign or another provider's.</summary>
    public static bool TryDecodeFor(string? signature, string provider, out byte[] payload)
    {
        payload = [];
        if (!TryDecode(signature, out var minted) || !string.Equals(minted.Provider, provider, StringComparison.Ordinal)) return false;
        payload = minted.Payload;
        return true;
    }

    private static bool IsProviderId(ReadOnlySpan<char> value)
    {
        if (value.Length is 0 or > MaxProviderLength) return false;
        foreach (var c in value)
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-')) return false;
        return true;
    }
}
