using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Gateway.Failures;

namespace ClaudeModelProxy.Gateway;

/// <summary>How one proxied request ended for the client, for the request log and the counters.</summary>
/// <param name="Status">The status the client received (200 for a stream that then ended with an error event).</param>
/// <param name="Failure">What went wrong, as the client was told; null when nothing did.</param>
public sealed record ForwardOutcome(int Status, TokenUsage Usage, ProxyFailure? Failure)
{
    public const int ClientClosedRequest = 499;

    public string? Error => Failure?.Message;

    /// <summary>The alias that answered instead, when retries were exhausted and MODEL_FALLBACKS named one.</summary>
    public string? FellBackTo { get; init; }

    public static ForwardOutcome ClientGone(TokenUsage usage) => new(ClientClosedRequest, usage, GatewayFailures.ClientGone);
}

/// <summary>Tried when an upstream stays unavailable after its retries, before the client has seen a byte.</summary>
public delegate Task<ForwardOutcome> FallbackAttempt();
