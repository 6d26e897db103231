using System.Text.Json;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Status;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ClaudeModelProxy.Gateway;

/// <summary>The gateway's routes. One switch on method and path: the query string never matters.</summary>
public sealed class GatewayEndpoints(GatewayContext gateway, Func<StatusReport> status)
{
    private readonly MessagesEndpoint messages = new(gateway);
    private readonly RequestGuard guard = new(gateway.Settings);

    public Task HandleAsync(HttpContext http)
    {
        if (guard.Check(http.Request) is { } refusal)
        {
            gateway.Logger.LogWarning("Refused {Method} {Path}: {Reason}", http.Request.Method, http.Request.Path.Value, refusal.Message);
            return ErrorResponses.WriteAsync(http, refusal.Status, refusal.ErrorType, refusal.Message);
        }
        var path = http.Request.Path.Value ?? "/";
        if (path.Length > 1 && path[^1] == '/') path = path.TrimEnd('/');
        var method = http.Request.Method;
        return path switch
        {
            "/v1/messages" => RequirePost(http, method, () => messages.HandleAsync(http, MessagesEndpoint.Kind.Create)),
            "/v1/messages/count_tokens" => RequirePost(http, method, () => messages.HandleAsync(http, MessagesEndpoint.Kind.CountTokens)),
            "/healthz" or "/health" => RequireGet(http, method, () => WriteJsonAsync(http, JsonSerializer.SerializeToUtf8Bytes(status(), StatusJsonContext.Default.StatusReport))),
            "/" or "" => RequireGet(http, method, () => WriteTextAsync(http, $"claude-model-proxy {Hosting.ProxyVersion.Current}: Anthropic Messages gateway. See /healthz and /v1/models.\n")),
            "/v1/models" => RequireGet(http, method, () => WriteModelListAsync(http)),
            _ when path.StartsWith("/v1/models/", StringComparison.Ordinal) => RequireGet(http, method, () => WriteModelAsync(http, Uri.UnescapeDataString(path["/v1/models/".Length..]))),
            _ => ErrorResponses.WriteAsync(http, 404, AnthropicError.NotFound, $"No route for {method} {path}. The gateway serves POST /v1/messages, POST /v1/messages/count_tokens, GET /v1/models and GET /healthz."),
        };
    }

    private Task WriteModelListAsync(HttpContext http)
    {
        var (page, error) = ModelCatalog.List(gateway.Router, http.Request.Query);
        return page is null
            ? ErrorResponses.WriteAsync(http, 400, AnthropicError.InvalidRequest, error!)
            : WriteJsonAsync(http, JsonSerializer.SerializeToUtf8Bytes(page, StatusJsonContext.Default.ModelList));
    }

    private Task WriteModelAsync(HttpContext http, string id)
    {
        var model = ModelCatalog.Find(gateway.Router, id);
        return model is null
            ? ErrorResponses.WriteAsync(http, 404, AnthropicError.NotFound, $"Model \"{id}\" is not configured. GET /v1/models lists the configured models.")
            : WriteJsonAsync(http, JsonSerializer.SerializeToUtf8Bytes(model, StatusJsonContext.Default.ModelInfo));
    }

    private static Task RequirePost(HttpContext http, string method, Func<Task> handler) =>
        HttpMethods.IsPost(method) ? handler() : MethodNotAllowed(http, "POST");

    private static Task RequireGet(HttpContext http, string method, Func<Task> handler)
    {
        if (HttpMethods.IsHead(method))
        {
            http.Response.StatusCode = 200;
            return Task.CompletedTask;
        }
        return HttpMethods.IsGet(method) ? handler() : MethodNotAllowed(http, "GET, HEAD");
    }

    private static Task MethodNotAllowed(HttpContext http, string allowed)
    {
        http.Response.Headers.Allow = allowed;
        return ErrorResponses.WriteAsync(http, 405, AnthropicError.InvalidRequest, $"Method {http.Request.Method} is not allowed here; use {allowed}.");
    }

    public static Task WriteJsonAsync(HttpContext http, byte[] body)
    {
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = body.Length;
        return http.Response.Body.WriteAsync(body).AsTask();
    }

    private static Task WriteTextAsync(HttpContext http, string text)
    {
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync(text);
    }
}
