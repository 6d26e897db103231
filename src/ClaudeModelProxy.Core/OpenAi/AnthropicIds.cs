namespace ClaudeModelProxy.Core.OpenAi;

/// <summary>
/// Ids minted for translated replies. They must be unique, not secret: the fast shared generator
/// (143 random bits per id) instead of the cryptographic one, which costs a system call per id.
/// </summary>
internal static class AnthropicIds
{
    private const string Alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary><c>msg_</c> + 24 random alphanumerics.</summary>
    public static string NewMessageId() => "msg_" + RandomAlphanumerics(24);

    /// <summary><c>toolu_</c> + 24 random alphanumerics.</summary>
    public static string NewToolUseId() => "toolu_" + RandomAlphanumerics(24);

    public static string RandomAlphanumerics(int length) =>
        string.Create(length, 0, static (characters, _) => Random.Shared.GetItems(Alphanumerics, characters));
}

/// <summary>
/// Gives out the tool-use ids of one reply: the upstream id when it is valid for both APIs
/// (<c>^[A-Za-z0-9_-]+$</c>, at most 40 characters) and not already used in this reply, else a fresh <c>toolu_</c> id.
/// </summary>
internal sealed class ToolUseIdAssigner
{
    private readonly HashSet<string> used = new(StringComparer.Ordinal);

    public string Assign(string? upstreamId)
    {
        var id = ToolNaming.IsUsableAnthropicId(upstreamId) && !used.Contains(upstreamId!) ? upstreamId! : AnthropicIds.NewToolUseId();
        used.Add(id);
        return id;
    }
}
