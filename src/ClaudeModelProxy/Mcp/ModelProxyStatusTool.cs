using System.ComponentModel;
using System.Text.Json;
using ClaudeModelProxy.Hosting;
using ClaudeModelProxy.Status;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ClaudeModelProxy.Mcp;

/// <summary>The extension's one tool: a read-only look at the gateway.</summary>
[McpServerToolType]
public sealed class ModelProxyStatusTool(GatewaySupervisor supervisor)
{
    public const string Name = "model_proxy_status";

    public const string Description =
        "Shows whether the Claude Model Proxy gateway is listening (in this extension or in a separate background service), " +
        "which providers have API keys, the model routing tables, configuration problems, and per-model request, error, token and latency counters.";

    [McpServerTool(Name = Name, Title = "Model proxy status", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(StatusReport))]
    [Description(Description)]
    public async Task<CallToolResult> GetStatusAsync(CancellationToken cancellation)
    {
        var report = await supervisor.GetStatusAsync(cancellation);
        var json = JsonSerializer.SerializeToElement(report, StatusJsonContext.Default.StatusReport);
        return new CallToolResult
        {
            Content =
            [
                new TextContentBlock { Text = StatusSummary.Describe(report) + "\n" + StatusSummary.PageAndLastFailure(report) },
                new TextContentBlock { Text = JsonSerializer.Serialize(report, StatusJsonContext.Indented.StatusReport) },
            ],
            StructuredContent = json,
        };
    }
}
