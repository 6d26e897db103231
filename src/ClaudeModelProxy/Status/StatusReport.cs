using System.Text.Json.Serialization;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Routing;
using ClaudeModelProxy.Hosting;

namespace ClaudeModelProxy.Status;

/// <summary>One provider as shown in status output: never the key, never URL credentials.</summary>
public sealed record ProviderStatus(string Id, string Name, string Format, string BaseUrl, bool HasApiKey, string KeyVariable);

/// <summary>What /healthz, the status command and the MCP tool report.</summary>
public sealed record StatusReport
{
    public string Service { get; init; } = ProxyVersion.ServiceName;

    public required string Version { get; init; }

    public required bool Listening { get; init; }

    public required bool External { get; init; }

    /// <summary>The version of the other copy that owns the port, when <see cref="External"/>.</summary>
    public string? ExternalVersion { get; init; }

    /// <summary>The process id of that other copy, when it reports one.</summary>
    public int? ExternalPid { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Error { get; init; }

    public required string LocalUrl { get; init; }

    public required string BaseUrl { get; init; }

    public required double UptimeSeconds { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int? Pid { get; init; }

    public required bool RewriteResponses { get; init; }

    public required List<ProviderStatus> Providers { get; init; }

    public required Dictionary<string, string> ModelMap { get; init; }

    public required Dictionary<string, string> ModelAliases { get; init; }

    public required Dictionary<string, string> ModelRoutes { get; init; }

    public required List<string> Problems { get; init; }

    public required Dictionary<string, AliasCountersSnapshot> Counters { get; init; }

    /// <summary>Family slot id → "provider/model" it routes to now.</summary>
    public Dictionary<string, string> FamilySlots { get; init; } = new();

    /// <summary>Where canonical Claude ids (claude-opus-4-8, …) go: "anthropic", or "family slots" when Anthropic has no key.</summary>
    public string? ClaudeIds { get; init; }

    /// <summary>Upstream model → its Desktop-safe id.</summary>
    public Dictionary<string, string> DesktopIds { get; init; } = new();

    /// <summary>REQUEST_CLASS_MAP: request class → model.</summary>
    public Dictionary<string, string> RequestClassMap { get; init; } = new();

    /// <summary>Requests seen per Claude Code request class.</summary>
    public Dictionary<string, long> RequestClasses { get; init; } = new();

    /// <summary>The report of this process's own gateway.</summary>
    public static StatusReport ForThisProcess(ProxySettings settings, ProxyCounters counters, DateTimeOffset startedAt, bool listening, string? error)
    {
        var router = new ModelRouter(settings);
        return new()
        {
            Version = ProxyVersion.Current,
            Listening = listening,
            External = false,
            Error = error,
            LocalUrl = settings.LocalUrl,
            BaseUrl = UrlRedactor.Redact(settings.BaseUrl),
            UptimeSeconds = Math.Round((DateTimeOffset.UtcNow - startedAt).TotalSeconds, 1),
            Pid = Environment.ProcessId,
            RewriteResponses = settings.RewriteResponses,
            Providers = settings.Providers.Select(p => new ProviderStatus(
                p.Id,
                p.Definition.DisplayName,
                p.Definition.Format == WireFormat.AnthropicMessages ? "anthropic" : "openai-chat",
                UrlRedactor.Redact(p.BaseUrl),
                p.HasApiKey,
                p.Definition.KeyVariable)).ToList(),
            ModelMap = new(settings.ModelMap),
            ModelAliases = new(settings.ModelAliases),
            ModelRoutes = new(settings.ModelRoutes),
            Problems = settings.Problems.Select(p => p.ToString()).ToList(),
            Counters = counters.Snapshot(),
            FamilySlots = FamilySlotTable(router),
            ClaudeIds = router.ClaudeIdsGoToAnthropic ? "anthropic" : "family slots (no Anthropic key)",
            DesktopIds = new(router.DesktopIds),
            RequestClassMap = new(settings.RequestClassMap),
            RequestClasses = counters.RequestClasses.Snapshot(),
        };
    }

    private static Dictionary<string, string> FamilySlotTable(ModelRouter router) =>
        ClaudeModelIds.Families.ToDictionary(
            ClaudeModelIds.SlotId,
            family => router.ResolveSlot(family).Route is { } route ? $"{route.Provider.Id}/{route.UpstreamModel}" : "(no route)");
}
