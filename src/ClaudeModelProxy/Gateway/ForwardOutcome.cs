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

    /// <summary>
    /// The upstream stayed unavailable after its retries and nothing was written to the client: the endpoint
    /// may try the next route. Only returned to a caller that said a next route exists.
    /// </summary>
    public bool Unavailable { get; private init; }

    /// <summary>The alias that answered instead, when retries were exhausted and MODEL_FALLBACKS named one.</summary>
    public string? FellBackTo { get; init; }

    public static ForwardOutcome UnavailableBecause(ProxyFailure failure) => new(failure.Status, default, failure) { Unavailable = true };

    public static ForwardOutcome ClientGone(TokenUsage usage) => new(ClientClosedRequest, usage, GatewayFailures.ClientGone);
}
