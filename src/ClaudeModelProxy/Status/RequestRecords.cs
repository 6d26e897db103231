using ClaudeModelProxy.Core.Routing;
using ClaudeModelProxy.Gateway;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Status;

/// <summary>Turns a finished request into the record the counters and the status page keep.</summary>
public static class RequestRecords
{
    public const string SessionHeader = "x-claude-code-session-id";

    public static RequestRecord From(HttpContext http, ModelRoute route, ForwardOutcome outcome, TimeSpan elapsed, bool stream, SecretRedactor secrets)
    {
        var error = outcome.Error is null ? null : OneLine(secrets.Redact(outcome.Error));
        var session = http.Request.Headers[SessionHeader].ToString();
        return new RequestRecord
        {
            At = DateTimeOffset.UtcNow,
            Alias = route.Alias,
            Provider = route.Provider.Id,
            UpstreamModel = route.UpstreamModel,
            Status = outcome.Status,
            DurationMs = Math.Round(elapsed.TotalMilliseconds, 1),
            Stream = stream,
            InputTokens = outcome.Usage.TotalInputTokens,
            OutputTokens = outcome.Usage.OutputTokens,
            CachedInputTokens = outcome.Usage.CacheReadInputTokens,
            ErrorType = ProxyCounters.ErrorTypeOf(outcome.Status, error),
            Error = error,
            FellBackTo = outcome.FellBackTo,
            Session = session.Length == 0 ? null : session,
        };
    }

    /// <summary>The first line, at most 300 characters: a reason to read, not a body to store.</summary>
    private static string OneLine(string error)
    {
        var newline = error.IndexOfAny(['\r', '\n']);
        var line = newline >= 0 ? error[..newline] : error;
        return line.Length <= 300 ? line : line[..300] + "…";
    }
}
