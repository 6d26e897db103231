using ClaudeModelProxy.Core.OpenAi;

namespace ClaudeModelProxy.Core.Providers.OpenAi;

/// <summary>
/// api.openai.com. Always <c>max_completion_tokens</c>. Reasoning models (o-series, gpt-5 and later) get
/// <c>reasoning_effort</c> and lose <c>temperature</c>/<c>top_p</c>/<c>stop</c> unless the effort is "none";
/// gpt-5.4+ / 6.x with function tools get <c>reasoning_effort:"none"</c> (they refuse tools with reasoning on this API).
/// </summary>
internal sealed class OpenAiQuirks : IProviderQuirks
{
    public static readonly OpenAiQuirks Instance = new();

    public bool AcceptsPdfFiles => true;

    internal enum Family { NonReasoning, OSeries, Gpt5, Gpt51Plus }

    internal readonly record struct ModelTraits(Family Family, bool ToolsRequireNoReasoning, bool HasXHigh);

    internal static ModelTraits Classify(string model)
    {
        var name = ProviderQuirks.ModelName(model);
        if (name.Length >= 2 && name[0] == 'o' && char.IsAsciiDigit(name[1])) return new(Family.OSeries, false, false);
        if (!name.StartsWith("gpt-", StringComparison.Ordinal) || name.Contains("-chat", StringComparison.Ordinal))
            return new(Family.NonReasoning, false, false);
        var (major, minor) = Version(name.AsSpan(4));
        if (major < 5) return new(Family.NonReasoning, false, false);
        var family = major == 5 && minor == 0 ? Family.Gpt5 : Family.Gpt51Plus;
        var toolsRequireNone = major > 5 || minor >= 4;
        var hasXHigh = major > 5 || minor >= 2;
        return new(family, toolsRequireNone, hasXHigh);
    }

    private static (int Major, int Minor) Version(ReadOnlySpan<char> rest)
    {
        var i = 0;
        var major = 0;
        while (i < rest.Length && char.IsAsciiDigit(rest[i])) major = major * 10 + (rest[i++] - '0');
        var minor = 0;
        if (i + 1 < rest.Length && rest[i] == '.' && char.IsAsciiDigit(rest[i + 1]))
        {
            i++;
            while (i < rest.Length && char.IsAsciiDigit(rest[i])) minor = minor * 10 + (rest[i++] - '0');
        }
        return (major, minor);
    }

    public bool Reasons(string model) => Classify(model).Family != Family.NonReasoning;

    public string? ReasoningEffort(string model, string? requested) => SupportedEffort(requested, Classify(model));

    public void Apply(ChatRequestDraft draft)
    {
        draft.MaxTokensField = "max_completion_tokens";
        draft.TopK = null;
        if (draft.UserHash is { } user)
        {
            draft.Extra["safety_identifier"] = user;
            draft.Extra["prompt_cache_key"] = user;
        }
        var traits = Classify(draft.Model);
        if (traits.Family == Family.NonReasoning)
        {
            draft.ReasoningEffort = null;
            return;
        }
        var effort = draft.Thinking.ReasoningEffort;
        if (traits.ToolsRequireNoReasoning && draft.Tools.Count > 0) effort = "none";
        effort = SupportedEffort(effort, traits);
        draft.ReasoningEffort = effort;
        // Reasoning models take sampling parameters only with reasoning off (gpt-5.1+), and reject stop.
        if (effort != "none")
        {
            draft.Temperature = null;
            draft.TopP = null;
        }
        draft.Stop = null;
    }

    /// <summary>The client's effort as one the model family accepts (null stays null: say nothing).</summary>
    internal static string? SupportedEffort(string? effort, ModelTraits traits) =>
        effort switch
        {
            null => null,
            "none" => traits.Family switch { Family.Gpt51Plus => "none", Family.Gpt5 => "minimal", _ => "low" },
            "minimal" => traits.Family == Family.Gpt5 ? "minimal" : "low",
            "xhigh" or "max" => traits.HasXHigh ? "xhigh" : "high",
            "low" or "medium" or "high" => effort,
            _ => "medium",
        };
}
