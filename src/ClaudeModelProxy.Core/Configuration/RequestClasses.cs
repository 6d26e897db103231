namespace ClaudeModelProxy.Core.Configuration;

/// <summary>The request classes Claude Code labels requests with (<c>x-claude-code-request-class</c>, when CLAUDE_CODE_GATEWAY_HINT_HEADERS=1).</summary>
public static class RequestClasses
{
    public const string Header = "x-claude-code-request-class";

    public static IReadOnlyList<string> Known { get; } = ["main", "subagent", "workflow", "compaction", "auxiliary"];
}
