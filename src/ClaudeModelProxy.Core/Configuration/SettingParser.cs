using System.Diagnostics.CodeAnalysis;

namespace ClaudeModelProxy.Core.Configuration;

public delegate bool TryParseText<T>(string text, [MaybeNullWhen(false)] out T value);

/// <summary>
/// How one kind of setting turns text into a value, and what it says when it cannot:
/// <c>"&lt;text&gt;" is not &lt;expected&gt;; using &lt;default&gt;</c>.
/// </summary>
public sealed record SettingParser<T>(TryParseText<T> TryParse, string Expected, Func<T, string?> Format)
{
    /// <summary>How the rejected text is quoted back (URLs hide their credentials).</summary>
    public Func<string, string> Shown { get; init; } = text => text;

    /// <summary>What the problem says happens instead, before the default.</summary>
    public string Instead { get; init; } = "using";

    /// <param name="text">The normalized value, or null when the setting is unset.</param>
    public T Read(string name, string? text, T fallback, List<ConfigurationProblem> problems)
    {
        if (text is null) return fallback;
        if (TryParse(text, out var value)) return value;
        problems.Add(new(name, $"\"{Shown(text)}\" is not {Expected}; {Instead} {Format(fallback)}"));
        return fallback;
    }
}
