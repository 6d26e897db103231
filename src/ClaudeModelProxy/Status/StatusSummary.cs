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
        // By the catalog, not the report: a report read from a background instance carries no capabilities.
        foreach (var responses in report.Providers.Where(p => p.HasApiKey && Core.Providers.ProviderCatalog.All.Find(p.Id) is { ServesResponsesApi: true }))
            text.Append(responses.Format == Core.Configuration.UpstreamWire.OpenAiResponses
                ? $" {responses.Name} is reached through the Responses API."
                : $" {responses.Name} is reached through Chat Completions (OPENAI_WIRE_API=chat).");
        if (report.FamilySlots.Count > 0)
            text.Append($" Family slots: {string.Join(", ", report.FamilySlots.Select(s => $"{s.Key} → {s.Value}"))}; Claude model ids go to {report.ClaudeIds}.");
        if (report.Problems.Count > 0) text.Append($" Configuration problems: {string.Join("; ", report.Problems)}.");
        if (report.SettingsReload?.Error is { } reloadError) text.Append($" Settings not reloaded: {reloadError}.");
        if (report.SettingsReload?.RestartNeeded is { } restart) text.Append($" Restart needed: {restart}.");
        var requests = report.Counters.Values.Sum(c => c.Requests);
        var errors = report.Counters.Values.Sum(c => c.Errors);
        if (requests > 0) text.Append($" Requests so far: {requests} ({errors} failed).");
        return text.ToString();
    }

    /// <summary>One line a person can act on: where the status page is and what failed last, with the likely fix.</summary>
    public static string PageAndLastFailure(StatusReport report)
    {
        var page = report.StatusPageUrl ?? report.LocalUrl + "/status";
        var text = new StringBuilder($"Status page: {page}");
        if (report.LastFailure is not { } failure) return text.Append(" (no failed requests so far).").ToString();
        return text.Append(". Last failure ").Append(FailureLine(failure, report)).ToString();
    }

    /// <summary>"12:03:04 UTC: alias -> provider/model HTTP 401 authentication_error: reason. Fix."</summary>
    public static string FailureLine(RequestRecord failure, StatusReport report)
    {
        var target = failure.Provider is null ? failure.Alias : $"{failure.Alias} -> {failure.Provider}/{failure.UpstreamModel}";
        var text = new StringBuilder(FormattableString.Invariant($"{failure.At.UtcDateTime:HH:mm:ss} UTC: {target} HTTP {failure.Status} {failure.ErrorType}"));
        if (failure.Error is { Length: > 0 } reason) text.Append(": ").Append(reason.TrimEnd('.'));
        return text.Append(". ").Append(Advice(failure, report)).ToString();
    }

    private static string Advice(RequestRecord failure, StatusReport report)
    {
        var key = report.Providers.FirstOrDefault(p => p.Id == failure.Provider)?.KeyVariable;
        return failure.Status switch
        {
            401 or 403 => key is null ? "Check the provider's API key." : $"Check {key} (the provider refused the key).",
            404 => "Check the model name and MODEL_MAP (GET /v1/models lists the configured models).",
            408 or 504 => "The provider did not answer in time; try again, raise the timeout or set MODEL_FALLBACKS.",
            429 => "The provider is rate-limiting; wait a moment or pick another model.",
            499 => "The client closed the request before it finished; nothing to fix here.",
            508 => "A *_BASE_URL points back at the gateway itself; point it at the provider.",
            >= 500 => "The provider is failing; try again or set MODEL_FALLBACKS to another model.",
            _ => "See the status page for the request list.",
        };
    }
}
