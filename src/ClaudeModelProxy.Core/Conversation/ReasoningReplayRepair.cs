namespace ClaudeModelProxy.Core.Conversation;

/// <summary>
/// DeepSeek, Kimi, GLM and MiMo replay thinking as reasoning_content and want it on every assistant tool-call turn
/// while thinking is on: Kimi answers 400 "thinking is enabled but reasoning_content is missing in assistant tool
/// call message at index N". Their own blocks come back with the original signature the gateway tagged
/// (<see cref="PassThroughSignatures"/>); Anthropic's, which they do not check, stay as they are; blocks the gateway
/// minted for another provider (reasoning, Gemini's carried state, another pass-through provider's) and Anthropic's
/// redacted_thinking mean nothing to them and are dropped (text kept as text). When a tool-call turn is then left
/// without thinking (it came from another model), the request goes without thinking.
/// </summary>
public sealed class ReasoningReplayRepair(string providerId) : IRequestRepair
{
    public string ProviderId { get; } = MintedSignatures.ProviderId(providerId);

    public RepairResult Repair(ReadOnlySpan<byte> body)
    {
        if (body.IndexOf("thinking\""u8) < 0) return RepairResult.None;
        if (HistoryLayout.Read(body) is not { } layout) return RepairResult.None;
        var plan = new RepairPlan(body.Length, layout);
        plan.RestoreOwnSignatures(ProviderId);
        plan.RemoveThinking(body, block => block.Type == "redacted_thinking"
            || (block.Type == "thinking" && block.SignatureMinted && !PassThroughSignatures.TryUnwrap(block.MintedSignature, ProviderId, out _)));
        if (layout.ThinkingOn && plan.AnyAssistantToolTurnLacksThinking()) plan.RemoveThinkingSetting(alsoClearThinkingEdits: false);
        return plan.Result();
    }
}
