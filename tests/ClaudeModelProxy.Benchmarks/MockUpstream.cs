using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ClaudeModelProxy.Benchmarks;

/// <summary>
/// A tight Kestrel mock of both upstream kinds, answering canned bytes so that it is never the
/// bottleneck: /anthropic/v1/messages, /openai/chat/completions and /openai/responses, JSON or SSE by the body's stream flag.
/// </summary>
public sealed class MockUpstream : IAsyncDisposable
{
    private readonly WebApplication app;

    private MockUpstream(WebApplication app, int port)
    {
        this.app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Delay between SSE events (0 for throughput runs; &gt;0 to hold many streams open).</summary>
    public static int StreamEventDelayMs { get; set; }

    public static async Task<MockUpstream> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => { k.Listen(IPAddress.Loopback, port); k.Limits.MaxRequestBodySize = null; k.AddServerHeader = false; });
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        return new MockUpstream(app, port);
    }

    private static async Task HandleAsync(HttpContext context)
    {
        var body = context.Request.BodyReader;
        var stream = false;
        while (true)
        {
            var result = await body.ReadAsync();
            foreach (var segment in result.Buffer)
                stream |= segment.Span.IndexOf("\"stream\":true"u8) >= 0;
            body.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) break;
        }
        var path = context.Request.Path.Value!;
        var response = context.Response;
        if (!stream)
        {
            var reply = path.EndsWith("/chat/completions", StringComparison.Ordinal) ? Workloads.OpenAiReply
                : path.EndsWith("/responses", StringComparison.Ordinal) ? Workloads.ResponsesReply
                : Workloads.AnthropicMessageReply;
            response.ContentType = "application/json";
            response.ContentLength = reply.Length;
            await response.Body.WriteAsync(reply);
            return;
        }
        response.ContentType = "text/event-stream";
        var events = Workloads.StreamReplyFor(path);
        if (StreamEventDelayMs == 0)
        {
            await response.Body.WriteAsync(events);
            return;
        }
        var start = 0;
        for (var i = 0; i + 1 < events.Length; i++)
        {
            if (events[i] != '\n' || events[i + 1] != '\n') continue;
            await response.Body.WriteAsync(events.AsMemory(start, i + 2 - start));
            await response.Body.FlushAsync();
            start = i + 2;
            await Task.Delay(StreamEventDelayMs);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
