using System.Buffers;
using System.Text.Json;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.OpenAi;

namespace ClaudeModelProxy.Core.Responses;

/// <summary>A non-streamed Responses API reply (<c>{"object":"response","output":[…]}</c>) → an Anthropic Message.</summary>
internal static class ResponsesReplyTranslation
{
    private const string Provider = "OpenAI";

    public static byte[] Translate(ReadOnlySpan<byte> json, TranslatedRequest request, TranslationTarget target, out TokenUsage usage)
    {
        using (var document = ReplyHelpers.ParseReply(json, Provider))
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.Property("error") is { ValueKind: JsonValueKind.Object } || root.String("status") == "failed")
                throw new ProxyFailureException(ErrorTranslation.FromErrorPayload(root, Provider));

            usage = root.Object("usage") is { } u ? UsageMapping.Map(u) : default;
            var cutter = new StopSequenceCutter(request.StopSequences);
            var ids = new ToolUseIdAssigner();
            var toolUses = 0;
            var sawRefusal = false;
            var output = new ArrayBufferWriter<byte>(1024);
            using (var w = new Utf8JsonWriter(output, ReplyHelpers.WriterOptions))
            {
                AnthropicMessageJson.WriteStart(w, AnthropicIds.NewMessageId(), target.ResponseModel);
                foreach (var item in root.Array("output")?.EnumerateArray() ?? default)
                {
                    if (cutter.Matched is not null) break; // the reply ended at the stop sequence
                    switch (item.String("type"))
                    {
                        case "reasoning":
                            var signature = ResponsesItems.ReasoningSignatureOf(item, target);
                            var thinking = ResponsesItems.SummaryText(item);
                            if (signature.Length == 0 && thinking.Length == 0) break;
                            w.WriteStartObject();
                            w.WriteString("type", "thinking");
                            w.WriteString("thinking", thinking);
                            w.WriteString("signature", signature);
                            w.WriteEndObject();
                            break;
                        case "message":
                            var (text, refusal) = ResponsesItems.MessageText(item);
                            sawRefusal |= refusal;
                            var shown = cutter.Cut(text);
                            if (string.IsNullOrWhiteSpace(shown)) break;
                            w.WriteStartObject();
                            w.WriteString("type", "text");
                            w.WriteString("text", shown);
                            w.WriteEndObject();
                            break;
                        case "function_call":
                            if (item.String("name") is not { Length: > 0 } name) break;
                            toolUses++;
                            w.WriteStartObject();
                            w.WriteString("type", "tool_use");
                            w.WriteString("id", ids.Assign(item.String("call_id")));
                            w.WriteString("name", ReplyHelpers.RestoreToolName(name, request));
                            w.WritePropertyName("input");
                            w.WriteRawValue(ReplyHelpers.NormalizeArguments(item.String("arguments")), skipInputValidation: true);
                            w.WriteEndObject();
                            break;
                    }
                }
                w.WriteEndArray();
                if (cutter.Matched is { } stop)
                {
                    w.WriteString("stop_reason", "stop_sequence");
                    w.WriteString("stop_sequence", stop);
                }
                else
                {
                    w.WriteString("stop_reason", StopReasons.Map(ResponsesItems.FinishReason(root), toolUses > 0, sawRefusal));
                    w.WriteNull("stop_sequence");
                }
                UsageMapping.WriteMessageUsage(w, usage);
                w.WriteEndObject();
            }
            return output.WrittenSpan.ToArray();
        }
    }
}
