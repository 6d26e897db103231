namespace ClaudeModelProxy.Core.Configuration;

/// <summary>
/// The value of every plain <see cref="Setting{T}"/> row, immutable (<see cref="With{T}"/> returns a new bag). A row the
/// bag was never given reads as its <c>Default</c>, so any row, a test's own included, can be read from any bag.
/// </summary>
public sealed class SettingValues : IEquatable<SettingValues>
{
    // Indexed by each row's slot (one per row declared, so a lookup is an array read); an empty entry has the default.
    private readonly Entry?[] entries;

    private SettingValues(Entry?[] entries) => this.entries = entries;

    /// <summary>Every row at its default.</summary>
    public static SettingValues Defaults { get; } = new([]);

    public T Get<T>(Setting<T> row) =>
        row.Slot < entries.Length && entries[row.Slot] is { } entry ? (T)entry.Value! : row.Default;

    public SettingValues With<T>(Setting<T> row, T value)
    {
        var copy = new Entry?[Math.Max(entries.Length, row.Slot + 1)];
        entries.CopyTo(copy, 0);
        copy[row.Slot] = new Entry(row, value);
        return new(copy);
    }

    // Equal when every row reads the same, so a default written out equals one left unset.
    public bool Equals(SettingValues? other) =>
        other is not null && Rows().Concat(other.Rows()).All(row => Equals(row.ValueIn(this), row.ValueIn(other)));

    public override bool Equals(object? obj) => Equals(obj as SettingValues);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var row in Rows())
        {
            if (row.ValueIn(this) is var value && !Equals(value, row.ValueIn(Defaults))) hash.Add(value);
        }
        return hash.ToHashCode();
    }

    private IEnumerable<Setting> Rows() => entries.OfType<Entry>().Select(entry => entry.Row);

    private sealed record Entry(Setting Row, object? Value);
}
