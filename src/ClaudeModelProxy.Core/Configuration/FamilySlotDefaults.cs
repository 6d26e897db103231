namespace ClaudeModelProxy.Core.Configuration;

/// <summary>
/// What the family slots <c>claude-haiku</c>, <c>claude-sonnet</c>, <c>claude-opus</c> and <c>claude-fable</c> use when
/// CLAUDE_MODEL_MAP does not say: the original project's newest defaults (fable follows opus).
/// </summary>
public static class FamilySlotDefaults
{
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["haiku"] = "deepseek-v4-flash",
        ["sonnet"] = "deepseek-v4-pro",
        ["opus"] = "deepseek-v4-pro",
        ["fable"] = "deepseek-v4-pro",
    };
}
