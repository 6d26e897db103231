using System.Text.RegularExpressions;

namespace ClaudeModelProxy.Tests.Discovery;

/// <summary>
/// The clients' model-id rules as gateway-protocol.md records them, replayed over what the gateway offers.
/// </summary>
public static partial class DesktopRules
{
    public static readonly string[] Tiers = ["sonnet", "opus", "haiku", "fable"];

    /// <summary>Desktop 1.6259's validator (decompiled): a bare tier with an optional version, or an id naming Claude.</summary>
    public static bool PassesFirstValidator(string id) =>
        FirstValidatorBareTier().IsMatch(id) || FirstValidatorWords().IsMatch(id);

    /// <summary>The safe rule for later, stricter builds (which refused <c>claude-gpt-5.6-luna</c>): <c>claude-&lt;tier&gt;-&lt;version&gt;[-suffix]</c>.</summary>
    public static bool PassesStrictValidator(string id) => StrictValidator().IsMatch(id);

    /// <summary>Desktop's discovery filter: tier-named ids, or any entry carrying <c>anthropic_family_tier</c>.</summary>
    public static bool PassesDiscoveryFilter(string id, string? familyTier) =>
        TierNamed().IsMatch(id) || (familyTier is not null && Tiers.Contains(familyTier));

    /// <summary>Claude Code 2.1.332 keeps ids containing claude or anthropic; versions before 2.1.223 kept those beginning with them.</summary>
    public static bool PassesClaudeCodeFilter(string id) => OldClaudeCodeFilter().IsMatch(id) && NewClaudeCodeFilter().IsMatch(id);

    [GeneratedRegex(@"^(sonnet|opus|haiku)(-[\d.]+)?$")]
    private static partial Regex FirstValidatorBareTier();

    [GeneratedRegex("claude|sonnet|opus|haiku|anthropic", RegexOptions.IgnoreCase)]
    private static partial Regex FirstValidatorWords();

    [GeneratedRegex(@"^claude-(sonnet|opus|haiku|fable)-\d+(-[a-z0-9]+)*$")]
    private static partial Regex StrictValidator();

    [GeneratedRegex("^claude-(sonnet|opus|haiku|fable)-")]
    private static partial Regex TierNamed();

    [GeneratedRegex("(claude|anthropic)", RegexOptions.IgnoreCase)]
    private static partial Regex NewClaudeCodeFilter();

    [GeneratedRegex("^(claude|anthropic)", RegexOptions.IgnoreCase)]
    private static partial Regex OldClaudeCodeFilter();
}
