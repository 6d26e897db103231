namespace ClaudeModelProxy.Core.Configuration;

/// <summary>
/// The default routing tables of the original project: every alias is "claude-" plus the
/// upstream model name, except the Anthropic models, which keep their own names.
/// </summary>
public static class DefaultModelTables
{
    private static readonly (string Provider, string[] Models)[] ModelsByProvider =
    [
        ("deepseek", ["deepseek-v4-flash", "deepseek-v4-pro"]),
        ("moonshot", ["kimi-k2.6"]),
        ("glm", ["glm-4.5-air", "glm-4.6", "glm-4.7", "glm-5", "glm-5.1"]),
        ("xiaomi", ["mimo-v2-flash", "mimo-v2-pro", "mimo-v2.5-pro", "mimo-v2-omni"]),
        ("openai", ["gpt-5.5", "gpt-5.4", "gpt-5.4-mini"]),
        ("gemini", ["gemini-3.1-pro-preview", "gemini-3-flash-preview", "gemini-2.5-pro", "gemini-2.5-flash", "gemini-3.1-flash-lite-preview", "gemini-2.0-flash"]),
        ("qwen", ["qwen-flash", "qwen-plus", "qwen-max"]),
        ("anthropic", ["claude-haiku-4-5", "claude-sonnet-4-6", "claude-opus-4-7", "claude-sonnet-4-5", "claude-opus-4-1"]),
    ];

    /// <summary>Request model → upstream model.</summary>
    public static IReadOnlyDictionary<string, string> ModelMap { get; } =
        ModelsByProvider.SelectMany(p => p.Models).ToDictionary(AliasFor, m => m, StringComparer.Ordinal);

    /// <summary>Upstream model → the alias written into replies.</summary>
    public static IReadOnlyDictionary<string, string> ModelAliases { get; } =
        ModelsByProvider.SelectMany(p => p.Models).ToDictionary(m => m, AliasFor, StringComparer.Ordinal);

    /// <summary>Upstream model → provider id.</summary>
    public static IReadOnlyDictionary<string, string> ModelRoutes { get; } =
        ModelsByProvider.SelectMany(p => p.Models.Select(m => (m, p.Provider))).ToDictionary(x => x.m, x => x.Provider, StringComparer.Ordinal);

    private static string AliasFor(string upstreamModel) =>
        upstreamModel.StartsWith("claude-", StringComparison.Ordinal) ? upstreamModel : "claude-" + upstreamModel;
}
