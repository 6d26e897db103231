namespace ClaudeModelProxy.Core.Anthropic;

/// <summary>Token counts seen in a reply. Anthropic stream usage is cumulative: later values replace earlier ones.</summary>
public struct TokenUsage
{
    public long InputTokens;
    public long OutputTokens;
    public long CacheReadInputTokens;
    public long CacheCreationInputTokens;

    /// <summary>All input, cached or not.</summary>
    public readonly long TotalInputTokens => InputTokens + CacheReadInputTokens + CacheCreationInputTokens;
}
