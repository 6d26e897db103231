using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Providers;
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
        "anthropic-version", "anthropic-beta", "accept", "user-agent", "x-app", "x-client-request-id",
    };

    /// <summary>
    /// Headers only Anthropic itself reads: Claude Code's attribution and hint headers (<c>x-claude-code-*</c>) and any new
    /// <c>anthropic-*</c> header (an open list: new ones arrive with new releases). Other upstreams get version and beta only.
    /// <c>anthropic-workspace-id</c> belongs to Claude Platform on AWS, never to api.anthropic.com.
    /// </summary>
    private static bool IsForAnthropicOnly(string name) =>
        (name.StartsWith("x-claude-code-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("anthropic-", StringComparison.OrdinalIgnoreCase))
        && !name.Equals("anthropic-workspace-id", StringComparison.OrdinalIgnoreCase);

    private static readonly HashSet<string> ResponseAllowList = new(StringComparer.OrdinalIgnoreCase)
    {
        "request-id", "x-request-id", "retry-after", "retry-after-ms", "x-should-retry", "cache-control",
    };

    public static void CopyRequestHeaders(HttpRequest from, HttpRequestMessage to, ProviderSettings provider)
    {
        var isAnthropic = provider.Definition.IsAnthropic;
        foreach (var (name, values) in from.Headers)
        {
            if (RequestAllowList.Contains(name) || name.StartsWith("x-stainless-", StringComparison.OrdinalIgnoreCase) || (isAnthropic && IsForAnthropicOnly(name)))
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
