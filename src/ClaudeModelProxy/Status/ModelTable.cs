using System.Text;
using ClaudeModelProxy.Core.Configuration;

namespace ClaudeModelProxy.Status;

/// <summary>One alias of the routing table.</summary>
/// <param name="Wire">anthropic, openai-responses or openai-chat (empty without a route).</param>
public sealed record ModelRow(string Alias, string Provider, string UpstreamModel, bool HasApiKey, string KeyVariable, string Wire = "");

/// <summary>The routing table as rows and as aligned text.</summary>
public static class ModelTable
{
    public static List<ModelRow> Rows(ProxySettings settings) =>
        settings.ModelMap
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair =>
            {
                var provider = settings.ModelRoutes.TryGetValue(pair.Value, out var id) ? settings.FindProvider(id) : null;
                return new ModelRow(pair.Key, provider?.Id ?? "(no route)", pair.Value, provider?.HasApiKey ?? false, provider?.Definition.KeyVariable ?? "",
                    provider is null ? "" : UpstreamWire.Describe(settings, provider, pair.Value));
            })
            .ToList();

    public static string Format(IReadOnlyList<ModelRow> rows)
    {
        string[] headers = ["ALIAS", "PROVIDER", "UPSTREAM MODEL", "WIRE", "API KEY"];
        var cells = rows.Select(r => new[] { r.Alias, r.Provider, r.UpstreamModel, r.Wire.Length > 0 ? r.Wire : "-", r.HasApiKey ? "set" : $"missing ({r.KeyVariable})" }).ToList();
        var widths = headers.Select((h, i) => cells.Select(c => c[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        void Line(string[] values) => text.AppendLine(string.Join("  ", values.Select((v, i) => i == values.Length - 1 ? v : v.PadRight(widths[i]))).TrimEnd());
        Line(headers);
        foreach (var row in cells) Line(row);
        return text.ToString();
    }
}
