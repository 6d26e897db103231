namespace ClaudeModelProxy.Core.Configuration;

/// <summary>When a changed value takes effect in a gateway that reloads its --env-file.</summary>
public enum SettingTakesEffect
{
    /// <summary>At the next reload, within a second.</summary>
    OnReload,

    /// <summary>Only after a restart: the value belongs to the listener, and a reload keeps the running one.</summary>
    OnRestart,
}

/// <summary>
/// One environment variable the proxy reads: a row of <see cref="SettingTable"/>. The docs (README table,
/// <c>.env.example</c>) and the install form (<c>manifest.json</c>) are checked against these rows. A row that is
/// not one plain value (the model tables, ADVANCED_ENV) is read by <see cref="SettingsLoader"/> itself.
/// </summary>
public class Setting(string name, string description)
{
    private static int rowsDeclared;

    public string Name { get; } = name;

    public string Description { get; } = description;

    /// <summary>Whether Claude Desktop's install form has its own field for it (the rest go in ADVANCED_ENV).</summary>
    public bool InInstallForm { get; init; }

    public SettingTakesEffect TakesEffect { get; init; }

    /// <summary>Whether it is the address the gateway listens on (the restart message says so).</summary>
    public bool MovesTheListener { get; init; }

    /// <summary>The default as the docs write it, or null when it is not one plain value (e.g. the model tables).</summary>
    public virtual string? DocumentedDefault => null;

    /// <summary>The row this row's default follows (BASE_URL follows PORT), or null.</summary>
    public virtual Setting? Follows => null;

    /// <summary>Where its value sits in a <see cref="SettingValues"/>.</summary>
    internal int Slot { get; } = Interlocked.Increment(ref rowsDeclared) - 1;

    /// <summary>Its value in <paramref name="values"/>, boxed for comparing and showing; null when it is not one plain value.</summary>
    public virtual object? ValueIn(SettingValues values) => null;

    /// <summary><paramref name="values"/> with this row read from <paramref name="text"/> (null when unset); a bad value keeps the default and records a problem.</summary>
    internal virtual SettingValues ReadInto(SettingValues values, string? text, List<ConfigurationProblem> problems) => values;

    /// <summary><paramref name="into"/> with this row's value taken from <paramref name="from"/>: how a reload keeps a running value.</summary>
    public virtual SettingValues CopyValue(SettingValues from, SettingValues into) => into;

    public override string ToString() => Name;
}

/// <summary>A setting with one plain value: its default and parser live here, and nowhere else.</summary>
public sealed class Setting<T>(string name, T defaultValue, SettingParser<T> parser, string description) : Setting(name, description)
{
    /// <summary>The default the docs show; <see cref="DefaultFollowing"/>, when set, replaces it at load.</summary>
    public T Default { get; } = defaultValue;

    public FollowingDefault<T>? DefaultFollowing { get; init; }

    public override Setting? Follows => DefaultFollowing?.Row;

    public override string? DocumentedDefault => parser.Format(Default);

    public override object? ValueIn(SettingValues values) => values.Get(this);

    internal override SettingValues ReadInto(SettingValues values, string? text, List<ConfigurationProblem> problems) =>
        values.With(this, parser.Read(Name, text, DefaultFollowing is { } following ? following.Value(values) : Default, problems));

    public override SettingValues CopyValue(SettingValues from, SettingValues into) => into.With(this, from.Get(this));
}
