using System.Text.Json;
using ClaudeModelProxy.Core.Anthropic;

namespace ClaudeModelProxy.Core.OpenAi;

/// <summary>OpenAI <c>usage</c> → Anthropic usage (protocol §3.3).</summary>
internal static class UsageMapping
{
    public static TokenUsage Map(JsonElement usage)
    {
        var prompt = usage.Long("prompt_tokens") ?? usage.Long("input_tokens") ?? 0;
        var completion = usage.Long("completion_tokens") ?? usage.Long("output_tokens") ?? 0;
        var total = usage.Long("total_tokens");
        var details = usage.Object("prompt_tokens_details") ?? usage.Object("input_tokens_details");
        var cacheRead = details?.Long("cached_tokens") ?? usage.Long("prompt_cache_hit_tokens") ?? 0;
        var cacheWrite = details?.Long("cache_write_tokens") ?? details?.Long("cache_creation_tokens") ?? 0;
        cacheRead = Math.Max(cacheRead, 0);
        cacheWrite = Math.Max(cacheWrite, 0);
        var output = completion;
        // Gemini has reported thinking tokens outside completion_tokens; the total still counts them.
        if (total is { } t && t - prompt > output) output = t - prompt;
        return new TokenUsage
        {
            InputTokens = Math.Max(prompt - cacheRead - cacheWrite, 0),
            OutputTokens = Math.Max(output, 0),
            CacheReadInputTokens = cacheRead,
            CacheCreationInputTokens = cacheWrite,
        };
    }

    /// <summary>The full Anthropic <c>usage</c> object of a Message.</summary>
    public static void WriteMessageUsage(Utf8JsonWriter writer, in TokenUsage usage)
    {
        writer.WriteStartObject("usage");
        writer.WriteNumber("input_tokens", usage.InputTokens);
        writer.WriteNumber("cache_creation_input_tokens", usage.CacheCreationInputTokens);
        writer.WriteNumber("cache_read_input_tokens", usage.CacheReadInputTokens);
        writer.WriteNumber("output_tokens", usage.OutputTokens);
        writer.WriteStartObject("cache_creation");
        writer.WriteNumber("ephemeral_5m_input_tokens", usage.CacheCreationInputTokens);
        writer.WriteNumber("ephemeral_1h_input_tokens", 0);
        writer.WriteEndObject();
        writer.WriteString("service_tier", "standard");
        writer.WriteEndObject();
    }
}

/// <summary>OpenAI <c>finish_reason</c> → Anthropic <c>stop_reason</c> (protocol §3.3).</summary>
internal static class StopReasons
{
    /// <param name="finishReason">The upstream's finish reason, or null when it gave none.</param>
    /// <param name="hasToolUse">Whether the reply contains at least one tool_use block.</param>
    /// <param name="sawRefusal">Whether the upstream sent a <c>refusal</c>.</param>
    public static string Map(string? finishReason, bool hasToolUse, bool sawRefusal)
    {
        var reason = finishReason?.ToLowerInvariant();
        if (reason is "length" or "max_tokens") return "max_tokens";
        if (sawRefusal || reason is "content_filter" or "refusal" or "safety" or "recitation" or "prohibited_content" or "blocklist" or "spii")
            return "refusal";
        // Gemini ends with "stop" after tool calls; tool_calls without any usable call is a normal end.
        return hasToolUse ? "tool_use" : "end_turn";
    }
}
