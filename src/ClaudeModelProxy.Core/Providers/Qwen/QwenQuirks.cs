using ClaudeModelProxy.Core.OpenAi;

namespace ClaudeModelProxy.Core.Providers.Qwen;

/// <summary>DashScope: <c>max_tokens</c>; thinking is the top-level <c>enable_thinking</c>; <c>top_k</c> accepted.</summary>
internal sealed class QwenQuirks : IProviderQuirks
{
    public static readonly QwenQuirks Instance = new();

    public void Apply(ChatRequestDraft draft)
    {
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
