using System.Buffers;
using System.Text;
using System.Text.Json;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.OpenAi;

namespace ClaudeModelProxy.Core.Responses;

/// <summary>A non-streamed Responses API reply (<c>{"object":"response","output":[…]}</c>) → an Anthropic Message.</summary>
internal static class ResponsesReplyTranslation
{
    private const string Provider = "OpenAI";

    public static byte[] Translate(ReadOnlySpan<byte> json, TranslatedRequest request, TranslationTarget target, BoundedCache shortenedNames, out TokenUsage usage)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            throw new ChatTranslationException(ErrorTranslation.FromHttp(502, json, Provider));
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.Property("error") is { ValueKind: JsonValueKind.Object } || root.String("status") == "failed")
                throw new ChatTranslationException(ErrorTranslation.FromErrorPayload(root, Provider));

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
                            var signature = ResponsesItems.ReasoningSignatureOf(item);
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
                            w.WriteString("name", ReplyHelpers.RestoreToolName(name, request, shortenedNames));
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

/// <summary>Reading Responses API output items, shared by the JSON and the stream translation.</summary>
internal static class ResponsesItems
{
    /// <summary>The thinking block signature carrying this reasoning item, or "" when it has no encrypted content to carry.</summary>
    public static string ReasoningSignatureOf(JsonElement item) =>
        item.String("id") is { Length: > 0 } id && item.String("encrypted_content") is { Length: > 0 } encrypted
            ? ReasoningSignature.Encode(new ReasoningState(id, encrypted))
            : "";

    /// <summary>The summary parts' text, paragraphs apart.</summary>
    public static string SummaryText(JsonElement item)
    {
        var parts = new List<string>();
        foreach (var part in item.Array("summary")?.EnumerateArray() ?? default)
            if (part.String("text") is { Length: > 0 } text) parts.Add(text);
        return string.Join("\n\n", parts);
    }

    /// <summary>A message item's <c>output_text</c> (and <c>refusal</c>) parts as one text.</summary>
    public static (string Text, bool Refusal) MessageText(JsonElement item)
    {
        var text = new StringBuilder();
        var refusal = false;
        foreach (var part in item.Array("content")?.EnumerateArray() ?? default)
        {
            switch (part.String("type"))
            {
                case "output_text":
                    text.Append(part.String("text"));
                    break;
                case "refusal":
                    refusal = true;
                    text.Append(part.String("refusal"));
                    break;
            }
        }
        return (text.ToString(), refusal);
    }

    /// <summary>A Chat-style finish reason for <see cref="StopReasons.Map"/>: incomplete for length → "length", for the content filter → "content_filter".</summary>
    public static string? FinishReason(JsonElement response) =>
        response.String("status") == "incomplete"
            ? response.Object("incomplete_details")?.String("reason") switch
            {
                "max_output_tokens" => "length",
                "content_filter" => "content_filter",
                _ => null,
            }
            : null;
}
