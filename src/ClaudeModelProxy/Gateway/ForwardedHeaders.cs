using ClaudeModelProxy.Core.Configuration;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Gateway;

/// <summary>
/// Which headers cross the proxy. Requests use an allow-list, so the client's placeholder key,
/// cookies and hop-by-hop headers never reach an upstream; the provider's own key is added here.
/// </summary>
public static class ForwardedHeaders
{
    private static readonly HashSet<string> RequestAllowList = new(StringComparer.OrdinalIgnoreCase)
    {
        "anthropic-version", "anthropic-beta", "accept", "user-agent", "x-app",
        "x-claude-code-session-id", "x-claude-code-agent-id", "x-claude-code-parent-agent-id", "x-client-request-id",
    };

    private static readonly HashSet<string> ResponseAllowList = new(StringComparer.OrdinalIgnoreCase)
    {
        "request-id", "x-request-id", "retry-after", "retry-after-ms", "x-should-retry", "cache-control",
    };

    public static void CopyRequestHeaders(HttpRequest from, HttpRequestMessage to)
    {
        foreach (var (name, values) in from.Headers)
        {
            if (RequestAllowList.Contains(name) || name.StartsWith("x-stainless-", StringComparison.OrdinalIgnoreCase))
                to.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        if (!to.Headers.Contains("anthropic-version")) to.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
    }

    /// <summary>Marks requests this gateway sends, so that one arriving back here (a loop) is refused.</summary>
    public const string HopHeader = "x-claude-model-proxy-hop";

    /// <summary>The provider's own key in its own scheme, and the hop mark.</summary>
    public static void AddProviderKey(ProviderSettings provider, HttpRequestMessage to)
    {
        to.Headers.TryAddWithoutValidation(HopHeader, "1");
        if (provider.Definition.KeyScheme == KeyScheme.XApiKey) to.Headers.TryAddWithoutValidation("x-api-key", provider.ApiKey);
        else to.Headers.TryAddWithoutValidation("Authorization", "Bearer " + provider.ApiKey);
    }

    public static void CopyResponseHeaders(HttpResponseMessage from, HttpResponse to)
    {
        // NonValidated: relaying needs no parsing of every header the upstream sent.
        foreach (var (name, values) in from.Headers.NonValidated)
        {
            if (ResponseAllowList.Contains(name) || name.StartsWith("anthropic-ratelimit-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("x-ratelimit-", StringComparison.OrdinalIgnoreCase))
                to.Headers[name] = values.ToString();
        }
        if (from.Content.Headers.ContentType is { } contentType) to.ContentType = contentType.ToString();
    }
}
