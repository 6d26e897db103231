using System.Text;

namespace ClaudeModelProxy.Status;

/// <summary>A few plain sentences about a status report, for people.</summary>
public static class StatusSummary
{
    public static string Describe(StatusReport report)
    {
        var text = new StringBuilder();
        if (report.Listening && report.External)
            text.Append($"Claude Model Proxy is running on {report.LocalUrl} in a separate process (version {report.ExternalVersion}, e.g. the login service); this extension is using it.");
        else if (report.Listening)
            text.Append($"Claude Model Proxy {report.Version} is listening on {report.LocalUrl}.");
        else
            text.Append($"Claude Model Proxy is NOT listening on {report.LocalUrl}. {report.Error}");
        var withKeys = report.Providers.Where(p => p.HasApiKey).Select(p => p.Name).ToList();
        text.Append(withKeys.Count == 0
            ? " No provider has an API key yet: add keys in the extension's settings."
            : $" Providers with API keys: {string.Join(", ", withKeys)}.");
        if (report.FamilySlots.Count > 0)
            text.Append($" Family slots: {string.Join(", ", report.FamilySlots.Select(s => $"{s.Key} → {s.Value}"))}; Claude model ids go to {report.ClaudeIds}.");
        if (report.Problems.Count > 0) text.Append($" Configuration problems: {string.Join("; ", report.Problems)}.");
        var requests = report.Counters.Values.Sum(c => c.Requests);
        var errors = report.Counters.Values.Sum(c => c.Errors);
        if (requests > 0) text.Append($" Requests so far: {requests} ({errors} failed).");
        return text.ToString();
    }
}
