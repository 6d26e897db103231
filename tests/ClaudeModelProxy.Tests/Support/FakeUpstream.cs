using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ClaudeModelProxy.Tests.Support;

/// <summary>What the fake upstream received.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, Dictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.GetValueOrDefault(name.ToLowerInvariant());
}

/// <summary>A loopback HTTP server whose replies each test scripts.</summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private readonly WebApplication app;

    private FakeUpstream(WebApplication app, int port)
    {
        this.app = app;
        Port = port;
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public RecordedRequest LastRequest => Requests.Last();

    /// <summary>Set by the test: how to answer the next requests.</summary>
    public Func<HttpContext, RecordedRequest, Task> Handler { get; set; } = (context, _) => { context.Response.StatusCode = 500; return Task.CompletedTask; };

    /// <summary>Signalled when a request's RequestAborted fires (the gateway cancelled it).</summary>
    public TaskCompletionSource Aborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<FakeUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var port = FreePort.Next();
        builder.WebHost.ConfigureKestrel(k => { k.Listen(IPAddress.Loopback, port); k.Limits.MaxRequestBodySize = null; });
        var app = builder.Build();
        var upstream = new FakeUpstream(app, port);
        app.Run(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            var recorded = new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "", headers, buffer.ToArray());
            upstream.Requests.Enqueue(recorded);
            context.RequestAborted.Register(() => upstream.Aborted.TrySetResult());
            await upstream.Handler(context, recorded);
        });
        await app.StartAsync();
        return upstream;
    }

    /// <summary>Answers with one JSON body.</summary>
    public static Func<HttpContext, RecordedRequest, Task> Json(string json, int status = 200) => async (context, _) =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    };

    /// <summary>Answers with an SSE body written in the given chunks, flushing after each.</summary>
    public static Func<HttpContext, RecordedRequest, Task> Sse(params string[] chunks) => async (context, _) =>
    {
        context.Response.ContentType = "text/event-stream";
        foreach (var chunk in chunks)
        {
            await context.Response.WriteAsync(chunk);
            await context.Response.Body.FlushAsync();
        }
    };

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
