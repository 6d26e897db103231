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
        ProviderCatalog? catalog = null)
    {
        catalog ??= ProviderCatalog.All;
        var problems = new List<ConfigurationProblem>(earlierProblems ?? []);
        var fromEnvironment = (string name) => SettingValue.Normalize(environment.GetValueOrDefault(name));
        var fromFile = (string name) => SettingValue.Normalize(envFile?.GetValueOrDefault(name));
        var advanced = ParseAdvancedEnv(fromEnvironment(SettingNames.AdvancedEnv) ?? fromFile(SettingNames.AdvancedEnv), problems);
        var ignoredInEnvironment = new HashSet<string>(StringComparer.Ordinal);
        string? Direct(string name) => (ignoredInEnvironment.Contains(name) ? null : fromEnvironment(name)) ?? fromFile(name);
        string? Lookup(string name) => Direct(name) ?? SettingValue.Normalize(advanced.GetValueOrDefault(name));

        var port = ParsePort(Lookup(SettingNames.Port), problems);
        IgnoreClaudeCodeClientSettings(catalog, fromEnvironment, port, ignoredInEnvironment, problems);
        ReportShadowedAdvancedSettings(advanced, Direct, problems);
        var baseUrl = ParseUrl(SettingNames.BaseUrl, Lookup(SettingNames.BaseUrl), $"http://127.0.0.1:{port}", problems);
        var providers = catalog
            .Select(p => new ProviderSettings(
                p,
                ParseProviderUrl(p, Lookup(p.BaseUrlVariable), port, problems),
                p.KeyVariables.Select(Lookup).FirstOrDefault(v => v is not null)))
            .ToList();

        var explicitModelMapKeys = new HashSet<string>(StringComparer.Ordinal);
        var modelMap = Merge(SettingNames.ModelMap, catalog.ModelMap, Lookup(SettingNames.ModelMap), problems, overridden: explicitModelMapKeys);
        var modelAliases = Merge(SettingNames.ModelAliases, catalog.ModelAliases, Lookup(SettingNames.ModelAliases), problems);
        var modelRoutes = Merge(SettingNames.ModelRoutes, catalog.ModelRoutes, Lookup(SettingNames.ModelRoutes), problems, (model, provider) => ValidateRoute(catalog, model, provider));
        foreach (var (alias, upstream) in modelMap)
        {
            if (!modelRoutes.ContainsKey(upstream))
                problems.Add(new(SettingNames.ModelMap, $"\"{alias}\" maps to \"{upstream}\", which has no provider; add \"{upstream}\" to MODEL_ROUTES (providers: {catalog.KnownIds})"));
        }

        var familySlots = FamilySlotParser.Parse(Lookup(SettingNames.ClaudeModelMap), modelMap, modelRoutes, problems);
        var modelTiers = FamilySlotParser.ParseTiers(Lookup(SettingNames.ModelTiers), modelMap, modelRoutes, problems);
        var requestClassMap = FamilySlotParser.ParseRequestClasses(Lookup(SettingNames.RequestClassMap), modelMap, modelRoutes, problems);

        var token = Lookup(SettingNames.ProxyAuthToken);
        var bindAddress = ParseBindAddress(Lookup(SettingNames.BindAddress), problems);
        var refusal = !System.Net.IPAddress.IsLoopback(bindAddress) && token is null
            ? $"BIND_ADDRESS={bindAddress} would let other machines use your provider keys; set PROXY_AUTH_TOKEN too, or remove BIND_ADDRESS to listen on 127.0.0.1 only."
            : null;
        return new ProxySettings
        {
            BaseUrl = baseUrl,
            Port = port,
            RewriteResponses = ParseBoolean(SettingNames.RewriteResponses, Lookup(SettingNames.RewriteResponses), true, problems),
            Providers = providers,
            ModelMap = modelMap,
            ModelAliases = modelAliases,
            ModelRoutes = modelRoutes,
            ExplicitModelMapKeys = explicitModelMapKeys,
            FamilySlots = familySlots,
            ModelTiers = modelTiers,
            RequestClassMap = requestClassMap,
            UpstreamHeadersTimeout = ParseSeconds(SettingNames.UpstreamHeadersTimeoutSeconds, Lookup(SettingNames.UpstreamHeadersTimeoutSeconds), TimeSpan.FromMinutes(10), problems),
            StreamPingInterval = ParseSeconds(SettingNames.StreamPingSeconds, Lookup(SettingNames.StreamPingSeconds), TimeSpan.FromSeconds(15), problems),
            StreamIdleTimeout = ParseSeconds(SettingNames.StreamIdleTimeoutSeconds, Lookup(SettingNames.StreamIdleTimeoutSeconds), TimeSpan.FromMinutes(10), problems),
            UpstreamRetries = ParseCount(SettingNames.UpstreamRetries, Lookup(SettingNames.UpstreamRetries), 2, 10, problems),
            ModelFallbacks = ParseFallbacks(Lookup(SettingNames.ModelFallbacks), modelMap, modelRoutes, problems),
            ProxyAuthToken = token,
            BindAddress = bindAddress,
            StartupRefusal = refusal,
            PortRetryInterval = ParseSeconds(SettingNames.PortRetrySeconds, Lookup(SettingNames.PortRetrySeconds), TimeSpan.FromSeconds(2), problems),
            OpenAiWireApi = ParseOpenAiWireApi(Lookup(SettingNames.OpenAiWireApi), problems),
            Limits = new GatewayLimits
            {
                MaxConnections = ParseCount(SettingNames.MaxConnections, Lookup(SettingNames.MaxConnections), GatewayLimits.DefaultMaxConnections, 100_000, problems, min: 1),
                MaxUpstreamRequestsPerProvider = ParseCount(SettingNames.MaxUpstreamRequestsPerProvider, Lookup(SettingNames.MaxUpstreamRequestsPerProvider), GatewayLimits.DefaultMaxUpstreamRequestsPerProvider, 10_000, problems, min: 1),
                ShutdownGrace = ParseSeconds(SettingNames.ShutdownGraceSeconds, Lookup(SettingNames.ShutdownGraceSeconds), GatewayLimits.DefaultShutdownGrace, problems),
            },
            Problems = problems,
        };
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
                problems.Add(new(SettingNames.AdvancedEnv, $"{name} is also set directly (in the extension that is its own field), and that value wins; change it there instead"));
        }
    }

    public static bool PointsAtThisGateway(string url, int port) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && uri.Port == port
        && (uri.IsLoopback || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase));

    private static string ParseProviderUrl(ProviderDefinition provider, string? text, int port, List<ConfigurationProblem> problems)
    {
        var url = ParseUrl(provider.BaseUrlVariable, text, provider.DefaultBaseUrl, problems);
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

    private static Dictionary<string, string> ParseAdvancedEnv(string? json, List<ConfigurationProblem> problems)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json is null) return values;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new(SettingNames.AdvancedEnv, "must be a JSON object such as {\"GLM_API_KEY\":\"...\"}; it was ignored"));
                return values;
            }
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!SettingNames.All.Contains(property.Name))
                {
                    problems.Add(new(SettingNames.AdvancedEnv, $"\"{property.Name}\" is not a setting this proxy knows; it was ignored"));
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
            problems.Add(new(SettingNames.AdvancedEnv, $"is not valid JSON and was ignored ({e.Message})"));
        }
        return values;
    }

    private static int ParsePort(string? text, List<ConfigurationProblem> problems)
    {
        if (text is null) return ProxySettings.DefaultPort;
        if (int.TryParse(text, out var port) && port is >= 1 and <= 65535) return port;
        problems.Add(new(SettingNames.Port, $"\"{text}\" is not a port number (1-65535); using {ProxySettings.DefaultPort}"));
        return ProxySettings.DefaultPort;
    }

    private static TimeSpan ParseSeconds(string name, string? text, TimeSpan fallback, List<ConfigurationProblem> problems)
    {
        if (text is null) return fallback;
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= 86_400)
            return TimeSpan.FromSeconds(seconds);
        problems.Add(new(name, $"\"{text}\" is not a number of seconds (0-86400); using {fallback.TotalSeconds}"));
        return fallback;
    }

    private static int ParseCount(string name, string? text, int fallback, int max, List<ConfigurationProblem> problems, int min = 0)
    {
        if (text is null) return fallback;
        if (int.TryParse(text, out var count) && count >= min && count <= max) return count;
        problems.Add(new(name, $"\"{text}\" is not a whole number from {min} to {max}; using {fallback}"));
        return fallback;
    }

    private static System.Net.IPAddress ParseBindAddress(string? text, List<ConfigurationProblem> problems)
    {
        if (text is null) return System.Net.IPAddress.Loopback;
        if (text.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return System.Net.IPAddress.Loopback;
        if (System.Net.IPAddress.TryParse(text, out var address)) return address;
        problems.Add(new(SettingNames.BindAddress, $"\"{text}\" is not an IP address; listening on 127.0.0.1"));
        return System.Net.IPAddress.Loopback;
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
            problems.Add(new(SettingNames.ModelFallbacks, $"{error}; no fallbacks are used"));
            return fallbacks;
        }
        foreach (var (model, fallback) in pairs)
        {
            if (!FamilySlotParser.Routes(model, modelMap, modelRoutes))
                problems.Add(new(SettingNames.ModelFallbacks, $"\"{model}\" is not a model this gateway routes (an alias, a family slot, a Claude model id or an upstream model); the entry was ignored"));
            else if (!FamilySlotParser.Routes(fallback, modelMap, modelRoutes) || string.Equals(model, fallback, StringComparison.OrdinalIgnoreCase))
                problems.Add(new(SettingNames.ModelFallbacks, $"\"{model}\" falls back to \"{fallback}\", which is not another model this gateway routes; the entry was ignored"));
            else fallbacks[model] = fallback;
        }
        return fallbacks;
    }

    private static OpenAiWireApi ParseOpenAiWireApi(string? text, List<ConfigurationProblem> problems)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "": return OpenAiWireApi.Responses;
            case "responses": return OpenAiWireApi.Responses;
            case "chat" or "chat_completions" or "chat-completions": return OpenAiWireApi.Chat;
            default:
                problems.Add(new(SettingNames.OpenAiWireApi, $"\"{text}\" is not responses or chat; using responses"));
                return OpenAiWireApi.Responses;
        }
    }

    private static bool ParseBoolean(string name, string? text, bool fallback, List<ConfigurationProblem> problems)
    {
        switch (text?.ToLowerInvariant())
        {
            case null: return fallback;
            case "true" or "1" or "yes" or "on": return true;
            case "false" or "0" or "no" or "off": return false;
            default:
                problems.Add(new(name, $"\"{text}\" is not true or false; using {fallback.ToString().ToLowerInvariant()}"));
                return fallback;
        }
    }

    private static string ParseUrl(string name, string? text, string fallback, List<ConfigurationProblem> problems)
    {
        if (text is null) return fallback;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            return text.TrimEnd('/');
        problems.Add(new(name, $"\"{UrlRedactor.Redact(text)}\" is not an http(s) URL; using {fallback}"));
        return fallback;
    }

    private static string? ValidateRoute(ProviderCatalog catalog, string upstreamModel, string provider) =>
        catalog.Find(provider) is null
            ? $"\"{upstreamModel}\" routes to unknown provider \"{provider}\" (known: {catalog.KnownIds}); the entry was ignored"
            : null;

    private static Dictionary<string, string> Merge(
        string name,
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
            problems.Add(new(name, $"{error}; the defaults are used"));
            return merged;
        }
        foreach (var (key, value) in pairs)
        {
            var invalid = validate?.Invoke(key, value);
            if (invalid is not null) problems.Add(new(name, invalid));
            else
            {
                merged[key] = validate is null ? value : value.ToLowerInvariant();
                overridden?.Add(key);
            }
        }
        return merged;
    }
}
