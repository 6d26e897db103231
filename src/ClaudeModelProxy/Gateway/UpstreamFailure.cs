using System.Net.Sockets;
using System.Security.Authentication;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Configuration;

namespace ClaudeModelProxy.Gateway;

/// <summary>An upstream failure as the client should see it.</summary>
public sealed record UpstreamFailure(int Status, string ErrorType, string Message, bool IsConnectFailure = false)
{
    /// <summary>
    /// The one place that turns a failed upstream call into an Anthropic status and error type,
    /// by which side broke: connect (502), TLS (502), headers too slow (504).
    /// </summary>
    public static UpstreamFailure Classify(Exception exception, ProviderSettings provider, bool headersTimedOut, TimeSpan headersTimeout)
    {
        var name = provider.Definition.DisplayName;
        var urlVariable = provider.Definition.BaseUrlVariable;
        if (headersTimedOut)
            return new(504, AnthropicError.Timeout, $"{name} did not start answering within {headersTimeout.TotalSeconds:0.#} s (UPSTREAM_HEADERS_TIMEOUT_SECONDS).");
        if (exception is OperationCanceledException)
            // Not our headers deadline and not the client: the handler's connect timeout.
            return new(502, AnthropicError.Api, $"Connecting to {name} timed out; check {urlVariable} and your network.", IsConnectFailure: true);
        var requestError = (exception as HttpRequestException)?.HttpRequestError;
        var socket = FindInner<SocketException>(exception);
        if (requestError == HttpRequestError.NameResolutionError || socket?.SocketErrorCode is SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData)
            return new(502, AnthropicError.Api, $"Cannot resolve the host of {name} ({urlVariable}); check the URL and your network.", IsConnectFailure: true);
        if (requestError == HttpRequestError.SecureConnectionError || FindInner<AuthenticationException>(exception) is not null)
            return new(502, AnthropicError.Api, $"TLS handshake with {name} failed; check {urlVariable}.");
        if (socket?.SocketErrorCode == SocketError.ConnectionRefused)
            return new(502, AnthropicError.Api, $"{name} refused the connection; check {urlVariable}.", IsConnectFailure: true);
        if (requestError == HttpRequestError.ConnectionError)
            return new(502, AnthropicError.Api, $"Cannot connect to {name}: {exception.GetBaseException().Message}", IsConnectFailure: true);
        // The request may have reached the upstream (a reset, a reply cut short): never sent again.
        return new(502, AnthropicError.Api, $"The connection to {name} failed: {exception.GetBaseException().Message}");
    }

    private static T? FindInner<T>(Exception? exception) where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
            if (exception is T match) return match;
        return null;
    }
}
