using ClaudeModelProxy.Core.Anthropic;

namespace ClaudeModelProxy.Gateway;

/// <summary>How one proxied request ended, for the request log and the counters.</summary>
public sealed record ForwardOutcome(int Status, TokenUsage Usage, string? Error)
{
    public const int ClientClosedRequest = 499;

    /// <summary>The alias that answered instead, when retries were exhausted and MODEL_FALLBACKS named one.</summary>
    public string? FellBackTo { get; init; }

    public static ForwardOutcome ClientGone(TokenUsage usage) => new(ClientClosedRequest, usage, "client disconnected");
}

/// <summary>Tried when an upstream stays unavailable after its retries, before the client has seen a byte.</summary>
public delegate Task<ForwardOutcome> FallbackAttempt();
