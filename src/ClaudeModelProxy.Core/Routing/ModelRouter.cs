using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Providers;

namespace ClaudeModelProxy.Core.Routing;

/// <summary>
/// Maps a request's model to a provider and an upstream model, in this order:
/// <list type="number">
/// <item>a configured alias (MODEL_MAP), tolerating a context tag (<c>[1m]</c>), a date suffix and letter case;</item>
/// <item>a family slot (<c>claude-sonnet</c>, CLAUDE_MODEL_MAP);</item>
/// <item>a Desktop-safe id (<c>claude-opus-0-deepseek-v4-pro</c>);</item>
/// <item>an upstream model named directly;</item>
/// <item>any canonical Claude id (<c>claude-opus-4-8</c>, also ones released after this build): Anthropic when it has a key,
/// else the id's family slot, so Claude Code's own fallbacks and built-in ids never dead-end.</item>
/// </list>
/// A default Anthropic alias (not set in MODEL_MAP by the user) counts as a canonical id: without a key it goes to its slot.
/// </summary>
public sealed partial class ModelRouter
{
    private readonly ProxySettings settings;
    private readonly Dictionary<string, string> aliasesIgnoringCase;
    private readonly Dictionary<string, string> upstreamBySlug;

    /// <summary>
    /// Routes already worked out, by requested model and (mapped) request class: the router's settings never change (a
    /// reload builds a new router), and a client sends the same few models again and again. Only routes found, for
    /// model names of a sane length, and at most <see cref="MaxResolvedRoutes"/> of them: the model is the client's.
    /// </summary>
    private readonly ConcurrentDictionary<(string Model, string? RequestClass), RouteResult> resolved = new();

    private int resolvedCount;

    private const int MaxResolvedRoutes = 1024;

    private const int MaxResolvedModelLength = 256;

    public ModelRouter(ProxySettings settings)
    {
        this.settings = settings;
        aliasesIgnoringCase = BuildCaseInsensitiveIndex(settings.ModelMap.Keys);
        var slugs = ClaudeModelIds.DesktopSlugs(settings.ModelMap.Values.Where(upstream => NeedsDesktopId(upstream) && settings.ModelRoutes.ContainsKey(upstream)));
        upstreamBySlug = slugs.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);
        DesktopIds = slugs.ToDictionary(pair => pair.Key, pair => ClaudeModelIds.DesktopId(TierOf(pair.Key), pair.Value), StringComparer.Ordinal);
    }

    public ProxySettings Settings => settings;

    /// <summary>Upstream model → its Desktop-safe id (in its own tier), for every configured model whose own name Claude Desktop would refuse.</summary>
    public IReadOnlyDictionary<string, string> DesktopIds { get; }

    /// <summary>The Desktop-safe id of a model filed under another tier (a family slot's model), or null when the model needs none.</summary>
    public string? DesktopIdIn(string tier, string upstreamModel) =>
        DesktopIds.ContainsKey(upstreamModel) ? ClaudeModelIds.DesktopId(tier, ClaudeModelIds.DesktopSlug(DesktopIds[upstreamModel])!) : null;

    /// <summary>The tier of an upstream model's Desktop-safe id: MODEL_TIERS, else a guess from its name.</summary>
    public string TierOf(string upstreamModel) =>
        settings.ModelTiers.GetValueOrDefault(upstreamModel) ?? ClaudeModelIds.CanonicalFamily(upstreamModel) ?? ClaudeModelIds.GuessTier(upstreamModel);

    /// <summary>Whether canonical Claude ids go to Anthropic (it has a key) or to the family slots.</summary>
    public bool ClaudeIdsGoToAnthropic => Anthropic?.HasApiKey == true;

    private ProviderSettings? Anthropic => settings.Providers.FirstOrDefault(p => p.Definition.IsAnthropic);

    /// <summary>The route of a request, honouring REQUEST_CLASS_MAP for Claude Code's <c>x-claude-code-request-class</c>.</summary>
    public RouteResult Resolve(string requestedModel, string? requestClass)
    {
        // A class REQUEST_CLASS_MAP does not name routes as no class at all.
        if (requestClass is not null && !settings.RequestClassMap.ContainsKey(requestClass)) requestClass = null;
        if (resolved.TryGetValue((requestedModel, requestClass), out var known)) return known;
        var result = ResolveAnew(requestedModel, requestClass);
        if (result.Route is not null && requestedModel.Length <= MaxResolvedModelLength && Volatile.Read(ref resolvedCount) < MaxResolvedRoutes
            && resolved.TryAdd((requestedModel, requestClass), result))
            Interlocked.Increment(ref resolvedCount);
        return result;
    }

    private RouteResult ResolveAnew(string requestedModel, string? requestClass)
    {
        if (string.IsNullOrEmpty(requestClass) || !settings.RequestClassMap.TryGetValue(requestClass, out var classModel)) return Resolve(requestedModel);
        var result = Resolve(classModel);
        if (result.Route is not { } route) return result;
        // The client asked for its model: the reply keeps that name; the log and counters say where it went.
        return RouteResult.Found(route with
        {
            RequestedModel = requestedModel,
            ResponseModel = settings.RewriteResponses ? requestedModel : route.UpstreamModel,
            Note = $"request class {requestClass} → {classModel}",
        });
    }

    public RouteResult Resolve(string requestedModel)
    {
        foreach (var candidate in Candidates(requestedModel))
        {
            var alias = settings.ModelMap.ContainsKey(candidate) ? candidate : aliasesIgnoringCase.GetValueOrDefault(candidate);
            if (alias is null) continue;
            if (IsDefaultClaudeAliasWithoutKey(alias))
                return SlotRoute(requestedModel, ClaudeModelIds.CanonicalFamily(alias)!, "no Anthropic key");
            return RouteTo(requestedModel, alias, settings.ModelMap[alias], responseModel: requestedModel);
        }

        if (ClaudeModelIds.SlotFamily(requestedModel) is { } slot) return SlotRoute(requestedModel, slot, note: null);

        if (ClaudeModelIds.DesktopSlug(ClaudeModelIds.WithoutContextTag(requestedModel.Trim())) is { } slug && upstreamBySlug.TryGetValue(slug, out var desktopUpstream))
            return RouteTo(requestedModel, DesktopIds[desktopUpstream], desktopUpstream, responseModel: requestedModel);

        // An upstream model named directly (e.g. "deepseek-v4-pro"): reply with its configured alias.
        if (settings.ModelRoutes.ContainsKey(requestedModel))
            return RouteTo(requestedModel, requestedModel, requestedModel,
                responseModel: settings.ModelAliases.GetValueOrDefault(requestedModel, requestedModel));

        if (ClaudeModelIds.CanonicalFamily(requestedModel) is { } family)
        {
            if (!ClaudeIdsGoToAnthropic) return SlotRoute(requestedModel, family, "no Anthropic key");
            var upstream = ClaudeModelIds.WithoutContextTag(requestedModel.Trim());
            return RouteResult.Found(new ModelRoute(requestedModel, upstream, Anthropic!, upstream,
                settings.RewriteResponses ? requestedModel : upstream, "Claude id"));
        }

        return RouteResult.NotFound(
            $"Unknown model \"{requestedModel}\". Use a family slot (claude-sonnet, claude-opus, claude-haiku, claude-fable), a Claude model id, " +
            $"or a configured model: {string.Join(", ", settings.ModelMap.Keys.Order(StringComparer.Ordinal))}. " +
            "Add others with MODEL_MAP and MODEL_ROUTES; GET /v1/models lists what this gateway serves.");
    }

    /// <summary>
    /// The MODEL_FALLBACKS target for a route, looked up by what the client asked for (without <c>[1m]</c>), then by the
    /// alias or slot it resolved to, then by its model's own alias — so <c>claude-deepseek-v4-pro=…</c> also covers
    /// <c>claude-sonnet</c> when that slot uses deepseek-v4-pro, and Desktop ids and Claude ids standing in for a slot.
    /// </summary>
    public string? FallbackFor(ModelRoute route)
    {
        var fallbacks = settings.ModelFallbacks;
        if (fallbacks.Count == 0) return null;
        foreach (var key in new[] { ClaudeModelIds.WithoutContextTag(route.RequestedModel.Trim()), route.Alias, settings.ModelAliases.GetValueOrDefault(route.UpstreamModel), route.UpstreamModel })
            if (key is not null && fallbacks.TryGetValue(key, out var target)) return target;
        return null;
    }

    /// <summary>
    /// The route tried after <paramref name="route"/> when that one stays unavailable, or null: its MODEL_FALLBACKS
    /// target, if that has a key. The reply keeps the name the client asked for; the log, counters and a header tell the truth.
    /// </summary>
    public ModelRoute? FallbackRouteFor(ModelRoute route) =>
        FallbackFor(route) is { } alias && Resolve(alias).Route is { Provider.HasApiKey: true } fallback
            ? fallback with { ResponseModel = route.ResponseModel }
            : null;

    /// <summary>Where a family slot goes: its CLAUDE_MODEL_MAP target, an alias or an upstream model.</summary>
    public RouteResult ResolveSlot(string family) => SlotRoute(ClaudeModelIds.SlotId(family), family, note: null);

    private RouteResult SlotRoute(string requested, string family, string? note)
    {
        if (!settings.FamilySlots.TryGetValue(family, out var target))
            return RouteResult.NotFound($"{ClaudeModelIds.SlotId(family)} uses no model; set it in CLAUDE_MODEL_MAP.");
        var upstream = settings.ModelMap.GetValueOrDefault(target) ?? target;
        var result = RouteTo(requested, ClaudeModelIds.SlotId(family), upstream, responseModel: requested);
        return result.Route is { } route && note is not null
            ? RouteResult.Found(route with { Note = $"{ClaudeModelIds.SlotId(family)} slot: {note}" })
            : result;
    }

    private bool IsDefaultClaudeAliasWithoutKey(string alias) =>
        !settings.ExplicitModelMapKeys.Contains(alias)
        && ClaudeModelIds.CanonicalFamily(alias) is not null
        && settings.ModelRoutes.GetValueOrDefault(settings.ModelMap[alias]) is { } provider && provider == Anthropic?.Id
        && !ClaudeIdsGoToAnthropic;

    private static bool NeedsDesktopId(string upstream) =>
        ClaudeModelIds.CanonicalFamily(upstream) is null && !ClaudeModelIds.IsTierNamed(upstream);

    private RouteResult RouteTo(string requested, string alias, string upstream, string responseModel)
    {
        if (!settings.ModelRoutes.TryGetValue(upstream, out var providerId) || settings.FindProvider(providerId) is not { } provider)
            return RouteResult.NotFound($"Model \"{alias}\" maps to \"{upstream}\", which has no provider. Add \"{upstream}\" to MODEL_ROUTES (providers: {string.Join(", ", settings.Providers.Select(p => p.Id))}).");
        return RouteResult.Found(new ModelRoute(requested, alias, provider, upstream, settings.RewriteResponses ? responseModel : upstream));
    }

    private static IEnumerable<string> Candidates(string model)
    {
        var trimmed = model.Trim();
        yield return trimmed;
        var withoutContext = ClaudeModelIds.WithoutContextTag(trimmed);
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

    [GeneratedRegex(@"-\d{8}$")]
    private static partial Regex DateSuffix();
}
