using System.Net.Sockets;
using System.Security.Authentication;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Configuration;

namespace ClaudeModelProxy.Gateway.Failures;

/// <summary>Turns a failed upstream call (no headers yet) into the failure the client should see.</summary>
public static class UpstreamConnectFailures
{
    /// <summary>
    /// The one place that turns a failed upstream call into an Anthropic status and error type,
    /// by which side broke: connect (502), TLS (502), headers too slow (504).
    /// </summary>
    public static ProxyFailure Classify(Exception exception, ProviderSettings provider, bool headersTimedOut, TimeSpan headersTimeout)
    {
        var name = provider.Definition.DisplayName;
        var urlVariable = provider.Definition.BaseUrlVariable;
        if (headersTimedOut)
            return new(FailureStage.UpstreamHeaders, 504, AnthropicError.Timeout, $"{name} did not start answering within {headersTimeout.TotalSeconds:0.#} s (UPSTREAM_HEADERS_TIMEOUT_SECONDS).");
        if (exception is OperationCanceledException)
            // Not our headers deadline and not the client: the handler's connect timeout.
            return NeverReached($"Connecting to {name} timed out; check {urlVariable} and your network.");
        var requestError = (exception as HttpRequestException)?.HttpRequestError;
        var socket = FindInner<SocketException>(exception);
        if (requestError == HttpRequestError.NameResolutionError || socket?.SocketErrorCode is SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData)
            return NeverReached($"Cannot resolve the host of {name} ({urlVariable}); check the URL and your network.");
        if (requestError == HttpRequestError.SecureConnectionError || FindInner<AuthenticationException>(exception) is not null)
            return Connect($"TLS handshake with {name} failed; check {urlVariable}.");
        if (socket?.SocketErrorCode == SocketError.ConnectionRefused)
            return NeverReached($"{name} refused the connection; check {urlVariable}.");
        if (requestError == HttpRequestError.ConnectionError)
            return NeverReached($"Cannot connect to {name}: {exception.GetBaseException().Message}");
        // The request may have reached the upstream (a reset, a reply cut short): never sent again.
        return Connect($"The connection to {name} failed: {exception.GetBaseException().Message}");
    }

    private static ProxyFailure Connect(string message) => new(FailureStage.UpstreamConnect, 502, AnthropicError.Api, message);

    private static ProxyFailure NeverReached(string message) => Connect(message) with { NeverReachedUpstream = true };

    private static T? FindInner<T>(Exception? exception) where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
            if (exception is T match) return match;
        return null;
    }
}
