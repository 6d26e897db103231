using System.Text.RegularExpressions;
using ClaudeModelProxy.Core.Configuration;

namespace ClaudeModelProxy.Core.Routing;

/// <summary>
/// Maps a request's model to a provider and an upstream model. Exact aliases win; then the
/// forms clients really send are tolerated: a context suffix (<c>claude-sonnet-4-6[1m]</c>),
/// a date suffix (<c>claude-haiku-4-5-20251001</c>), other letter case, and an upstream model
/// name used directly.
/// </summary>
public sealed partial class ModelRouter(ProxySettings settings)
{
    private readonly Dictionary<string, string> aliasesIgnoringCase = BuildCaseInsensitiveIndex(settings.ModelMap.Keys);

    public ProxySettings Settings => settings;

    public RouteResult Resolve(string requestedModel)
    {
        foreach (var candidate in Candidates(requestedModel))
        {
            if (settings.ModelMap.TryGetValue(candidate, out var upstream))
                return RouteTo(requestedModel, candidate, upstream, responseModel: requestedModel);
            if (aliasesIgnoringCase.TryGetValue(candidate, out var alias))
                return RouteTo(requestedModel, alias, settings.ModelMap[alias], responseModel: requestedModel);
        }

        // An upstream model named directly (e.g. "deepseek-v4-pro"): reply with its configured alias.
        if (settings.ModelRoutes.ContainsKey(requestedModel))
            return RouteTo(requestedModel, requestedModel, requestedModel,
                responseModel: settings.ModelAliases.GetValueOrDefault(requestedModel, requestedModel));

        return RouteResult.NotFound(
            $"Unknown model \"{requestedModel}\". Configured models: {string.Join(", ", settings.ModelMap.Keys.Order(StringComparer.Ordinal))}. " +
            "Add it with MODEL_MAP and MODEL_ROUTES.");
    }

    private RouteResult RouteTo(string requested, string alias, string upstream, string responseModel)
    {
        if (!settings.ModelRoutes.TryGetValue(upstream, out var providerId) || settings.FindProvider(providerId) is not { } provider)
            return RouteResult.NotFound($"Model \"{alias}\" maps to \"{upstream}\", which has no provider. Add \"{upstream}\" to MODEL_ROUTES (providers: {ProviderCatalog.KnownIds}).");
        return RouteResult.Found(new ModelRoute(requested, alias, provider, upstream, settings.RewriteResponses ? responseModel : upstream));
    }

    private static IEnumerable<string> Candidates(string model)
    {
        var trimmed = model.Trim();
        yield return trimmed;
        var withoutContext = ContextSuffix().Replace(trimmed, "");
        if (withoutContext != trimmed) yield return withoutContext;
        var withoutDate = DateSuffix().Replace(withoutContext, "");
        if (withoutDate != withoutContext) yield return withoutDate;
    }

    private static Dictionary<string, string> BuildCaseInsensitiveIndex(IEnumerable<string> aliases)
    {
        var index = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var alias in aliases) index.TryAdd(alias, alias);
        return index;
    }

    [GeneratedRegex(@"\[\d+m\]$", RegexOptions.IgnoreCase)]
    private static partial Regex ContextSuffix();

    [GeneratedRegex(@"-\d{8}$")]
    private static partial Regex DateSuffix();
}
