using System.Buffers;
using System.Text.Json;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Conversation;

namespace ClaudeModelProxy.Core.OpenAi;

/// <summary>A non-streaming chat completion → an Anthropic Message (protocol §3.3).</summary>
internal static class ResponseTranslation
{
    private sealed record ToolUse(string Id, string Name, string Input);

    public static byte[] Translate(ReadOnlySpan<byte> json, TranslatedRequest request, TranslationTarget target, out TokenUsage usage)
    {
        var provider = target.Provider.DisplayName;
        using (var document = ReplyHelpers.ParseReply(json, provider))
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.Property("error") is not null)
                throw new ProxyFailureException(ErrorTranslation.FromErrorPayload(root, provider));

            usage = root.Object("usage") is { } u ? UsageMapping.Map(u) : default;
            var choice = root.Array("choices") is { } choices
                ? choices.EnumerateArray().FirstOrDefault(c => c.ValueKind == JsonValueKind.Object)
                : default;
            var message = choice.ValueKind == JsonValueKind.Object ? choice.Object("message") ?? choice.Object("delta") : null;
            var finishReason = choice.ValueKind == JsonValueKind.Object ? choice.String("finish_reason") : null;

            var reasoning = message?.ReasoningText();
            var text = message?.ContentText();
            var refusal = message?.String("refusal");
            var signatures = new List<KeyValuePair<string, string>>();
            var toolUses = message is { } m ? ToolUses(m, request, signatures) : [];

            var output = new ArrayBufferWriter<byte>(1024);
            using (var w = new Utf8JsonWriter(output, ReplyHelpers.WriterOptions))
            {
                w.WriteStartObject();
                w.WriteString("id", AnthropicIds.NewMessageId());
                w.WriteString("type", "message");
                w.WriteString("role", "assistant");
                w.WriteString("model", target.ResponseModel);
                w.WriteStartArray("content");
                // Gemini's thought signatures ride in this block's signature (the field clients keep) so that any
                // gateway process can put them back on the calls next turn; the block exists for them if need be.
                var hasReasoning = !string.IsNullOrWhiteSpace(reasoning);
                if (hasReasoning || signatures.Count > 0)
                {
                    w.WriteStartObject();
                    w.WriteString("type", "thinking");
                    w.WriteString("thinking", hasReasoning ? reasoning : "");
                    w.WriteString("signature", signatures.Count > 0 ? request.Quirks.CallState!.Encode(signatures) : Conversation.MintedSignatures.Reasoning(request.MintingProvider));
                    w.WriteEndObject();
                }
                foreach (var part in new[] { text, refusal })
                {
                    if (string.IsNullOrWhiteSpace(part)) continue;
                    w.WriteStartObject();
                    w.WriteString("type", "text");
                    w.WriteString("text", part);
                    w.WriteEndObject();
                }
                foreach (var toolUse in toolUses)
                {
                    w.WriteStartObject();
                    w.WriteString("type", "tool_use");
                    w.WriteString("id", toolUse.Id);
                    w.WriteString("name", toolUse.Name);
                    w.WritePropertyName("input");
                    w.WriteRawValue(toolUse.Input, skipInputValidation: true);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteString("stop_reason", StopReasons.Map(finishReason, toolUses.Count > 0, !string.IsNullOrWhiteSpace(refusal)));
                w.WriteNull("stop_sequence");
                UsageMapping.WriteMessageUsage(w, usage);
                w.WriteEndObject();
            }
            return output.WrittenSpan.ToArray();
        }
    }

    /// <summary>The reply's tool calls; Gemini's thought signatures are added to <paramref name="carried"/> by the tool_use id the client will see.</summary>
    private static List<ToolUse> ToolUses(JsonElement message, TranslatedRequest request, List<KeyValuePair<string, string>> carried)
    {
        var result = new List<ToolUse>();
        var ids = new ToolUseIdAssigner();
        var signatures = new List<string?>();
        var calls = message.Array("tool_calls")?.EnumerateArray().ToList() ?? [];
        // The pre-tools "function_call" form some servers still emit.
        if (calls.Count == 0 && message.Object("function_call") is not null) calls.Add(message);
        foreach (var call in calls)
        {
            if (call.ValueKind != JsonValueKind.Object) continue;
            var function = call.Object("function") ?? call.Object("function_call");
            if (function?.String("name") is not { Length: > 0 } name) continue;
            var arguments = function.Value.Property("arguments") is { } a
                ? a.ValueKind == JsonValueKind.String ? a.Text() : a.GetRawText()
                : null;
            result.Add(new ToolUse(ids.Assign(call.String("id")), ReplyHelpers.RestoreToolName(name, request), ReplyHelpers.NormalizeArguments(arguments)));
            signatures.Add(request.Quirks.CallState?.Read(call));
        }
        if (request.Quirks.CallState is { } callState && result.Count > 0)
        {
            // A signature on the message rather than a call belongs to the first call (Gemini signs the first call of a step).
            if (callState.Read(message) is { } loose && signatures.IndexOf(null) is var free and >= 0) signatures[free] = loose;
            for (var i = 0; i < result.Count; i++)
                if (signatures[i] is { } signature) carried.Add(new(result[i].Id, signature));
        }
        return result;
    }
}
