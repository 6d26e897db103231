using System.Text.RegularExpressions;

namespace ClaudeModelProxy.Core.Configuration;

/// <summary>Rules for what counts as "set".</summary>
public static partial class SettingValue
{
    /// <summary>
    /// Empty values and unsubstituted install-form placeholders such as
    /// <c>${user_config.glm_api_key}</c> (what Claude Desktop passes for an empty optional field) are unset.
    /// </summary>
    public static string? Normalize(string? value)
    {
        if (value is null) return null;
        var trimmed = value.Trim();
        if (trimmed.Length == 0 || PlaceholderPattern().IsMatch(trimmed)) return null;
        return trimmed;
    }

    [GeneratedRegex(@"^\$\{[^}]+\}$")]
    private static partial Regex PlaceholderPattern();
}
