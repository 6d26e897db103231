using ClaudeModelProxy.Core.OpenAi;

namespace ClaudeModelProxy.Core.Providers.Gemini;

/// <summary>
/// Gemini's OpenAI endpoint: <c>max_tokens</c>; tool schemas sanitised; thought signatures round-tripped;
/// efforts above "high" clamped; thinking can only be switched off on 2.5 Flash.
/// </summary>
internal sealed class GeminiQuirks : IProviderQuirks
{
    public static readonly GeminiQuirks Instance = new();

    public IToolCallState CallState => GeminiThoughtSignatures.Instance;

    public void Apply(ChatRequestDraft draft)
    {
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
