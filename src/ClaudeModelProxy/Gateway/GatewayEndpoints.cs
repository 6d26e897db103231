using System.Text.Json;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Gateway.Failures;
using ClaudeModelProxy.Status;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ClaudeModelProxy.Gateway;

/// <summary>
/// The gateway's routes. One switch on method and path: the query string never matters.
/// Each request takes the current settings generation once, at its start, and keeps it to the end:
/// a reload (<see cref="Apply"/>) is one reference exchange, and in-flight requests finish on the
/// settings they started with. A retired generation's HTTP clients are disposed when its last request ends.
/// </summary>
public sealed class GatewayEndpoints(GatewayContext initial, Func<StatusReport> status)
{
    private Generation current = new(initial);

    /// <summary>The settings generation new requests use.</summary>
    public GatewayContext Current => Volatile.Read(ref current).Context;

    /// <summary>Swaps in new settings; requests already running keep theirs.</summary>
    public void Apply(ProxySettings settings)
    {
        var next = new Generation(Current.WithSettings(settings));
        var previous = Interlocked.Exchange(ref current, next);
        previous.Retire();
    }

    public Task HandleAsync(HttpContext http)
    {
        var generation = Enter();
        Task task;
        try
        {
            task = HandleAsync(http, generation);
        }
        catch
        {
            generation.Exit();
            throw;
        }
        if (task.IsCompleted)
        {
            generation.Exit();
            return task;
        }
        return ExitWhenDoneAsync(task, generation);
    }

    private static async Task ExitWhenDoneAsync(Task task, Generation generation)
    {
        try
        {
            await task;
        }
        finally
        {
            generation.Exit();
        }
    }

    /// <summary>Counts the request in before using the generation, and re-checks: a generation retired in between is not used.</summary>
    private Generation Enter()
    {
        while (true)
        {
            var generation = Volatile.Read(ref current);
            generation.Enter();
            if (ReferenceEquals(generation, Volatile.Read(ref current))) return generation;
            generation.Exit();
        }
    }

    private Task HandleAsync(HttpContext http, Generation generation)
    {
        var gateway = generation.Context;
        var guard = generation.Guard;
        var messages = generation.Messages;
        if (guard.Check(http.Request) is { } refusal)
        {
            gateway.Logger.LogWarning("Refused {Method} {Path}: {Reason}", http.Request.Method, http.Request.Path.Value, refusal.Message);
            return FailureResponse.WriteAsync(http, refusal);
        }
        var path = http.Request.Path.Value ?? "/";
        if (path.Length > 1 && path[^1] == '/') path = path.TrimEnd('/');
        var method = http.Request.Method;
        return path switch
        {
            "/v1/messages" => RequirePost(http, method, () => messages.HandleAsync(http, MessagesEndpoint.Kind.Create)),
            "/v1/messages/count_tokens" => RequirePost(http, method, () => messages.HandleAsync(http, MessagesEndpoint.Kind.CountTokens)),
            "/healthz" or "/health" => RequireGet(http, method, () => WriteJsonAsync(http, JsonSerializer.SerializeToUtf8Bytes(status(), StatusJsonContext.Default.StatusReport))),
            "/status" => RequireGet(http, method, () => WriteStatusPageAsync(http, gateway, guard)),
            "/" or "" when WantsHtml(http.Request) => RequireGet(http, method, () => WriteStatusPageAsync(http, gateway, guard)),
            "/" or "" => RequireGet(http, method, () => WriteTextAsync(http, $"claude-model-proxy {Hosting.ProxyVersion.Current}: Anthropic Messages gateway. See /status, /healthz and /v1/models.\n")),
            "/v1/models" => RequireGet(http, method, () => WriteModelListAsync(http, gateway)),
            _ when path.StartsWith("/v1/models/", StringComparison.Ordinal) => RequireGet(http, method, () => WriteModelAsync(http, gateway, Uri.UnescapeDataString(path["/v1/models/".Length..]))),
            _ => FailureResponse.WriteAsync(http, GatewayFailures.ClientRequest(404, $"No route for {method} {path}. The gateway serves POST /v1/messages, POST /v1/messages/count_tokens, GET /v1/models, GET /healthz and GET /status.")),
        };
    }

    /// <summary>One settings generation and the requests still running on it.</summary>
    private sealed class Generation(GatewayContext context)
    {
        private int inFlight;
        private int retired;

        public GatewayContext Context { get; } = context;

        public RequestGuard Guard { get; } = new(context.Settings);

        public MessagesEndpoint Messages { get; } = new(context);

        public void Enter() => Interlocked.Increment(ref inFlight);

        public void Exit()
        {
            if (Interlocked.Decrement(ref inFlight) == 0 && Volatile.Read(ref retired) == 1) DisposeOnce();
        }

        public void Retire()
        {
            Volatile.Write(ref retired, 1);
            if (Volatile.Read(ref inFlight) == 0) DisposeOnce();
        }

        private int disposed;

        private void DisposeOnce()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) Context.Dispose();
        }
    }

    /// <summary>A browser's navigation asks for text/html; Claude Code's pre-connect (HEAD, or GET without it) keeps the fast plain answer.</summary>
    private static bool WantsHtml(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    private Task WriteStatusPageAsync(HttpContext http, GatewayContext gateway, RequestGuard guard)
    {
        var authorized = guard.IsAuthorized(http.Request);
        var main = authorized ? StatusPage.RenderMain(status(), gateway.Counters, gateway.Settings) : StatusPage.RenderLockedMain(gateway.Settings);
        if (!authorized) http.Response.StatusCode = 401;
        string page, nonce = "";
        if (http.Request.Headers[StatusPage.FragmentHeader] == "main") page = main;
        else page = StatusPage.Page(main, out nonce);
        StatusPage.ApplyHeaders(http.Response, nonce);
        var body = System.Text.Encoding.UTF8.GetBytes(page);
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.ContentLength = body.Length;
        return http.Response.Body.WriteAsync(body).AsTask();
    }

    private static Task WriteModelListAsync(HttpContext http, GatewayContext gateway)
    {
        var (page, error) = ModelCatalog.List(gateway.Router, http.Request.Query);
        return page is null
            ? FailureResponse.WriteAsync(http, GatewayFailures.ClientRequest(400, error!))
            : WriteJsonAsync(http, JsonSerializer.SerializeToUtf8Bytes(page, StatusJsonContext.Default.ModelList));
    }

    private static Task WriteModelAsync(HttpContext http, GatewayContext gateway, string id)
    {
        var model = ModelCatalog.Find(gateway.Router, id);
        return model is null
            ? FailureResponse.WriteAsync(http, GatewayFailures.ClientRequest(404, $"Model \"{id}\" is not configured. GET /v1/models lists the configured models."))
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
        return FailureResponse.WriteAsync(http, GatewayFailures.ClientRequest(405, $"Method {http.Request.Method} is not allowed here; use {allowed}."));
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
