using System.Text.Json;
using ClaudeModelProxy.Core.OpenAi;

namespace ClaudeModelProxy.Core.Responses;

/// <summary>
/// The request draft (messages already paired, tools named, images moved) written as a Responses API request
/// (protocol §5b): system → <c>instructions</c>, messages → <c>input</c> items, flat function tools with
/// <c>strict:false</c>, <c>max_output_tokens</c> ≥ 16, <c>reasoning</c> per model, always <c>store:false</c> (with
/// the encrypted reasoning included for reasoning models). Never <c>stop</c>, <c>max_tokens</c> or <c>messages</c>: the API refuses them.
/// </summary>
internal static class ResponsesRequestWriter
{
    /// <summary>The API's minimum: "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16".</summary>
    public const int MinimumOutputTokens = 16;

    public static void Write(Utf8JsonWriter w, ChatRequestDraft draft, TranslationTarget target)
    {
        var quirks = target.Provider.Quirks;
        var reasoning = quirks.Reasons(draft.Model);
        var mintedFor = ReplyHelpers.MintingProvider(target);
        w.WriteStartObject();
        w.WriteString("model", draft.Model);

        // Leading system messages (the top-level system prompt) become the instructions; later ones stay in place.
        var first = 0;
        var instructions = new List<string>();
        while (first < draft.Messages.Count && draft.Messages[first].Role == "system")
            instructions.Add(ChatRequestDraft.JoinText(draft.Messages[first++].Parts, "\n\n"));
        if (instructions.Count > 0) w.WriteString("instructions", string.Join("\n\n", instructions));

        w.WriteStartArray("input");
        for (var i = first; i < draft.Messages.Count; i++) WriteItems(w, draft.Messages[i], reasoning, mintedFor);
        w.WriteEndArray();

        WriteTools(w, draft);
        if (draft.MaxTokens is { } maxTokens) w.WriteNumber("max_output_tokens", Math.Max(maxTokens, MinimumOutputTokens));

        // No thinking asked → say nothing (the model's default effort applies, and tools still work on this API).
        if (reasoning && quirks.ReasoningEffort(draft.Model, draft.Thinking.ReasoningEffort) is { } effort)
        {
            w.WriteStartObject("reasoning");
            w.WriteString("effort", effort);
            if (effort != "none") w.WriteString("summary", "auto"); // so there is thinking text to show
            w.WriteEndObject();
        }
        // Reasoning models refuse sampling parameters.
        if (!reasoning)
        {
            if (draft.Temperature is { } temperature) w.WriteNumber("temperature", temperature);
            if (draft.TopP is { } topP) w.WriteNumber("top_p", topP);
        }
        if (draft.ResponseFormatSchema is { } schema)
        {
            w.WriteStartObject("text");
            w.WriteStartObject("format");
            w.WriteString("type", "json_schema");
            w.WriteString("name", "output");
            w.WriteBoolean("strict", false);
            w.WritePropertyName("schema");
            EscapeMask.WriteClientJson(w, schema);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        if (draft.UserHash is { } user)
        {
            // A hash of metadata.user_id: Claude Code's carries the session, so the cache key is stable per conversation.
            w.WriteString("safety_identifier", user);
            w.WriteString("prompt_cache_key", user);
        }
        // Stateless: nothing is kept at OpenAI; the encrypted reasoning rides in the conversation instead.
        // A model without reasoning has none to include (and has refused the include).
        w.WriteBoolean("store", false);
        if (reasoning)
        {
            w.WriteStartArray("include");
            w.WriteStringValue("reasoning.encrypted_content");
            w.WriteEndArray();
        }
        if (draft.Stream) w.WriteBoolean("stream", true);
        w.WriteEndObject();
    }

    private static void WriteTools(Utf8JsonWriter w, ChatRequestDraft draft)
    {
        if (draft.Tools.Count == 0) return;
        w.WriteStartArray("tools");
        foreach (var tool in draft.Tools)
        {
            w.WriteStartObject();
            w.WriteString("type", "function");
            w.WriteString("name", tool.Name);
            if (!string.IsNullOrEmpty(tool.Description)) w.WriteString("description", tool.Description);
            w.WritePropertyName("parameters");
            if (tool.InputSchema is { ValueKind: JsonValueKind.Object } schema) EscapeMask.WriteClientJson(w, schema);
            else ChatRequestDraft.WriteEmptyObjectSchema(w);
            // Omitted, strict mode is on, and Claude Code's schemas are not written for it.
            w.WriteBoolean("strict", false);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (draft.ToolChoiceFunction is { } function)
        {
            w.WriteStartObject("tool_choice");
            w.WriteString("type", "function");
            w.WriteString("name", function);
            w.WriteEndObject();
        }
        else if (draft.ToolChoice is { } choice) w.WriteString("tool_choice", choice);
        if (draft.ParallelToolCalls is { } parallel) w.WriteBoolean("parallel_tool_calls", parallel);
    }

    private static void WriteItems(Utf8JsonWriter w, ChatMessage message, bool reasoningModel, string mintedFor)
    {
        switch (message.Role)
        {
            case "tool":
                w.WriteStartObject();
                w.WriteString("type", "function_call_output");
                w.WriteString("call_id", message.ToolCallId);
                // Tool output is most of a long conversation: its JSON string is copied, not decoded and re-escaped.
                if (message.Parts is [{ Kind: PartKind.Text } only]) only.WriteText(w, "output");
                else w.WriteString("output", ChatRequestDraft.JoinText(message.Parts, "\n"));
                w.WriteEndObject();
                return;
            case "assistant":
                WriteAssistant(w, message, reasoningModel, mintedFor);
                return;
            default:
                WriteContentMessage(w, message.Role == "system" ? "developer" : message.Role, message.Parts, "input_text");
                return;
        }
    }

    /// <summary>
    /// Reasoning items first (they preceded the turn's text and calls), then the text, then the calls. Only a
    /// signature this gateway minted for the target provider becomes a reasoning item. Thinking from anywhere else (Anthropic,
    /// Gemini, another Chat route, a forged signature) is dropped: it cannot be verified, and replaying another
    /// model's private reasoning as visible assistant text would put words in this model's mouth.
    /// </summary>
    private static void WriteAssistant(Utf8JsonWriter w, ChatMessage message, bool reasoningModel, string mintedFor)
    {
        // A reasoning item must be followed by what it reasoned towards ("… was provided without its required following
        // item"): a turn that ended inside its reasoning (max_output_tokens) keeps none.
        var followed = message.Parts.Count > 0 || message.ToolCalls.Count > 0;
        foreach (var thinking in message.ThinkingBlocks)
        {
            // A conversation switched to a model without reasoning has no use for (and no way to read) the reasoning items.
            if (!followed || !reasoningModel || !ReasoningSignature.TryDecode(thinking.Signature, mintedFor, out var state)) continue;
            w.WriteStartObject();
            w.WriteString("type", "reasoning");
            w.WriteString("id", state.Id);
            w.WriteStartArray("summary");
            if (thinking.Text.Length > 0)
            {
                w.WriteStartObject();
                w.WriteString("type", "summary_text");
                w.WriteString("text", thinking.Text);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("encrypted_content", state.EncryptedContent);
            w.WriteEndObject();
        }
        if (message.Parts.Count > 0) WriteContentMessage(w, "assistant", message.Parts, "output_text");
        foreach (var call in message.ToolCalls)
        {
            w.WriteStartObject();
            w.WriteString("type", "function_call");
            w.WriteString("call_id", call.Id);
            w.WriteString("name", call.Name);
            w.WriteString("arguments", call.Arguments);
            w.WriteEndObject();
        }
    }

    private static void WriteContentMessage(Utf8JsonWriter w, string role, List<ChatPart> parts, string textType)
    {
        if (parts.Count == 0) return;
        w.WriteStartObject();
        w.WriteString("role", role);
        w.WriteStartArray("content");
        foreach (var part in parts)
        {
            var (type, field) = part.Kind switch
            {
                PartKind.ImageUrl => ("input_image", "image_url"),
                PartKind.File => ("input_file", "file_data"),
                _ => (textType, "text"),
            };
            w.WriteStartObject();
            w.WriteString("type", type);
            if (part.Kind == PartKind.File) w.WriteString("filename", part.FileName ?? "document.pdf");
            if (part.Kind == PartKind.Text) part.WriteText(w, field);
            else w.WriteString(field, part.Value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
