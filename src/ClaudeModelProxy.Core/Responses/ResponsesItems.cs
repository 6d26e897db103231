using System.Text;
using System.Text.Json;
using ClaudeModelProxy.Core.OpenAi;

namespace ClaudeModelProxy.Core.Responses;

/// <summary>Reading Responses API output items, shared by the JSON and the stream translation.</summary>
internal static class ResponsesItems
{
    /// <summary>The thinking block signature carrying this reasoning item, or "" when it has no encrypted content to carry.</summary>
    public static string ReasoningSignatureOf(JsonElement item, TranslationTarget target) =>
        item.String("id") is { Length: > 0 } id && item.String("encrypted_content") is { Length: > 0 } encrypted
            ? ReasoningSignature.Encode(ReplyHelpers.MintingProvider(target), new ReasoningState(id, encrypted))
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
