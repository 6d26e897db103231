using ClaudeModelProxy.Core.Anthropic;
using Microsoft.ML.Tokenizers;

namespace ClaudeModelProxy.Gateway;

/// <summary>
/// Local count_tokens for upstreams without one: the o200k tokenizer over the prompt's text,
/// plus a flat allowance per image or document (Anthropic bills a typical image at ~1,600 tokens).
/// </summary>
public static class TokenCounter
{
    private const int TokensPerAttachment = 1_600;
    private static readonly Lazy<Tokenizer> Tokenizer = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    public static long Count(ReadOnlySpan<byte> messagesRequest)
    {
        var extracted = PromptTextExtractor.Extract(messagesRequest);
        return Math.Max(1, Tokenizer.Value.CountTokens(extracted.Text) + (long)extracted.Attachments * TokensPerAttachment);
    }
}
