using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace ClaudeModelProxy.Core.Routing;

/// <summary>
/// The shapes of Claude model ids that clients send or accept: family slots (<c>claude-sonnet</c>), canonical ids
/// (<c>claude-opus-4-8</c>, <c>claude-haiku-4-5-20251001</c>, <c>claude-3-5-sonnet-20241022</c>), the <c>[1m]</c>
/// context tag, and the Desktop-safe ids this gateway gives non-Claude models (<c>claude-opus-0-deepseek-v4-pro</c>).
/// </summary>
public static partial class ClaudeModelIds
{
    /// <summary>The tiers Claude Desktop's discovery filter and validator accept, in the order they are listed.</summary>
    public static IReadOnlyList<string> Families { get; } = ["sonnet", "opus", "haiku", "fable"];

    /// <summary>The version part of every Desktop-safe id: a number no Claude release uses, so clients never mistake the model for a real one.</summary>
    public const string DesktopVersion = "0";

    public static string SlotId(string family) => "claude-" + family;

    /// <summary>The family of a slot id (<c>claude-sonnet</c>, <c>Claude-Sonnet[1m]</c>, <c>claude-sonnet-20251001</c>), or null.</summary>
    public static string? SlotFamily(string model)
    {
        var bare = DateSuffix().Replace(WithoutContextTag(model.Trim()), "");
        if (!bare.StartsWith("claude-", StringComparison.OrdinalIgnoreCase)) return null;
        var family = bare["claude-".Length..].ToLowerInvariant();
        return Families.Contains(family) ? family : null;
    }

    /// <summary>
    /// The family of a canonical Claude id, any version (including ones released after this build), or null.
    /// <c>mythos</c> counts as the opus family: it is the tier above.
    /// </summary>
    public static string? CanonicalFamily(string model)
    {
        var bare = WithoutContextTag(model.Trim());
        var match = Canonical().Match(bare);
        if (!match.Success) match = OldCanonical().Match(bare);
        if (!match.Success) return null;
        var family = match.Groups["family"].Value.ToLowerInvariant();
        return family == "mythos" ? "opus" : family;
    }

    /// <summary>The id without a trailing context tag such as <c>[1m]</c> (Claude Code sends it as a beta header instead, but Desktop and users type it).</summary>
    public static string WithoutContextTag(string model) => ContextTag().Replace(model, "");

    /// <summary>
    /// The Desktop-safe id of a model: <c>claude-&lt;tier&gt;-0-&lt;slug&gt;</c>. Only the slug routes; the tier is a label for
    /// Desktop's picker, so an id stays valid when the tier changes (users paste these ids into settings).
    /// </summary>
    public static string DesktopId(string tier, string slug) => $"claude-{tier}-{DesktopVersion}-{slug}";

    /// <summary>The slug of a Desktop-safe id, or null when the id has another shape.</summary>
    public static string? DesktopSlug(string id)
    {
        var match = DesktopIdShape().Match(id);
        return match.Success ? match.Groups["slug"].Value.ToLowerInvariant() : null;
    }

    /// <summary>
    /// Slugs for many upstream models at once: the model in lower case with every run of other characters turned into one
    /// dash, plus 6 hex of its SHA-256 where two models would share a slug and this one's name is not the slug itself
    /// (whatever the order, so it is stable).
    /// </summary>
    public static Dictionary<string, string> DesktopSlugs(IEnumerable<string> upstreamModels)
    {
        var list = upstreamModels.Distinct(StringComparer.Ordinal).ToList();
        // A model whose name already is its slug keeps it: only the ones that lose characters to the slug take a hash.
        var colliding = list.GroupBy(Slug, StringComparer.Ordinal).Where(g => g.Count() > 1).SelectMany(g => g)
            .Where(m => m.ToLowerInvariant() != Slug(m)).ToHashSet(StringComparer.Ordinal);
        return list.ToDictionary(m => m, m => colliding.Contains(m) ? Slug(m) + "-" + Hash6(m) : Slug(m), StringComparer.Ordinal);
    }

    /// <summary>A tier guessed from the model's name: small and fast models are haiku, the largest opus, the rest sonnet.</summary>
    public static string GuessTier(string upstreamModel)
    {
        var words = Regex.Split(upstreamModel.ToLowerInvariant(), "[^a-z0-9]+");
        if (words.Any(w => w is "flash" or "mini" or "air" or "lite" or "nano" or "small" or "haiku" or "turbo" or "fast")) return "haiku";
        if (words.Any(w => w is "pro" or "max" or "large" or "ultra" or "opus")) return "opus";
        return "sonnet";
    }

    /// <summary>Whether an id is already one Claude Desktop keeps as it is: tier-named, <c>claude-{tier}-…</c>.</summary>
    public static bool IsTierNamed(string id) => TierNamed().IsMatch(id);

    private static string Slug(string model)
    {
        var slug = NonSlug().Replace(model.ToLowerInvariant(), "-").Trim('-');
        return slug.Length == 0 ? "model" : slug;
    }

    private static string Hash6(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)), 0, 3);

    [GeneratedRegex(@"-\d{8}$")]
    private static partial Regex DateSuffix();

    [GeneratedRegex(@"\[\d+[km]\]$", RegexOptions.IgnoreCase)]
    private static partial Regex ContextTag();

    [GeneratedRegex(@"^claude-(?<family>haiku|sonnet|opus|fable|mythos)-\d+(-\d{1,2})?(-\d{8})?$", RegexOptions.IgnoreCase)]
    private static partial Regex Canonical();

    [GeneratedRegex(@"^claude-\d+(-\d{1,2})?-(?<family>haiku|sonnet|opus)(-\d{8}|-latest)?$", RegexOptions.IgnoreCase)]
    private static partial Regex OldCanonical();

    [GeneratedRegex(@"^claude-(sonnet|opus|haiku|fable)-", RegexOptions.IgnoreCase)]
    private static partial Regex TierNamed();

    [GeneratedRegex(@"^claude-(sonnet|opus|haiku|fable)-0-(?<slug>[a-z0-9][a-z0-9-]*)$", RegexOptions.IgnoreCase)]
    private static partial Regex DesktopIdShape();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlug();
}
