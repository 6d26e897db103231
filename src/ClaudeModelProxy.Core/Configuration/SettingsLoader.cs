using System.Text.Json;
using ClaudeModelProxy.Core.Providers;

namespace ClaudeModelProxy.Core.Configuration;

/// <summary>
/// Builds <see cref="ProxySettings"/> from the environment. A value is looked up in the real
/// environment first, then in the --env-file, then in ADVANCED_ENV. Nothing here throws on bad
/// input: each problem is recorded and the default is kept.
/// </summary>
public static class SettingsLoader
{
    public static ProxySettings Load(
        IReadOnlyDictionary<string, string?> environment,
        IReadOnlyDictionary<string, string>? envFile = null,
        IEnumerable<ConfigurationProblem>? earlierProblems = null,
        ProviderCatalog? catalog = null,
        IReadOnlyList<Setting>? extraSettings = null)
    {
        catalog ??= ProviderCatalog.All;
        IReadOnlyList<Setting> rows = [.. SettingTable.All, .. extraSettings ?? []];
        var problems = new List<ConfigurationProblem>(earlierProblems ?? []);
        var fromEnvironment = (string name) => SettingValue.Normalize(environment.GetValueOrDefault(name));
        var fromFile = (string name) => SettingValue.Normalize(envFile?.GetValueOrDefault(name));
        var advanced = ParseAdvancedEnv(fromEnvironment(SettingTable.AdvancedEnv.Name) ?? fromFile(SettingTable.AdvancedEnv.Name), SettingTable.AcceptedInAdvancedEnv(catalog, extraSettings), problems);
        var ignoredInEnvironment = new HashSet<string>(StringComparer.Ordinal);
        string? Direct(string name) => (ignoredInEnvironment.Contains(name) ? null : fromEnvironment(name)) ?? fromFile(name);
        string? Lookup(string name) => Direct(name) ?? SettingValue.Normalize(advanced.GetValueOrDefault(name));
        string? Text(Setting setting) => Lookup(setting.Name);

        // Every plain row, generically; the environment variables ignored below are provider ones, which no row reads.
        var values = ReadValues(rows, Text, problems);
        var port = values.Get(SettingTable.Port);
        IgnoreClaudeCodeClientSettings(catalog, fromEnvironment, port, ignoredInEnvironment, problems);
        ReportShadowedAdvancedSettings(advanced, Direct, problems);
        var providers = catalog
            .Select(p => new ProviderSettings(
                p,
                ParseProviderUrl(p, Lookup(p.BaseUrlVariable), port, problems),
                p.KeyVariables.Select(Lookup).FirstOrDefault(v => v is not null)))
            .ToList();

        var explicitModelMapKeys = new HashSet<string>(StringComparer.Ordinal);
        var modelMap = Merge(SettingTable.ModelMap, catalog.ModelMap, Text(SettingTable.ModelMap), problems, overridden: explicitModelMapKeys);
        var modelAliases = Merge(SettingTable.ModelAliases, catalog.ModelAliases, Text(SettingTable.ModelAliases), problems);
        var modelRoutes = Merge(SettingTable.ModelRoutes, catalog.ModelRoutes, Text(SettingTable.ModelRoutes), problems, (model, provider) => ValidateRoute(catalog, model, provider));
        foreach (var (alias, upstream) in modelMap)
        {
            if (!modelRoutes.ContainsKey(upstream))
                problems.Add(new(SettingTable.ModelMap.Name, $"\"{alias}\" maps to \"{upstream}\", which has no provider; add \"{upstream}\" to MODEL_ROUTES (providers: {catalog.KnownIds})"));
        }

        var familySlots = FamilySlotParser.Parse(Text(SettingTable.ClaudeModelMap), catalog.FamilySlotDefaults, modelMap, modelRoutes, problems);
        var modelTiers = FamilySlotParser.ParseTiers(Text(SettingTable.ModelTiers), modelMap, modelRoutes, problems);
        var requestClassMap = FamilySlotParser.ParseRequestClasses(Text(SettingTable.RequestClassMap), modelMap, modelRoutes, problems);

        var token = values.Get(SettingTable.ProxyAuthToken);
        var bindAddress = values.Get(SettingTable.BindAddress);
        var refusal = !System.Net.IPAddress.IsLoopback(bindAddress) && token is null
            ? $"BIND_ADDRESS={bindAddress} would let other machines use your provider keys; set PROXY_AUTH_TOKEN too, or remove BIND_ADDRESS to listen on 127.0.0.1 only."
            : null;
        return new ProxySettings
        {
            Values = values,
            Providers = providers,
            ModelMap = modelMap,
            ModelAliases = modelAliases,
            ModelRoutes = modelRoutes,
            ExplicitModelMapKeys = explicitModelMapKeys,
            FamilySlots = familySlots,
            ModelTiers = modelTiers,
            RequestClassMap = requestClassMap,
            ModelFallbacks = ParseFallbacks(Text(SettingTable.ModelFallbacks), modelMap, modelRoutes, problems),
            StartupRefusal = refusal,
            Problems = problems,
        };
    }

    /// <summary>
    /// Reads each plain row into one <see cref="SettingValues"/>; a row whose default follows another is read after
    /// the rows that follow none, so the value it follows is already there.
    /// </summary>
    private static SettingValues ReadValues(IReadOnlyList<Setting> rows, Func<Setting, string?> text, List<ConfigurationProblem> problems)
    {
        var values = SettingValues.Defaults;
        foreach (var row in rows.Where(r => r.Follows is null).Concat(rows.Where(r => r.Follows is not null)))
            values = row.ReadInto(values, text(row), problems);
        return values;
    }

    /// <summary>
    /// ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY are also Claude Code's own client settings: a shell that
    /// sourced .env.claude-code points them at this gateway with a placeholder key. Taking them would send
    /// Anthropic requests back into the gateway forever, so a provider whose base URL in the environment is
    /// this gateway has its environment variables ignored (the env file and ADVANCED_ENV still count).
    /// </summary>
    private static void IgnoreClaudeCodeClientSettings(ProviderCatalog catalog, Func<string, string?> fromEnvironment, int port, HashSet<string> ignored, List<ConfigurationProblem> problems)
    {
        foreach (var provider in catalog)
        {
            if (fromEnvironment(provider.BaseUrlVariable) is not { } url || !PointsAtThisGateway(url, port)) continue;
            ignored.Add(provider.BaseUrlVariable);
            foreach (var key in provider.KeyVariables) ignored.Add(key);
            problems.Add(new(provider.BaseUrlVariable, $"points at this gateway ({url}); it is a Claude Code client setting, so {provider.BaseUrlVariable} and {provider.KeyVariable} from the environment are ignored for the {provider.DisplayName} provider"));
        }
    }

    /// <summary>Says so when an ADVANCED_ENV entry loses to a different value set directly (e.g. an install-form field).</summary>
    private static void ReportShadowedAdvancedSettings(Dictionary<string, string> advanced, Func<string, string?> direct, List<ConfigurationProblem> problems)
    {
        foreach (var (name, value) in advanced)
        {
            if (direct(name) is { } used && SettingValue.Normalize(value) is { } wanted && used != wanted)
                problems.Add(new(SettingTable.AdvancedEnv.Name, $"{name} is also set directly (in the extension that is its own field), and that value wins; change it there instead"));
        }
    }

    public static bool PointsAtThisGateway(string url, int port) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && uri.Port == port
        && (uri.IsLoopback || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase));

    private static string ParseProviderUrl(ProviderDefinition provider, string? text, int port, List<ConfigurationProblem> problems)
    {
        var url = SettingParsers.Url.Read(provider.BaseUrlVariable, text, provider.DefaultBaseUrl, problems);
        if (!PointsAtThisGateway(url, port)) return url;
        problems.Add(new(provider.BaseUrlVariable, $"points at this gateway itself, which would loop; using {provider.DefaultBaseUrl}"));
        return provider.DefaultBaseUrl;
    }

    /// <summary>Loads from the process environment and an optional env file.</summary>
    public static ProxySettings FromProcess(IReadOnlyDictionary<string, string>? envFile = null, IEnumerable<ConfigurationProblem>? earlierProblems = null)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
            environment[(string)entry.Key] = entry.Value as string;
        return Load(environment, envFile, earlierProblems);
    }

    private static Dictionary<string, string> ParseAdvancedEnv(string? json, IReadOnlySet<string> accepted, List<ConfigurationProblem> problems)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json is null) return values;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new(SettingTable.AdvancedEnv.Name, "must be a JSON object such as {\"GLM_API_KEY\":\"...\"}; it was ignored"));
                return values;
            }
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!accepted.Contains(property.Name))
                {
                    problems.Add(new(SettingTable.AdvancedEnv.Name, $"\"{property.Name}\" is not a setting this proxy knows; it was ignored"));
                    continue;
                }
                var text = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Null => null,
                    _ => property.Value.GetRawText(), // numbers, booleans, and objects for MODEL_MAP & co.
                };
                if (text is not null) values[property.Name] = text;
            }
        }
        catch (JsonException e)
        {
            problems.Add(new(SettingTable.AdvancedEnv.Name, $"is not valid JSON and was ignored ({e.Message})"));
        }
        return values;
    }

    /// <summary>
    /// MODEL_FALLBACKS: model → model tried when the first is unavailable. Either side may be anything that routes by
    /// name: an alias, a family slot (<c>claude-sonnet</c>), a Claude model id, a Desktop id or an upstream model.
    /// </summary>
    private static Dictionary<string, string> ParseFallbacks(string? text, IReadOnlyDictionary<string, string> modelMap, IReadOnlyDictionary<string, string> modelRoutes, List<ConfigurationProblem> problems)
    {
        var fallbacks = new Dictionary<string, string>(StringComparer.Ordinal);
        if (text is null) return fallbacks;
        var (pairs, error) = MappingParser.Parse(text);
        if (error is not null)
        {
            problems.Add(new(SettingTable.ModelFallbacks.Name, $"{error}; no fallbacks are used"));
            return fallbacks;
        }
        foreach (var (model, fallback) in pairs)
        {
            if (!FamilySlotParser.Routes(model, modelMap, modelRoutes))
                problems.Add(new(SettingTable.ModelFallbacks.Name, $"\"{model}\" is not a model this gateway routes (an alias, a family slot, a Claude model id or an upstream model); the entry was ignored"));
            else if (!FamilySlotParser.Routes(fallback, modelMap, modelRoutes) || string.Equals(model, fallback, StringComparison.OrdinalIgnoreCase))
                problems.Add(new(SettingTable.ModelFallbacks.Name, $"\"{model}\" falls back to \"{fallback}\", which is not another model this gateway routes; the entry was ignored"));
            else fallbacks[model] = fallback;
        }
        return fallbacks;
    }

    private static string? ValidateRoute(ProviderCatalog catalog, string upstreamModel, string provider) =>
        catalog.Find(provider) is null
            ? $"\"{upstreamModel}\" routes to unknown provider \"{provider}\" (known: {catalog.KnownIds}); the entry was ignored"
            : null;

    private static Dictionary<string, string> Merge(
        Setting setting,
        IReadOnlyDictionary<string, string> defaults,
        string? overrides,
        List<ConfigurationProblem> problems,
        Func<string, string, string?>? validate = null,
        HashSet<string>? overridden = null)
    {
        var merged = new Dictionary<string, string>(defaults, StringComparer.Ordinal);
        if (overrides is null) return merged;
        var (pairs, error) = MappingParser.Parse(overrides);
        if (error is not null)
        {
            problems.Add(new(setting.Name, $"{error}; the defaults are used"));
            return merged;
        }
        foreach (var (key, value) in pairs)
        {
            var invalid = validate?.Invoke(key, value);
            if (invalid is not null) problems.Add(new(setting.Name, invalid));
            else
            {
                merged[key] = validate is null ? value : value.ToLowerInvariant();
                overridden?.Add(key);
            }
        }
        return merged;
    }
}
