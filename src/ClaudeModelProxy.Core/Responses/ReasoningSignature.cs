using System.Text;
using ClaudeModelProxy.Core.Conversation;

namespace ClaudeModelProxy.Core.Responses;

/// <summary>A reasoning item of the Responses API, as far as a later turn needs it.</summary>
internal readonly record struct ReasoningState(string Id, string EncryptedContent);

/// <summary>
/// The Responses API's reasoning state carried in a thinking block's <c>signature</c> with the shared codec:
/// <c>cmp1.openai.&lt;base64url payload&gt;</c>. Payload (version 1 of this provider's format): the UTF-8 bytes of
/// the item id (<c>rs_…</c>), one line feed, then <c>encrypted_content</c> exactly as OpenAI sent it. Neither part
/// can contain a line feed (the id is an identifier, the content base64), so the first one splits them.
/// </summary>
internal static class ReasoningSignature
{
    /// <param name="providerId">The minting provider, as <see cref="OpenAi.ReplyHelpers.MintingProvider"/> names it.</param>
    public static string Encode(string providerId, ReasoningState state) =>
        SignatureCodec.Encode(providerId, Encoding.UTF8.GetBytes(state.Id + "\n" + state.EncryptedContent));

    /// <summary>
    /// The reasoning state of a signature this gateway minted for OpenAI; false for anything else —
    /// Anthropic's signatures, Gemini's, the Chat route's minted ones, garbage — which must never reach OpenAI as encrypted content.
    /// </summary>
    public static bool TryDecode(string? signature, string providerId, out ReasoningState state)
    {
        state = default;
        if (!SignatureCodec.TryDecodeFor(signature, providerId, out var payload)) return false;
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(payload);
        }
        catch (ArgumentException)
        {
            return false;
        }
        var split = text.IndexOf('\n');
        if (split <= 0 || split == text.Length - 1) return false;
        var id = text[..split];
        var encrypted = text[(split + 1)..];
        if (encrypted.Contains('\n') || id.Any(char.IsWhiteSpace)) return false;
        state = new ReasoningState(id, encrypted);
        return true;
    }
}
