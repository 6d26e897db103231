using ClaudeModelProxy.Core.Anthropic;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Gateway;

/// <summary>Writes the proxy's own errors as Anthropic error objects.</summary>
public static class ErrorResponses
{
    public static Task WriteAsync(HttpContext context, int status, string type, string message)
    {
        var response = context.Response;
        if (response.HasStarted) return Task.CompletedTask;
        response.StatusCode = status;
        response.ContentType = "application/json";
        if (status is 400 or 401 or 403 or 404 or 405 or 413) response.Headers["x-should-retry"] = "false";
        var body = AnthropicError.Body(type, message);
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }

    public static Task WriteAsync(HttpContext context, int status, string message) =>
        WriteAsync(context, status, AnthropicError.TypeForStatus(status), message);
}
