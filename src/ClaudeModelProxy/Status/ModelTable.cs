using System.Text;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Routing;

namespace ClaudeModelProxy.Status;

/// <summary>One id of the routing table: a family slot or an alias, with the Desktop-safe id of its model.</summary>
public sealed record ModelRow(string Alias, string Provider, string UpstreamModel, bool HasApiKey, string KeyVariable, string? DesktopId = null, string? Tier = null, string? Note = null);

/// <summary>The routing table as rows and as aligned text: the family slots first, then every alias.</summary>
public static class ModelTable
{
    public static List<ModelRow> Rows(ProxySettings settings)
    {
        var router = new ModelRouter(settings);
        var slots = ClaudeModelIds.Families.Select(family => Row(router, ClaudeModelIds.SlotId(family), router.ResolveSlot(family).Route, family));
        var aliases = settings.ModelMap.Keys.Order(StringComparer.Ordinal).Select(alias => Row(router, alias, router.Resolve(alias).Route, null, settings.ModelMap[alias]));
        return slots.Concat(aliases).ToList();
    }

    private static ModelRow Row(ModelRouter router, string id, ModelRoute? route, string? slotTier, string? configuredUpstream = null)
    {
        if (route is null) return new ModelRow(id, "(no route)", configuredUpstream ?? "", false, "");
        var desktopId = router.DesktopIds.GetValueOrDefault(route.UpstreamModel);
        return new ModelRow(id, route.Provider.Id, route.UpstreamModel, route.Provider.HasApiKey, route.Provider.Definition.KeyVariable,
            desktopId, slotTier ?? (desktopId is null ? ClaudeModelIds.CanonicalFamily(id) : router.TierOf(route.UpstreamModel)), route.Note);
    }

    public static string Format(IReadOnlyList<ModelRow> rows)
    {
        string[] headers = ["ALIAS", "PROVIDER", "UPSTREAM MODEL", "API KEY", "CLAUDE DESKTOP ID"];
        var cells = rows.Select(r => new[]
        {
            r.Alias, r.Provider, r.UpstreamModel, r.HasApiKey ? "set" : $"missing ({r.KeyVariable})",
            (r.DesktopId ?? (ClaudeModelIds.IsTierNamed(r.Alias) || ClaudeModelIds.SlotFamily(r.Alias) is not null ? "(this id)" : "-")) + (r.Note is null ? "" : $"  [{r.Note}]"),
        }).ToList();
        var widths = headers.Select((h, i) => cells.Select(c => c[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        void Line(string[] values) => text.AppendLine(string.Join("  ", values.Select((v, i) => i == values.Length - 1 ? v : v.PadRight(widths[i]))).TrimEnd());
        Line(headers);
        foreach (var row in cells) Line(row);
        return text.ToString();
    }
}
