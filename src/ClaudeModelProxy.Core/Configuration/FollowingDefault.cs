namespace ClaudeModelProxy.Core.Configuration;

/// <summary>A default computed from another row's value, as BASE_URL's is the local URL of PORT.</summary>
/// <param name="Row">The row followed; the loader reads it first, and a reload that keeps it keeps the follower too.</param>
public sealed record FollowingDefault<T>(Setting Row, Func<SettingValues, T> Value);

public static class FollowingDefault
{
    public static FollowingDefault<T> Of<TFollowed, T>(Setting<TFollowed> row, Func<TFollowed, T> value) =>
        new(row, values => value(values.Get(row)));
}
