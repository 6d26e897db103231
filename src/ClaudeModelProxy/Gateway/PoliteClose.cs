using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Gateway;

/// <summary>
/// The first second of a stop. Kestrel's own stop closes idle keep-alive connections at once, and a
/// client that has just written its next request on one of them sees the connection drop (the
/// keep-alive race). So the gateway first closes its listening socket itself (new connections are
/// refused at once, or go to the gateway taking over the port) and answers every request on the
/// connections it already has with <c>Connection: close</c>, so that clients retire them cleanly;
/// only then does Kestrel's stop begin.
/// </summary>
public sealed class PoliteClose
{
    /// <summary>Longest the polite phase waits for requests on existing connections (none in flight: no wait).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly ConcurrentBag<Socket> listeners = [];
    private int inFlight;
    private volatile bool closing;

    /// <summary>Made once: registered on every response, it must not cost a closure or a service lookup each time.</summary>
    private readonly Func<object, Task> markIfClosing;

    public PoliteClose() => markIfClosing = state =>
    {
        if (closing) ((HttpContext)state).Response.Headers.Connection = "close";
        return Task.CompletedTask;
    };

    /// <summary>The listening sockets this gateway opened.</summary>
    public IEnumerable<Socket> Listeners => listeners;

    public Socket Track(Socket listener)
    {
        listeners.Add(listener);
        return listener;
    }

    /// <summary>Runs a request, marking its response Connection: close once the stop has begun.</summary>
    public async Task RunAsync(HttpContext http, RequestDelegate next)
    {
        Interlocked.Increment(ref inFlight);
        try
        {
            if (closing) http.Response.Headers.Connection = "close";
            else http.Response.OnStarting(markIfClosing, http);
            await next(http);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    public async Task BeginAsync()
    {
        closing = true;
        foreach (var listener in listeners)
        {
            try
            {
                listener.Close();
            }
            catch (ObjectDisposedException)
            {
            }
        }
        var deadline = DateTime.UtcNow + Window;
        while (Volatile.Read(ref inFlight) > 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
    }
}
