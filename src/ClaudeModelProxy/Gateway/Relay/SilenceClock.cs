using System.Diagnostics;
using ClaudeModelProxy.Core.Configuration;

namespace ClaudeModelProxy.Gateway.Relay;

/// <summary>
/// Tracks how long an upstream stream has been silent. One timer per silence interval, not one
/// per read: reads that complete in time cost nothing extra.
/// </summary>
public sealed class SilenceClock(ProxySettings settings) : IDisposable
{
    private CancellationTokenSource? timers;
    private long lastData = Stopwatch.GetTimestamp();
    private long lastSignal = Stopwatch.GetTimestamp();
    private Task? tick;

    public void MarkData() => lastData = lastSignal = Stopwatch.GetTimestamp();

    /// <summary>Completes when it is time to look again (a ping may be due).</summary>
    public Task NextTick()
    {
        if (tick is { IsCompleted: false }) return tick;
        var wait = settings.StreamPingInterval < settings.StreamIdleTimeout ? settings.StreamPingInterval : settings.StreamIdleTimeout;
        var due = wait - Stopwatch.GetElapsedTime(lastSignal);
        timers ??= new CancellationTokenSource();
        return tick = Task.Delay(due > TimeSpan.FromMilliseconds(1) ? due : TimeSpan.FromMilliseconds(1), timers.Token);
    }

    public bool IdleLimitReached => Stopwatch.GetElapsedTime(lastData) >= settings.StreamIdleTimeout;

    /// <summary>True (and restarts the ping interval) when the stream has been silent for a whole ping interval.</summary>
    public bool TakePingDue()
    {
        if (Stopwatch.GetElapsedTime(lastSignal) < settings.StreamPingInterval) return false;
        lastSignal = Stopwatch.GetTimestamp();
        return true;
    }

    /// <summary>Releases a pending timer at once instead of letting it run out.</summary>
    public void Dispose()
    {
        timers?.Cancel();
        timers?.Dispose();
    }
}
