namespace ClaudeModelProxy.Core.Configuration;

/// <summary>When a changed value takes effect in a gateway that reloads its --env-file.</summary>
public enum SettingTakesEffect
{
    /// <summary>At the next reload, within a second.</summary>
    OnReload,

    /// <summary>Only after a restart: the value belongs to the listener.</summary>
    OnRestart,
}

/// <summary>A restart-only setting's value in a <see cref="ProxySettings"/>, and a reload's settings with the running value put back.</summary>
/// <param name="Value">The value, compared with <see cref="object.Equals(object?, object?)"/>.</param>
/// <param name="Keep">(running, reloaded) → reloaded with the running value.</param>
/// <param name="MovesTheListener">Whether it is the address the gateway listens on (the restart message says so).</param>
public sealed record KeptUntilRestart(Func<ProxySettings, object> Value, Func<ProxySettings, ProxySettings, ProxySettings> Keep, bool MovesTheListener = false);

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

    /// <summary>For a setting that belongs to the listener: how a reload reads and keeps its running value.</summary>
    public KeptUntilRestart? KeptUntilRestart { get; init; }

    // Derived, so a setting cannot be marked restart-only without the watcher knowing how to keep it.
    public SettingTakesEffect TakesEffect => KeptUntilRestart is null ? SettingTakesEffect.OnReload : SettingTakesEffect.OnRestart;

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
