using System.Text.Json.Nodes;

namespace ClaudeModelProxy.Core.OpenAi;

/// <summary>
/// How one OpenAI-compatible provider deviates from plain Chat Completions. The translators ask these
/// questions instead of testing provider names.
/// </summary>
internal interface IProviderQuirks
{
    string Name { get; }

    /// <summary>Base64 PDFs can be sent as <c>{type:"file"}</c> parts; otherwise they become a short text note.</summary>
    bool AcceptsPdfFiles { get; }

    /// <summary>Assistant messages with tool calls must carry <c>reasoning_content</c> (even "") — DeepSeek thinking mode.</summary>
    bool EchoesReasoningContent { get; }

    /// <summary>Gemini thought signatures are captured from replies and sent back on the same tool calls.</summary>
    bool UsesThoughtSignatures { get; }

    /// <summary>Decides the wire fields (token limit, sampling, reasoning, tool schemas, ids) for the client's intent.</summary>
    void Apply(ChatRequestDraft draft);
}

internal static class ProviderQuirks
{
    public static IProviderQuirks For(TranslationTarget target)
    {
        var provider = target.ProviderId.Trim().ToLowerInvariant();
        return provider switch
        {
            "openai" => OpenAiQuirks.Instance,
            "gemini" or "google" => GeminiQuirks.Instance,
            "qwen" or "dashscope" => QwenQuirks.Instance,
            "deepseek" => DeepSeekQuirks.Instance,
            _ when ModelName(target.UpstreamModel).StartsWith("deepseek", StringComparison.Ordinal) => DeepSeekQuirks.Instance,
            _ => GenericQuirks.Instance,
        };
    }

    /// <summary>Lower-cased model name without a <c>vendor/</c> prefix.</summary>
    public static string ModelName(string model)
    {
        var name = model.Trim().ToLowerInvariant();
        var slash = name.LastIndexOf('/');
        return slash >= 0 ? name[(slash + 1)..] : name;
    }
}

/// <summary>Any OpenAI-compatible server: <c>max_tokens</c>, <c>reasoning_effort</c> when thinking is asked for, <c>user</c>.</summary>
internal class GenericQuirks : IProviderQuirks
{
    public static readonly GenericQuirks Instance = new();

    public virtual string Name => "generic";
    public virtual bool AcceptsPdfFiles => false;
    public virtual bool EchoesReasoningContent => false;
    public virtual bool UsesThoughtSignatures => false;

    public virtual void Apply(ChatRequestDraft draft)
    {
        draft.MaxTokensField = "max_tokens";
        // Many compatible servers do not know "none"; saying nothing is the portable way to not ask for reasoning.
        draft.ReasoningEffort = draft.Thinking.Kind == ThinkingKind.Disabled ? null : draft.Thinking.ReasoningEffort;
        draft.TopK = null;
        if (draft.UserHash is { } user) draft.Extra["user"] = user;
    }
}

/// <summary>
/// api.openai.com. Always <c>max_completion_tokens</c>. Reasoning models (o-series, gpt-5 and later) get
/// <c>reasoning_effort</c> and lose <c>temperature</c>/<c>top_p</c>/<c>stop</c> unless the effort is "none";
/// gpt-5.4+ / 6.x with function tools get <c>reasoning_effort:"none"</c> (they refuse tools with reasoning on this API).
/// </summary>
internal sealed class OpenAiQuirks : GenericQuirks
{
    public new static readonly OpenAiQuirks Instance = new();

    public override string Name => "openai";
    public override bool AcceptsPdfFiles => true;

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

    public override void Apply(ChatRequestDraft draft)
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

/// <summary>
/// Gemini's OpenAI endpoint: <c>max_tokens</c>; tool schemas sanitised; thought signatures round-tripped;
/// efforts above "high" clamped; thinking can only be switched off on 2.5 Flash.
/// </summary>
internal sealed class GeminiQuirks : GenericQuirks
{
    public new static readonly GeminiQuirks Instance = new();

    /// <summary>Google's documented value that tells Gemini to accept a tool call whose signature was lost.</summary>
    public const string SkipSignatureValidator = "skip_thought_signature_validator";

    public override string Name => "gemini";
    public override bool UsesThoughtSignatures => true;

    public override void Apply(ChatRequestDraft draft)
    {
        draft.MaxTokensField = "max_tokens";
        var effort = draft.Thinking.ReasoningEffort;
        draft.ReasoningEffort = effort switch
        {
            null => null,
            "none" => ProviderQuirks.ModelName(draft.Model).Contains("2.5-flash", StringComparison.Ordinal) ? "none" : null,
            "xhigh" or "max" => "high",
            "minimal" or "low" or "medium" or "high" => effort,
            _ => "medium",
        };
        draft.TopK = null;
        // Not part of Gemini's compatible surface; drop rather than risk a 400.
        draft.ParallelToolCalls = null;
        foreach (var tool in draft.Tools)
            tool.Parameters = tool.InputSchema is { } schema ? GeminiSchemaSanitizer.Sanitize(schema) : null;
    }
}

/// <summary>DashScope: <c>max_tokens</c>; thinking is the top-level <c>enable_thinking</c>; <c>top_k</c> accepted.</summary>
internal sealed class QwenQuirks : GenericQuirks
{
    public new static readonly QwenQuirks Instance = new();

    public override string Name => "qwen";

    public override void Apply(ChatRequestDraft draft)
    {
        draft.MaxTokensField = "max_tokens";
        draft.ReasoningEffort = null;
        if (draft.UserHash is { } user) draft.Extra["user"] = user;
        bool? enable = draft.Thinking.Kind switch
        {
            ThinkingKind.Enabled or ThinkingKind.Adaptive => true,
            ThinkingKind.Disabled => false,
            _ => null,
        };
        // DashScope answers thinking only in streaming mode ("enable_thinking must be set to false for non-streaming calls").
        if (!draft.Stream && enable is not null) enable = false;
        if (enable is { } value) draft.Extra["enable_thinking"] = value;
    }
}

/// <summary>DeepSeek's OpenAI endpoint: <c>thinking:{type}</c>, and <c>reasoning_content</c> echoed on assistant tool calls.</summary>
internal sealed class DeepSeekQuirks : GenericQuirks
{
    public new static readonly DeepSeekQuirks Instance = new();

    public override string Name => "deepseek";
    public override bool EchoesReasoningContent => true;

    public override void Apply(ChatRequestDraft draft)
    {
        draft.MaxTokensField = "max_tokens";
        draft.ReasoningEffort = null;
        draft.TopK = null;
        if (draft.UserHash is { } user) draft.Extra["user"] = user;
        string? type = draft.Thinking.Kind switch
        {
            ThinkingKind.Enabled or ThinkingKind.Adaptive => "enabled",
            ThinkingKind.Disabled => "disabled",
            _ => null,
        };
        if (type is not null) draft.Extra["thinking"] = new JsonObject { ["type"] = type };
    }
}
