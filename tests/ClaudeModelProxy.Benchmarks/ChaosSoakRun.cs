using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ClaudeModelProxy.Benchmarks;

/// <summary>
/// A bounded chaos soak: mixed traffic (pass-through and translated, JSON and streams, 10% client
/// aborts) against an upstream that injects resets, stalls, 429/529 with Retry-After and malformed
/// events, with the gateway restarted (port handover) once in the middle. Counts what clients saw
/// that was not injected, the upstream connections left afterwards, and RSS and descriptors per quarter.
/// </summary>
public static class ChaosSoakRun
{
    private enum Fault { None, Reset, Stall, TooMany, Overloaded, Malformed }

    private static readonly Fault[] Schedule =
        [.. Enumerable.Repeat(Fault.None, 14), Fault.Reset, Fault.Stall, Fault.TooMany, Fault.Overloaded, Fault.Malformed, Fault.None];

    private static int upstreamConnections;

    public static async Task RunAsync(string executable, TimeSpan duration)
    {
        var upstreamPort = StartupTimer.FreePort();
        await using var upstream = await StartUpstreamAsync(upstreamPort);
        var port = StartupTimer.FreePort();
        var environment = new Dictionary<string, string> { ["SHUTDOWN_GRACE_SECONDS"] = "10" };
        var current = await GatewayProcess.StartAsync(executable, port, upstreamPort, environment);
        GatewayProcess? old = null;
        var bodies = new[]
        {
            Workloads.SmallRequest(Workloads.PassThroughAlias, false),
            Workloads.SmallRequest(Workloads.PassThroughAlias, true),
            Workloads.SmallRequest(Workloads.TranslatedAlias, false),
            Workloads.SmallRequest(Workloads.TranslatedAlias, true),
        };
        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5) }) { Timeout = TimeSpan.FromSeconds(30) };
        var uri = new Uri($"http://127.0.0.1:{port}/v1/messages");
        long next = -1, done = 0, unexpected = 0, aborted = 0;
        var injected = new long[Enum.GetValues<Fault>().Length];
        var firstErrors = new List<string>();
        var samples = new List<(double At, long Rss, int Fds, int Pid)>();
        var clock = Stopwatch.StartNew();

        var restart = Task.Run(async () =>
        {
            await Task.Delay(duration / 2);
            var successor = await GatewayProcess.StartAsync(executable, port, upstreamPort, environment, takeOverPort: true);
            await WaitUntilPidAnswersAsync(port, successor.Process.Id);
            old = current;
            current = successor;
            using var term = Process.Start("/bin/sh", ["-c", $"kill -TERM {old.Process.Id}"])!;
            await term.WaitForExitAsync();
            Console.WriteLine($"restarted at {clock.Elapsed.TotalSeconds:0.0} s: pid {old.Process.Id} -> {successor.Process.Id}");
        });
        var sampler = Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                await Task.Delay(1000);
                var gateway = current;
                try
                {
                    lock (samples) samples.Add((clock.Elapsed.TotalSeconds, gateway.RssBytes, gateway.OpenFileDescriptors, gateway.Process.Id));
                }
                catch (IOException)
                {
                }
            }
        });

        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                var i = Interlocked.Increment(ref next);
                var body = bodies[i % bodies.Length];
                var stream = i % 2 == 1;
                var fault = Schedule[(i / 4) % Schedule.Length];
                var abort = stream && i % 20 == 1 && fault == Fault.None; // 10% of streams
                using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.TryAddWithoutValidation("User-Agent", $"chaos-{fault}-{i}"); // both routes forward User-Agent
                try
                {
                    if (abort)
                    {
                        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(30));
                        try
                        {
                            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
                            await response.Content.ReadAsByteArrayAsync(cancel.Token);
                        }
                        catch (OperationCanceledException)
                        {
                        }
                        Interlocked.Increment(ref aborted);
                    }
                    else
                    {
                        using var response = await client.SendAsync(request);
                        var text = await response.Content.ReadAsStringAsync();
                        if (Judge(fault, stream, (int)response.StatusCode, text) is { } problem)
                        {
                            Interlocked.Increment(ref unexpected);
                            lock (firstErrors) if (firstErrors.Count < 5) firstErrors.Add($"{fault} stream={stream}: {problem}");
                        }
                        else if (fault != Fault.None)
                        {
                            Interlocked.Increment(ref injected[(int)fault]);
                        }
                    }
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
                {
                    Interlocked.Increment(ref unexpected);
                    lock (firstErrors) if (firstErrors.Count < 5) firstErrors.Add($"{fault} stream={stream}: {e.GetType().Name}: {e.Message}");
                }
                Interlocked.Increment(ref done);
            }
        }));
        await restart;
        await sampler;
        if (old is not null) await old.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        client.Dispose();
        await Task.Delay(1500);
        var openAfterRun = Volatile.Read(ref upstreamConnections);

        Console.WriteLine($"chaos soak: {duration.TotalSeconds:0} s, {done} requests ({aborted} streams aborted by the client), 16 clients");
        Console.WriteLine($"  injected faults answered cleanly: reset {injected[(int)Fault.Reset]}, stall {injected[(int)Fault.Stall]}, 429 {injected[(int)Fault.TooMany]}, 529 {injected[(int)Fault.Overloaded]}, malformed event {injected[(int)Fault.Malformed]}");
        Console.WriteLine($"  unexpected client-visible errors: {unexpected}{(firstErrors.Count == 0 ? "" : "\n    " + string.Join("\n    ", firstErrors))}");
        Console.WriteLine($"  old gateway exited: {old?.Process.HasExited}, code {(old?.Process.HasExited == true ? old.Process.ExitCode : -1)}");
        Console.WriteLine($"  upstream connections open after the run: {openAfterRun} (the new gateway's pool; its idle timeout is 90 s)");
        var ordered = samples.OrderBy(s => s.At).ToList();
        var quarter = Math.Max(1, ordered.Count / 4);
        for (var q = 0; q < 4; q++)
        {
            var part = ordered.Skip(q * quarter).Take(quarter).ToList();
            if (part.Count == 0) continue;
            Console.WriteLine($"  quarter {q + 1}: RSS {part.Average(s => s.Rss) / 1024 / 1024:0.0} MiB, descriptors {part.Average(s => s.Fds):0}, pid {string.Join("/", part.Select(s => s.Pid).Distinct())}");
        }
        await current.DisposeAsync();
        if (old is not null) await old.DisposeAsync();
    }

    /// <summary>Null when the client saw what the fault should produce (or a clean reply); otherwise what was wrong.</summary>
    private static string? Judge(Fault fault, bool stream, int status, string text)
    {
        var cleanStream = text.Contains("event: message_stop") && !text.Contains("event: error");
        var cleanJson = status == 200 && text.StartsWith('{') && !text.Contains("\"type\":\"error\"");
        switch (fault)
        {
            case Fault.None or Fault.Stall:
                return (status == 200 && (stream ? cleanStream : cleanJson)) ? null : $"HTTP {status}: {Shorten(text)}";
            case Fault.TooMany or Fault.Overloaded:
                var wanted = fault == Fault.TooMany ? 429 : 529;
                return status == wanted && IsAnthropicError(text) ? null : $"wanted {wanted}, got HTTP {status}: {Shorten(text)}";
            case Fault.Reset:
                return status == 502 && IsAnthropicError(text) ? null : $"wanted 502, got HTTP {status}: {Shorten(text)}";
            default: // malformed event: an SSE error event, or (JSON) a 502 (the translated route calls a broken reply 529 overloaded, so that SDKs retry)
                if (stream) return status == 200 && text.Contains("event: error") || cleanStream ? null : $"HTTP {status}: {Shorten(text)}";
                return status is 502 or 529 && IsAnthropicError(text) ? null : $"HTTP {status}: {Shorten(text)}";
        }
    }

    private static bool IsAnthropicError(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.GetProperty("type").GetString() == "error" && document.RootElement.GetProperty("error").GetProperty("type").GetString() is not null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + "…";

    private static async Task WaitUntilPidAnswersAsync(int port, int pid)
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/healthz") { Headers = { ConnectionClose = true } };
                using var response = await probe.SendAsync(request);
                if ((await response.Content.ReadAsStringAsync()).Contains($"\"pid\":{pid}")) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(20);
        }
        throw new TimeoutException("the new gateway never answered");
    }

    private static async Task<WebApplication> StartUpstreamAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, listen => listen.Use(next => async connection =>
        {
            Interlocked.Increment(ref upstreamConnections);
            try { await next(connection); }
            finally { Interlocked.Decrement(ref upstreamConnections); }
        })));
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        return app;
    }

    private static async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var stream = buffer.ToArray().AsSpan().IndexOf("\"stream\":true"u8) >= 0;
        var openAi = context.Request.Path.Value!.EndsWith("/chat/completions", StringComparison.Ordinal);
        var id = context.Request.Headers.UserAgent.ToString();
        var fault = id.StartsWith("chaos-", StringComparison.Ordinal) ? Enum.Parse<Fault>(id.Split('-')[1]) : Fault.None;
        var response = context.Response;
        switch (fault)
        {
            case Fault.Reset:
                context.Abort();
                return;
            case Fault.TooMany or Fault.Overloaded:
                response.StatusCode = fault == Fault.TooMany ? 429 : 529;
                response.Headers.RetryAfter = "1";
                response.ContentType = "application/json";
                await response.WriteAsync(fault == Fault.TooMany
                    ? """{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}"""
                    : """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
                return;
        }
        if (!stream)
        {
            if (fault == Fault.Stall) await Task.Delay(1500);
            response.ContentType = "application/json";
            if (fault == Fault.Malformed)
            {
                await response.WriteAsync("{\"id\":\"msg_01\",\"type\":\"message\",\"content\":[{\"type\":\"te");
                return;
            }
            await response.Body.WriteAsync(openAi ? Workloads.OpenAiReply : Workloads.AnthropicMessageReply);
            return;
        }
        response.ContentType = "text/event-stream";
        var events = Encoding.UTF8.GetString(openAi ? Workloads.OpenAiStreamReply : Workloads.AnthropicStreamReply).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < events.Length; i++)
        {
            if (fault == Fault.Malformed && i == 3) await response.WriteAsync(openAi ? "data: {\"choices\":[{\"delta\":{\"content\":\n\n" : "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":\n\n");
            await response.WriteAsync(events[i] + "\n\n");
            await response.Body.FlushAsync();
            if (fault == Fault.Stall && i == 2) await Task.Delay(1500);
            else await Task.Delay(2);
        }
    }
}
