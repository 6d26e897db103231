using System.Net;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Hosting;
using ClaudeModelProxy.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClaudeModelProxy.Gateway;

/// <summary>The Kestrel listener on 127.0.0.1:PORT and the request pipeline behind it.</summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly GatewayEndpoints endpoints;

    private GatewayServer(WebApplication app, GatewayEndpoints endpoints)
    {
        this.app = app;
        this.endpoints = endpoints;
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
    public static GatewayServer Create(ProxySettings settings, ProxyCounters? counters = null, Func<StatusReport>? status = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.AddStderrConsole();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(settings.BindAddress, settings.Port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // enforced by RequestBody, with an Anthropic 413
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(5);
        });
        var app = builder.Build();
        var gateway = new GatewayContext(settings, counters ?? new ProxyCounters(), app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("gateway"));
        GatewayServer? server = null;
        status ??= () => StatusReport.ForThisProcess(server!.Settings, gateway.Counters, gateway.StartedAt, listening: true, error: null) with { SettingsReload = server.Reload };
        var endpoints = new GatewayEndpoints(gateway, status);
        app.Run(endpoints.HandleAsync);
        server = new GatewayServer(app, endpoints);
        return server;
    }

    /// <exception cref="IOException">The port is taken.</exception>
    public Task StartAsync(CancellationToken cancellation) => app.StartAsync(cancellation);

    public Task StopAsync(CancellationToken cancellation) => app.StopAsync(cancellation);

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        endpoints.Current.Dispose();
    }
}
