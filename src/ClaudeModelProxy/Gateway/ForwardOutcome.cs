using ClaudeModelProxy.Core.Anthropic;

namespace ClaudeModelProxy.Gateway;

/// <summary>How one proxied request ended, for the request log and the counters.</summary>
public sealed record ForwardOutcome(int Status, TokenUsage Usage, string? Error)
{
    public const int ClientClosedRequest = 499;

    public static ForwardOutcome ClientGone(TokenUsage usage) => new(ClientClosedRequest, usage, "client disconnected");
}
