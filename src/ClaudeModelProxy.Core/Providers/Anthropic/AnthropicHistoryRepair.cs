using ClaudeModelProxy.Core.Conversation;

namespace ClaudeModelProxy.Core.Providers.Anthropic;

/// <summary>
/// Real Anthropic validates every thinking signature: 400 "messages.N.content.M: Invalid `signature` in `thinking`
/// block" for one it did not mint. Thinking blocks the gateway minted (or unsigned ones) are dropped — their text,
/// if any, kept as a plain text block; genuine blocks stay byte for byte. With thinking on, Anthropic also wants the
/// final assistant turn of a tool loop to begin with a thinking block; when the history cannot give it one, the
/// request goes without thinking instead of failing.
/// </summary>
public sealed class AnthropicHistoryRepair : IRequestRepair
{
    public static readonly AnthropicHistoryRepair Instance = new();

    public RepairResult Repair(ReadOnlySpan<byte> body)
    {
        if (body.IndexOf("thinking\""u8) < 0) return RepairResult.None;
        if (HistoryLayout.Read(body) is not { } layout) return RepairResult.None;
        var plan = new RepairPlan(body.Length, layout);
        plan.RemoveThinking(body, block => block.Type == "thinking" && (block.SignatureMinted || !block.HasSignature));
        if (layout.ThinkingOn && plan.LastAssistantToolTurnLacksThinking()) plan.RemoveThinkingSetting(alsoClearThinkingEdits: true);
        return plan.Result();
    }
}
