using System.CommandLine;
using System.Text.Json;
using ClaudeModelProxy.Core.Providers;
using ClaudeModelProxy.Hosting;
using ClaudeModelProxy.Mcp;
using ClaudeModelProxy.Status;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;

namespace ClaudeModelProxy.Cli;

/// <summary><c>mcp</c>: what Claude Desktop runs from the bundle.</summary>
public static class McpCommand
{
    internal static readonly string Instructions =
        "This server belongs to Claude Model Proxy, the local gateway (http://127.0.0.1:8787 by default) that lets Claude Desktop " +
        $"and Claude Code use {ProviderCatalog.All.ShortNames} models. Call model_proxy_status when the user " +
        "asks whether the proxy is running, which providers have keys, how models are routed, or why requests fail. It is read-only.";

    public static Command Create()
    {
        var command = new Command("mcp", "Run the MCP stdio server (tool model_proxy_status) and host the gateway in the same process; this is what the Claude Desktop extension starts.");
        command.SetAction((parse, cancellation) => CommandLineApp.RunAsync(async () =>
        {
            var envFile = parse.GetValue(CommandLineApp.EnvFileOption);
            var settings = SettingsSource.Load(envFile);
            SettingsSource.ReportProblems(settings, Console.Error);
            using var loggers = LoggerFactory.Create(logging => logging.AddStderrConsole());

            // Listen before anything slow: Claude Desktop probes the gateway right after launching the extension.
            await using var supervisor = new GatewaySupervisor(settings, loggers.CreateLogger("gateway"));
            await supervisor.StartAsync();
            await using var watcher = envFile is null
                ? null
                : new SettingsWatcher(envFile, settings, supervisor.Apply, status => supervisor.Reload = status, loggers.CreateLogger("settings"));

            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.AddStderrConsole();
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
            builder.Services.AddSingleton(supervisor);
            builder.Services
                .AddMcpServer(options =>
                {
                    options.ServerInfo = new() { Name = ProxyVersion.ServiceName, Title = "Claude Model Proxy", Version = ProxyVersion.Current };
                    options.ServerInstructions = Instructions;
                })
                .WithStdioServerTransport()
                .WithTools<ModelProxyStatusTool>(ToolJsonOptions());
            using var host = builder.Build();
            await host.RunAsync(cancellation);
            return 0;
        }));
        return command;
    }

    private static JsonSerializerOptions ToolJsonOptions()
    {
        var options = new JsonSerializerOptions(McpJsonUtilities.DefaultOptions);
        options.TypeInfoResolverChain.Insert(0, StatusJsonContext.Default);
        return options;
    }
}
