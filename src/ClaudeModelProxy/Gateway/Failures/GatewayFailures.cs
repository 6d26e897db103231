using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Configuration;

namespace ClaudeModelProxy.Gateway.Failures;

/// <summary>The failures the gateway itself decides on, worded once.</summary>
public static class GatewayFailures
{
    /// <summary>An upstream reply the gateway will not relay (too large, or encoded in a way it cannot read); the message says why.</summary>
    public static ProxyFailureException ReplyRefused(string message, Exception? inner = null) =>
        new(new ProxyFailure(FailureStage.UpstreamReply, 502, AnthropicError.Api, message), inner);

    /// <summary>The message for an upstream SSE event or JSON reply over <see cref="GatewayLimits.MaxUpstreamReplyBytes"/>.</summary>
    public static ProxyFailureException TooLarge(string what) =>
        ReplyRefused($"{what} is larger than {GatewayLimits.MaxUpstreamReplyBytes / (1024 * 1024)} MiB, the gateway's cap; it was not relayed.");

    /// <summary>The gateway is stopping and SHUTDOWN_GRACE_SECONDS ran out before this stream ended.</summary>
    public static ProxyFailureException StreamOutlivedStop(TimeSpan grace) =>
        new(Overloaded($"The gateway is stopping and this stream did not end within SHUTDOWN_GRACE_SECONDS ({grace.TotalSeconds:0} s); it was ended here. Retry the request."));

    /// <summary>The gateway is stopping and a request still waiting for its upstream ran out of grace.</summary>
    public static ProxyFailure RequestOutlivedStop(TimeSpan grace) =>
        Overloaded($"The gateway is stopping and this request did not finish within SHUTDOWN_GRACE_SECONDS ({grace.TotalSeconds:0} s). Retry it.");

    /// <summary>A 529 <c>overloaded_error</c> with <c>Retry-After: 1</c>: a cap or a stop, never the upstream's doing.</summary>
    public static ProxyFailure Overloaded(string message) =>
        new(FailureStage.GatewayLimit, 529, AnthropicError.Overloaded, message) { RetryAfter = "1" };

    /// <summary>The client's own request: refused, unreadable, or routed nowhere.</summary>
    public static ProxyFailure ClientRequest(int status, string message) => ProxyFailure.Of(FailureStage.ClientRequest, status, message);

    /// <summary>What a client that went away is recorded with (the client saw nothing more).</summary>
    public static readonly ProxyFailure ClientGone = new(FailureStage.ClientGone, ForwardOutcome.ClientClosedRequest, AnthropicError.InvalidRequest, "client disconnected");

    /// <summary>A stream whose upstream stayed silent past STREAM_IDLE_TIMEOUT_SECONDS.</summary>
    public static ProxyFailure StreamIdle(string providerName, TimeSpan idleLimit) =>
        new(FailureStage.UpstreamStream, 504, AnthropicError.Timeout, $"{providerName} sent nothing for {idleLimit.TotalSeconds:0} s (STREAM_IDLE_TIMEOUT_SECONDS); the stream was ended.");

    public static ProxyFailure StreamBroke(string providerName) =>
        new(FailureStage.UpstreamStream, 502, AnthropicError.Api, $"The connection to {providerName} broke in the middle of the reply.");

    public static ProxyFailure StreamEndedEarly(string providerName) =>
        new(FailureStage.UpstreamStream, 502, AnthropicError.Api, $"{providerName} ended the stream before it was complete.");
}
