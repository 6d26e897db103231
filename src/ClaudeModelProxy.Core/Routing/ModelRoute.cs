using ClaudeModelProxy.Core.Configuration;

namespace ClaudeModelProxy.Core.Routing;

/// <summary>Where one request goes and what model name its reply carries.</summary>
/// <param name="RequestedModel">The model exactly as the client sent it.</param>
/// <param name="Alias">The configured alias it matched (after tolerating date and context suffixes).</param>
/// <param name="Provider">The upstream provider.</param>
/// <param name="UpstreamModel">The model name sent upstream.</param>
/// <param name="ResponseModel">The model name written into the reply.</param>
/// <param name="Note">How the route was chosen when it was not a plain alias (a family slot standing in for a Claude id, a request class), for the log and status.</param>
public sealed record ModelRoute(string RequestedModel, string Alias, ProviderSettings Provider, string UpstreamModel, string ResponseModel, string? Note = null);

/// <summary>The result of routing: a route, or the reason there is none.</summary>
public sealed record RouteResult(ModelRoute? Route, string? Error)
{
    public static RouteResult Found(ModelRoute route) => new(route, null);

    public static RouteResult NotFound(string error) => new(null, error);
}
