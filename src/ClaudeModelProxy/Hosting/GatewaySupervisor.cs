using System.Net;
using System.Net.Sockets;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Gateway;
using ClaudeModelProxy.Status;
using Microsoft.Extensions.Logging;

namespace ClaudeModelProxy.Hosting;

/// <summary>
/// Owns the gateway inside the MCP process. It binds the port at once; when the port is taken it
/// finds out by whom (another copy of this proxy, or some other program) and keeps retrying in the
/// background, so this process takes over as soon as the port is free.
/// </summary>
public sealed class GatewaySupervisor(ProxySettings settings, ILogger logger) : IAsyncDisposable
{
    private readonly ProxyCounters counters = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly DateTimeOffset startedAt = DateTimeOffset.UtcNow;
    private GatewayServer? gateway;
    private Task? retryLoop;
    private string? bindError;

    /// <summary>The settings in effect: the start-up ones until an env-file reload (<see cref="Apply"/>); the listener never changes.</summary>
    private ProxySettings? reloaded;

    private ProxySettings Current => Volatile.Read(ref reloaded) ?? settings;

    /// <summary>The watched env file's last reload, when there is one.</summary>
    public SettingsReloadStatus? Reload { get; set; }

    /// <summary>New settings for the status report and for new gateway requests.</summary>
    public void Apply(ProxySettings next)
    {
        Volatile.Write(ref reloaded, next);
        gateway?.Apply(next);
    }

    public bool IsListening => gateway is not null;

    /// <summary>Binds the port now (the first thing the MCP host does) and starts the retry loop if it is taken.</summary>
    public async Task StartAsync()
    {
        if (settings.StartupRefusal is not null)
        {
            logger.LogError("Gateway not started: {Reason}", settings.StartupRefusal);
            return;
        }
        if (await TryBindAsync()) return;
        logger.LogWarning("Port {Port} is in use; status will say by whom, and the gateway starts here as soon as it is free.", settings.Port);
        retryLoop = RetryAsync(stopping.Token);
    }

    /// <summary>The status of the gateway this extension stands for, wherever it runs.</summary>
    public async Task<StatusReport> GetStatusAsync(CancellationToken cancellation)
    {
        var own = StatusReport.ForThisProcess(Current, counters, startedAt, listening: IsListening, error: settings.StartupRefusal) with { SettingsReload = Reload };
        if (IsListening || settings.StartupRefusal is not null) return own;

        var owner = await PortOwnerProbe.ProbeAsync(settings.Port, cancellation);
        if (owner.Proxy is { } other)
        {
            // The other copy serves the requests: its providers, routes and problems are the ones that matter.
            return own with
            {
                Listening = true,
                External = true,
                ExternalVersion = other.Version,
                ExternalPid = other.Pid,
                RewriteResponses = other.RewriteResponses,
                Providers = other.Providers,
                ModelMap = other.ModelMap,
                ModelAliases = other.ModelAliases,
                ModelRoutes = other.ModelRoutes,
                Problems = other.Problems,
                Counters = other.Counters,
                StatusPageUrl = other.StatusPageUrl ?? own.StatusPageUrl,
                LastFailure = other.LastFailure,
                SettingsReload = other.SettingsReload,
            };
        }
        var error = owner.Answered
            ? $"Port {settings.Port} is used by another program, not Claude Model Proxy. Stop that program, or choose a free port with PORT (the extension's \"Local port\" setting) and use the matching gateway URL."
            : $"Cannot listen on {settings.BindAddress}:{settings.Port} ({bindError ?? "the port is busy"}). If another program uses the port, stop it or choose a free one with PORT; this extension keeps retrying.";
        return own with { Error = error };
    }

    private async Task<bool> TryBindAsync()
    {
        if (!PortLooksFree()) return false;
        var candidate = GatewayServer.Create(Current, counters,
            () => StatusReport.ForThisProcess(Current, counters, startedAt, listening: true, error: null) with { SettingsReload = Reload });
        try
        {
            await candidate.StartAsync(stopping.Token);
            gateway = candidate;
            bindError = null;
            logger.LogInformation("Gateway listening on {Url}", settings.LocalUrl);
            return true;
        }
        catch (Exception e)
        {
            bindError = e.Message;
            await candidate.DisposeAsync();
            if (e is OperationCanceledException) throw;
            logger.LogWarning("Cannot listen on port {Port} yet: {Reason}", settings.Port, e.Message);
            return false;
        }
    }

    /// <summary>A cheap check before building a whole web host.</summary>
    private bool PortLooksFree()
    {
        try
        {
            using var probe = new Socket(settings.BindAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(settings.BindAddress, settings.Port));
            return true;
        }
        catch (SocketException e)
        {
            bindError = e.Message;
            return false;
        }
    }

    private async Task RetryAsync(CancellationToken cancellation)
    {
        try
        {
            while (!IsListening)
            {
                await Task.Delay(settings.PortRetryInterval, cancellation);
                if (await TryBindAsync()) logger.LogInformation("Took over port {Port}", settings.Port);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        if (retryLoop is not null) await retryLoop;
        if (gateway is not null)
        {
            // Bounded by SHUTDOWN_GRACE_SECONDS; with nothing in flight this returns at once.
            await gateway.StopAsync(CancellationToken.None);
            await gateway.DisposeAsync();
            gateway = null;
        }
        stopping.Dispose();
    }
}
