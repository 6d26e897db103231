using System.Net;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Hosting;
using ClaudeModelProxy.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClaudeModelProxy.Gateway;

/// <summary>The Kestrel listener on 127.0.0.1:PORT and the request pipeline behind it.</summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly GatewayEndpoints endpoints;

    private readonly PoliteClose politeClose;

    private readonly bool takeOverPort;

    private GatewayServer(WebApplication app, GatewayEndpoints endpoints, PoliteClose politeClose, bool takeOverPort)
    {
        this.app = app;
        this.endpoints = endpoints;
        this.politeClose = politeClose;
        this.takeOverPort = takeOverPort;
    }

    public ProxyCounters Counters => endpoints.Current.Counters;

    public DateTimeOffset StartedAt => endpoints.Current.StartedAt;

    /// <summary>The settings new requests use (they change with <see cref="Apply"/>).</summary>
    public ProxySettings Settings => endpoints.Current.Settings;

    /// <summary>The outcome of the last settings reload, shown in /healthz and on the status page.</summary>
    public SettingsReloadStatus? Reload { get; set; }

    /// <summary>New settings for new requests; the listener (PORT, BIND_ADDRESS) stays as it is.</summary>
    public void Apply(ProxySettings settings) => endpoints.Apply(settings);

    /// <param name="settings">The configuration.</param>
    /// <param name="counters">Shared counters (the MCP host reads them too).</param>
    /// <param name="status">What /healthz reports; by default this gateway's own status.</param>
    /// <param name="takeOverPort">Join the port while the gateway being restarted still listens (Linux, see <see cref="ListenSocket"/>).</param>
    public static GatewayServer Create(ProxySettings settings, ProxyCounters? counters = null, Func<StatusReport>? status = null, bool takeOverPort = false)
    {
        // The gateway listens where PORT and BIND_ADDRESS say. ASPNETCORE_URLS and ASPNETCORE_HTTP(S)_PORTS (the dotnet container
        // images set one) would be ignored anyway, with a warning on every start: empty here, they neither bind nor warn.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--urls=", "--http_ports=", "--https_ports="], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.AddStderrConsole();
        // A failed start reaches the caller as an exception, which `serve` and the extension word in one line; the host
        // would first log the same failure with its whole stack (every retry, in the extension). No hosted service of
        // the gateway's own can fault, so nothing else is lost.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        var limits = settings.Limits;
        ConnectionLimiter? connections = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            connections = new ConnectionLimiter(limits.MaxConnections, kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("gateway"));
            kestrel.Listen(settings.BindAddress, settings.Port, listen => listen.Use(connections.Wrap));
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // enforced by RequestBody, with an Anthropic 413
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(5);
            // Kestrel's own refusals have empty bodies: it stops only what is far over the limits (twice them);
            // RequestGuard answers everything in between with an Anthropic error object.
            kestrel.Limits.MaxRequestHeaderCount = 2 * limits.MaxRequestHeaderCount;
            kestrel.Limits.MaxRequestHeadersTotalSize = 2 * limits.MaxRequestHeadersBytes;
            kestrel.Limits.MaxRequestLineSize = 2 * limits.MaxRequestLineBytes;
            kestrel.Limits.RequestHeadersTimeout = limits.ClientHeadersTimeout;
            kestrel.Limits.MinRequestBodyDataRate = new(limits.MinClientBodyBytesPerSecond, limits.MinClientBodyGrace);
        });
        var politeClose = new PoliteClose();
        builder.Services.AddSingleton(politeClose);
        builder.Services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>, LargeBlockMemoryPool.Factory>();
        builder.WebHost.UseSockets(sockets => sockets.CreateBoundListenSocket = endpoint => politeClose.Track(ListenSocket.Create(endpoint, takeOverPort)));
        // StopAsync bounds the stop itself with the grace of the settings in force then (a reload may have changed it).
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = Timeout.InfiniteTimeSpan);
        var app = builder.Build();
        var gateway = new GatewayContext(settings, counters ?? new ProxyCounters(), app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("gateway"));
        GatewayServer? server = null;
        status ??= () => StatusReport.ForThisProcess(server!.Settings, gateway.Counters, gateway.StartedAt, listening: true, error: null) with { SettingsReload = server.Reload };
        var endpoints = new GatewayEndpoints(gateway, status);
        app.Run(http => politeClose.RunAsync(http, endpoints.HandleAsync));
        server = new GatewayServer(app, endpoints, politeClose, takeOverPort);
        return server;
    }

    /// <exception cref="IOException">The port is taken.</exception>
    public async Task StartAsync(CancellationToken cancellation)
    {
        await app.StartAsync(cancellation);
        StartupMemory.ReleaseOnce();
        if (!takeOverPort) return;
        // Only now that this gateway serves: a start that fails before this point leaves the old gateway all connections.
        foreach (var listener in politeClose.Listeners)
        {
            if (ListenSocket.SteerNewConnectionsHere(listener) is { } notSteered)
                endpoints.Current.Logger.LogWarning("New connections are not steered to this gateway during the handover ({Reason}); a few may be reset when the old gateway closes", notSteered);
        }
    }

    /// <summary>
    /// Stops accepting connections at once, lets requests and streams in flight finish for up to
    /// SHUTDOWN_GRACE_SECONDS, then ends the streams still running with an SSE error event and
    /// closes what is left a moment later.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellation)
    {
        var gateway = endpoints.Current;
        gateway.BeginStop();
        gateway.Logger.LogInformation("Stopping: no new connections; requests in flight get up to {Seconds:0} s (SHUTDOWN_GRACE_SECONDS)", gateway.Settings.Limits.ShutdownGrace.TotalSeconds);
        await politeClose.BeginAsync();
        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        // After the grace period, streams get their error event; this is for whatever still hangs.
        hardStop.CancelAfter(gateway.Settings.Limits.ShutdownGrace + TimeSpan.FromSeconds(3));
        try
        {
            await app.StopAsync(hardStop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        endpoints.Current.Dispose();
    }
}
