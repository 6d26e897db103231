using System.Buffers;
using ClaudeModelProxy.Core.Anthropic;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Gateway.Failures;

/// <summary>
/// The one writer of failures: a JSON Anthropic error while the response has not started, an SSE
/// <c>error</c> event once a stream has begun. The outcome it returns is what the client actually received,
/// so that the log line and the counters never claim a 502 the client did not get.
/// </summary>
public static class FailureResponse
{
    private const string EventStream = "text/event-stream";

    /// <param name="secrets">Removes any key an upstream echoed; null for the gateway's own words.</param>
    public static async Task<ForwardOutcome> SendAsync(HttpContext http, ProxyFailure failure, SecretRedactor? secrets = null, TokenUsage usage = default)
    {
        var response = http.Response;
        // A stream has begun once its event-stream headers are set, sent or not: it ends with an error event.
        if (IsEventStream(response))
        {
            var sseEvent = AnthropicError.SseEvent(failure.ErrorType, failure.Message);
            response.BodyWriter.Write(secrets is null ? sseEvent : secrets.Redact(sseEvent));
            await response.BodyWriter.FlushAsync(http.RequestAborted);
            return new ForwardOutcome(response.StatusCode, usage, failure);
        }
        // A JSON body already begun cannot be added to: the client sees it cut short, with its status.
        if (response.HasStarted) return new ForwardOutcome(response.StatusCode, usage, failure);
        await WriteJsonAsync(response, failure, secrets);
        return new ForwardOutcome(failure.Status, usage, failure);
    }

    /// <summary>Writes a failure as a JSON error, for callers outside the request log (the guard, unknown paths).</summary>
    public static Task WriteAsync(HttpContext http, ProxyFailure failure) =>
        http.Response.HasStarted ? Task.CompletedTask : WriteJsonAsync(http.Response, failure, null);

    public static bool IsEventStream(HttpResponse response) =>
        response.ContentType is { } type && type.StartsWith(EventStream, StringComparison.OrdinalIgnoreCase);

    // Not cancelled with the request: a JSON request cancelled by a stop still gets its 529.
    private static Task WriteJsonAsync(HttpResponse response, ProxyFailure failure, SecretRedactor? secrets)
    {
        var status = failure.Status;
        response.StatusCode = status;
        // A relayed upstream body keeps the upstream's own JSON content type.
        if (failure.UpstreamBody is null || response.ContentType is null) response.ContentType = "application/json";
        if (status is 400 or 401 or 403 or 404 or 405 or 413) response.Headers["x-should-retry"] = "false";
        if (failure.RetryAfter is { } retryAfter) response.Headers.RetryAfter = retryAfter;
        var body = secrets is null ? failure.Body : secrets.Redact(failure.Body);
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }
}
