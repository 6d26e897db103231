namespace ClaudeModelProxy.Core.Anthropic;

/// <summary>Where a request broke; <see cref="ProxyFailure.Side"/> says whose fault that was.</summary>
public enum FailureStage
{
    /// <summary>The client's request was refused, unreadable, or routed nowhere.</summary>
    ClientRequest,

    /// <summary>The client went away before the reply was complete.</summary>
    ClientGone,

    /// <summary>A gateway cap (connections, requests per provider) or a stop whose grace ran out.</summary>
    GatewayLimit,

    /// <summary>The upstream could not be reached (connect, DNS, TLS, connect timeout).</summary>
    UpstreamConnect,

    /// <summary>The upstream did not start answering within the headers timeout.</summary>
    UpstreamHeaders,

    /// <summary>The upstream answered with an error (a status, or an error object inside a 2xx).</summary>
    UpstreamStatus,

    /// <summary>The upstream's reply was refused (too large, undecodable, not JSON) or broke while it was read.</summary>
    UpstreamReply,

    /// <summary>The upstream's stream broke, stayed silent, or ended before it was complete.</summary>
    UpstreamStream,
}

public enum FailureSide
{
    Client,
    Gateway,
    Upstream,
}

/// <summary>
/// The one failure type: what the client is told (status, Anthropic error type, message, optionally the
/// upstream's own Anthropic error body and a Retry-After) and where it broke. The gateway's one writer sends it
/// as a JSON error before the response has started and as an SSE <c>error</c> event after.
/// </summary>
public sealed record ProxyFailure(FailureStage Stage, int Status, string ErrorType, string Message)
{
    /// <summary>An Anthropic error body the upstream sent, relayed as it came (minus any echoed key) instead of one built from <see cref="Message"/>.</summary>
    public byte[]? UpstreamBody { get; init; }

    /// <summary>Seconds the client should wait before retrying, sent as <c>Retry-After</c>.</summary>
    public string? RetryAfter { get; init; }

    /// <summary>The request never reached the upstream (a refused or unresolvable connection): sending it again, or elsewhere, is safe.</summary>
    public bool NeverReachedUpstream { get; init; }

    public FailureSide Side => Stage switch
    {
        FailureStage.ClientRequest or FailureStage.ClientGone => FailureSide.Client,
        FailureStage.GatewayLimit => FailureSide.Gateway,
        _ => FailureSide.Upstream,
    };

    /// <summary>The JSON error body the client receives.</summary>
    public byte[] Body => UpstreamBody ?? AnthropicError.Body(ErrorType, Message);

    /// <summary>A failure whose error type is the one Anthropic uses for <paramref name="status"/>.</summary>
    public static ProxyFailure Of(FailureStage stage, int status, string message) =>
        new(stage, status, AnthropicError.TypeForStatus(status), message);
}

/// <summary>Carries a <see cref="ProxyFailure"/> out of code that reads a reply (an I/O failure, to the relays).</summary>
public sealed class ProxyFailureException(ProxyFailure failure, Exception? inner = null) : IOException(failure.Message, inner)
{
    public ProxyFailure Failure { get; } = failure;
}
