namespace ClaudeModelProxy.Core.Configuration;

/// <summary>When a changed value takes effect in a gateway that reloads its --env-file.</summary>
public enum SettingTakesEffect
{
    /// <summary>At the next reload, within a second.</summary>
    OnReload,

    /// <summary>Only after a restart: the value belongs to the listener.</summary>
    OnRestart,
}

/// <summary>
/// One environment variable the proxy reads: a row of <see cref="SettingTable"/>. The docs (README table,
/// <c>.env.example</c>) and the install form (<c>manifest.json</c>) are checked against these rows.
/// </summary>
public class Setting(string name, string description)
{
    public string Name { get; } = name;

    public string Description { get; } = description;

    /// <summary>Whether Claude Desktop's install form has its own field for it (the rest go in ADVANCED_ENV).</summary>
    public bool InInstallForm { get; init; }

    public SettingTakesEffect TakesEffect { get; init; } = SettingTakesEffect.OnReload;

    /// <summary>The default as the docs write it, or null when it is not one plain value (e.g. the model tables).</summary>
    public virtual string? DocumentedDefault => null;

    public override string ToString() => Name;
}

/// <summary>A setting with one plain value: its default and parser live here, and nowhere else.</summary>
public sealed class Setting<T>(string name, T defaultValue, SettingParser<T> parser, string description) : Setting(name, description)
{
    public T Default { get; } = defaultValue;

    public override string? DocumentedDefault => parser.Format(Default);

    /// <summary>The value of <paramref name="text"/> (null when unset), or the default with a problem recorded.</summary>
    public T Read(string? text, List<ConfigurationProblem> problems) => Read(text, Default, problems);

    /// <summary>As <see cref="Read(string?, List{ConfigurationProblem})"/>, for a default that depends on other settings.</summary>
    public T Read(string? text, T fallback, List<ConfigurationProblem> problems) => parser.Read(Name, text, fallback, problems);
}
