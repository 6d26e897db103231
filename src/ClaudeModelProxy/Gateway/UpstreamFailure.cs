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
        if (headersTimedOut)
            return new(504, AnthropicError.Timeout, $"{name} did not start answering within {headersTimeout.TotalSeconds:0.#} s (UPSTREAM_HEADERS_TIMEOUT_SECONDS).");
        var socket = FindInner<SocketException>(exception);
        if (socket?.SocketErrorCode is SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData)
            return new(502, AnthropicError.Api, $"Cannot resolve the host of {name} ({provider.Definition.BaseUrlVariable}); check the URL and your network.", true);
        if (socket?.SocketErrorCode == SocketError.ConnectionRefused)
            return new(502, AnthropicError.Api, $"{name} refused the connection; check {provider.Definition.BaseUrlVariable}.", true);
        if (FindInner<AuthenticationException>(exception) is not null)
            return new(502, AnthropicError.Api, $"TLS handshake with {name} failed; check {provider.Definition.BaseUrlVariable}.");
        if (exception is TaskCanceledException or TimeoutException)
            return new(504, AnthropicError.Timeout, $"Connecting to {name} timed out.");
        return new(502, AnthropicError.Api, $"Cannot reach {name}: {exception.GetBaseException().Message}", exception is HttpRequestException);
    }

    private static T? FindInner<T>(Exception? exception) where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
            if (exception is T match) return match;
        return null;
    }
}
