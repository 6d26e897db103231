using System.Security.Cryptography;
using System.Text;

namespace ClaudeModelProxy.Core.OpenAi;

/// <summary>
/// Names and ids as OpenAI-style APIs accept them. Tool names must match <c>^[a-zA-Z0-9_-]{1,64}$</c>
/// (Claude Code's MCP tools can be longer) and tool-call ids are rejected beyond 40 characters.
/// Both rewrites are deterministic, so the same history always produces the same upstream request.
/// </summary>
internal static class ToolNaming
{
    public const int MaxNameLength = 64;
    public const int MaxIdLength = 40;

    /// <summary>The name as sent upstream: unchanged when valid, else up to 55 safe characters + "_" + 8 hex of its SHA-256.</summary>
    public static string UpstreamName(string name)
    {
        if (name.Length is > 0 and <= MaxNameLength && ToolIdentifiers.IsSafe(name)) return name;
        var safe = Sanitize(name);
        if (safe.Length > 55) safe = safe[..55];
        return safe + "_" + Hash8(name);
    }

    /// <summary>A tool-call id as sent upstream: unchanged when safe and at most 40 characters long.</summary>
    public static string UpstreamId(string id)
    {
        if (id.Length is > 0 and <= MaxIdLength && ToolIdentifiers.IsSafe(id)) return id;
        var safe = Sanitize(id);
        if (safe.Length > MaxIdLength - 9) safe = safe[..(MaxIdLength - 9)];
        return safe + "_" + Hash8(id);
    }

    /// <summary>Whether an upstream tool-call id can be shown to an Anthropic client as is.</summary>
    public static bool IsUsableAnthropicId(string? id) => id is { Length: > 0 and <= MaxIdLength } && ToolIdentifiers.IsSafe(id);

    private static string Sanitize(string value) => new StringBuilder(value.Length).AppendSafe(value).ToString();

    private static string Hash8(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)), 0, 4);
}
