using System.Buffers;
using System.Text;
using System.Text.Json;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Conversation;

namespace ClaudeModelProxy.Core.OpenAi;

/// <summary>
/// Turns one upstream Chat Completions stream into Anthropic SSE events (protocol §3.4). Not thread-safe: one instance
/// per response, fed in order.
/// </summary>
/// <remarks>
/// Output contract: <c>message_start</c>, <c>ping</c>, then blocks with indices 0, 1, 2… opened one at a time,
/// then <c>message_delta</c> (stop reason and final usage) and <c>message_stop</c>; or, when the upstream fails or
/// ends before a finish reason, an <c>error</c> event and nothing after it.
/// Tool calls: the first named call streams live as <c>input_json_delta</c>s; calls that start while it is open
/// are buffered and emitted whole when the open call is closed (by a finish reason, text, reasoning or the end),
/// so interleaved or out-of-order fragments never reach the wrong block. Fragments for a call whose block is
/// already closed are dropped.
/// </remarks>
public sealed class ChatStreamTranslator : IAnthropicStreamTranslator
{
    private enum OpenBlock { None, Text, Thinking, Tool }

    private sealed class StreamCall
    {
        public required string AnthropicId { get; init; }
        public string? UpstreamId { get; init; }
        public string? Name { get; set; }
        public StringBuilder Arguments { get; } = new();
        public int EmittedLength { get; set; }
        public bool Opened { get; set; }
        public bool Closed { get; set; }
        public string? Signature { get; set; }
    }

    private readonly TranslatedRequest request;
    private readonly TranslationTarget target;
    private readonly string provider;
    private readonly string messageId = AnthropicIds.NewMessageId();
    private readonly AnthropicEventWriter events = new();
    private readonly ToolUseIdAssigner ids = new();

    private OpenBlock open;
    private int openIndex = -1;
    private int nextIndex;
    private readonly StringBuilder heldText = new();
    private readonly StringBuilder heldThinking = new();

    private readonly List<StreamCall> calls = [];
    private readonly Dictionary<int, StreamCall> callsByIndex = [];
    private StreamCall? live;
    private string? looseSignature;
    /// <summary>The provider's per-call state (Gemini's thought signatures), or null when it keeps none.</summary>
    private readonly IToolCallState? callState;
    private int toolUseBlocks;

    private string? finishReason;
    private bool sawFinish;
    private bool sawRefusal;
    private bool ended;
    private TokenUsage usage;

    internal ChatStreamTranslator(TranslatedRequest request, TranslationTarget target)
    {
        this.request = request;
        this.target = target;
        provider = target.Provider.DisplayName;
        callState = request.Quirks.CallState;
    }

    /// <summary><c>message_start</c> has been written.</summary>
    public bool Started { get; private set; }

    /// <summary>The usage reported so far, mapped to Anthropic's meaning (final once the stream has ended).</summary>
    public TokenUsage Usage => usage;

    /// <summary>Set when the stream ended with an <c>error</c> event: what that event told the client.</summary>
    public ProxyFailure? Failure { get; private set; }

    /// <summary>Handles one upstream SSE event's data (the bytes after <c>data: </c>, possibly <c>[DONE]</c>).</summary>
    public void OnData(ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (ended) return;
        data = data.Trim(" \t\r\n"u8);
        if (data.IsEmpty) return;
        if (data.SequenceEqual("[DONE]"u8))
        {
            if (Started) Finish(output);
            else Fail(output, AnthropicError.Api, $"{provider} ended the stream without sending anything.");
            return;
        }
        if (TryRelayPlainDelta(data, output)) return;
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = 256 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            return; // Not a chunk (some servers interleave keep-alive text); nothing to translate.
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array || root.Property("error") is not null)
            {
                Fail(output, ErrorTranslation.FromErrorPayload(root, provider));
                return;
            }
            if (root.ValueKind != JsonValueKind.Object) return;
            EnsureStarted(output);
            if (root.Object("usage") is { } u) usage = UsageMapping.Map(u);
            if (callState?.Read(root) is { } rootSignature) AttachLooseSignature(rootSignature);
            if (root.Array("choices") is not { } choices) return;
            foreach (var choice in choices.EnumerateArray())
            {
                if (choice.ValueKind != JsonValueKind.Object || choice.Long("index") is > 0) continue;
                OnChoice(choice, output);
                break;
            }
        }
    }

    /// <summary>
    /// The fast path for most of a stream: a chunk that only adds text to the open text block (or
    /// reasoning to the open thinking block) becomes its delta event with the text copied as it was
    /// escaped, without parsing a document or decoding the string. False: use the full path.
    /// </summary>
    private bool TryRelayPlainDelta(ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (!Started || !PlainDeltaChunk.TryRead(data, out var kind, out var textRange)) return false;
        var escapedText = data[textRange];
        switch (kind)
        {
            case PlainDeltaKind.Nothing:
                return true;
            case PlainDeltaKind.Content when open == OpenBlock.Text:
                AnthropicEventWriter.EscapedDelta(output, openIndex, AnthropicEventWriter.TextDeltaStart, escapedText);
                return true;
            case PlainDeltaKind.Reasoning when open == OpenBlock.Thinking:
                AnthropicEventWriter.EscapedDelta(output, openIndex, AnthropicEventWriter.ThinkingDeltaStart, escapedText);
                return true;
            default:
                return false; // a block has to open or close first
        }
    }

    /// <summary>Handles the end of the upstream body; <paramref name="connectionBroken"/> when reading it failed.</summary>
    public void OnEnd(IBufferWriter<byte> output, bool connectionBroken)
    {
        if (ended) return;
        // Everything the model said has arrived once it gave a finish reason; only usage may be missing.
        if (sawFinish && Started)
        {
            Finish(output);
            return;
        }
        Fail(output, AnthropicError.Api, connectionBroken
            ? $"The connection to {provider} broke before the reply was complete."
            : $"{provider} ended the stream before the reply was complete.");
    }

    private void OnChoice(JsonElement choice, IBufferWriter<byte> output)
    {
        var delta = choice.Object("delta") ?? choice.Object("message");
        if (callState?.Read(choice) is { } choiceSignature) AttachLooseSignature(choiceSignature);
        if (delta is { } d)
        {
            if (callState?.Read(d) is { } deltaSignature) AttachLooseSignature(deltaSignature);
            if (d.ReasoningText() is { Length: > 0 } reasoning) OnReasoning(reasoning, output);
            if (d.ContentText() is { Length: > 0 } text) OnText(text, output);
            if (d.String("refusal") is { Length: > 0 } refusal)
            {
                sawRefusal = true;
                OnText(refusal, output);
            }
            if (d.Array("tool_calls") is { } toolCalls)
            {
                foreach (var call in toolCalls.EnumerateArray())
                    if (call.ValueKind == JsonValueKind.Object) OnToolCall(call, output);
            }
            else if (d.Object("function_call") is not null) OnToolCall(d, output);
        }
        if (choice.String("finish_reason") is { Length: > 0 } finish)
        {
            finishReason = finish;
            sawFinish = true;
            CloseAll(output);
        }
    }

    // ---- text and reasoning ----

    private void OnReasoning(string text, IBufferWriter<byte> output)
    {
        if (open == OpenBlock.Thinking)
        {
            WriteDelta(output, "thinking_delta", "thinking", text);
            return;
        }
        if (string.IsNullOrWhiteSpace(text))
        {
            heldThinking.Append(text);
            return;
        }
        var held = heldThinking.ToString();
        CloseAll(output);
        OpenSimpleBlock(output, OpenBlock.Thinking);
        WriteDelta(output, "thinking_delta", "thinking", held + text);
    }

    private void OnText(string text, IBufferWriter<byte> output)
    {
        if (open == OpenBlock.Text)
        {
            WriteDelta(output, "text_delta", "text", text);
            return;
        }
        // Never open a whitespace-only text block: hold whitespace until something visible follows.
        if (string.IsNullOrWhiteSpace(text))
        {
            heldText.Append(text);
            return;
        }
        var held = heldText.ToString();
        CloseAll(output);
        OpenSimpleBlock(output, OpenBlock.Text);
        WriteDelta(output, "text_delta", "text", held + text);
    }

    /// <summary>Opens a text or thinking block; whitespace held for either kind is dropped (the caller took what it needs).</summary>
    private void OpenSimpleBlock(IBufferWriter<byte> output, OpenBlock kind)
    {
        heldText.Clear();
        heldThinking.Clear();
        open = kind;
        openIndex = nextIndex++;
        if (kind == OpenBlock.Text) events.TextStart(output, openIndex);
        else events.ThinkingStart(output, openIndex);
    }

    /// <summary>Closes the open block and emits every buffered tool call.</summary>
    private void CloseAll(IBufferWriter<byte> output)
    {
        CloseOpenBlock(output);
        foreach (var call in calls)
        {
            if (call.Opened || call.Closed) continue;
            call.Closed = true;
            if (call.Name is null) continue; // a call that never got a name cannot be shown
            OpenToolBlock(output, call);
            WriteDelta(output, "input_json_delta", "partial_json", ReplyHelpers.NormalizeArguments(call.Arguments.ToString()));
            CloseOpenBlock(output);
        }
    }

    private void CloseOpenBlock(IBufferWriter<byte> output)
    {
        switch (open)
        {
            case OpenBlock.None:
                return;
            case OpenBlock.Thinking:
                WriteDelta(output, "signature_delta", "signature", Conversation.MintedSignatures.Reasoning(request.MintingProvider));
                break;
            case OpenBlock.Tool when live is { } call:
                if (call.EmittedLength == 0) WriteDelta(output, "input_json_delta", "partial_json", "{}");
                call.Closed = true;
                live = null;
                break;
        }
        events.BlockStop(output, openIndex);
        open = OpenBlock.None;
    }

    // ---- tool calls ----

    private void OnToolCall(JsonElement entry, IBufferWriter<byte> output)
    {
        var function = entry.Object("function") ?? entry.Object("function_call");
        var id = entry.String("id") is { Length: > 0 } i ? i : null;
        var name = function?.String("name") is { Length: > 0 } n ? n : null;
        string? fragment = null;
        if (function?.Property("arguments") is { } arguments)
            fragment = arguments.ValueKind == JsonValueKind.String ? arguments.Text() : arguments.GetRawText();
        int? index = entry.Long("index") is { } x and >= 0 and <= int.MaxValue ? (int)x : null;

        var call = FindCall(index, id, name) ?? NewCall(index, id);
        if (call.Closed) return; // a late fragment for a block already closed must not touch later blocks
        call.Name ??= name;
        if (callState?.Read(entry) is { } signature) SetSignature(call, signature);
        if (!string.IsNullOrEmpty(fragment)) call.Arguments.Append(fragment);

        if (call == live)
        {
            EmitPendingArguments(output, call);
        }
        else if (live is null && !call.Opened && call.Name is not null)
        {
            CloseOpenBlock(output);
            live = call;
            OpenToolBlock(output, call);
            EmitPendingArguments(output, call);
        }
    }

    /// <summary>The call a fragment continues, or null when it starts a new one (§3.4 rule 5, plus Gemini's deviations).</summary>
    private StreamCall? FindCall(int? index, string? id, string? name)
    {
        if (id is not null && calls.FindLast(c => c.UpstreamId == id) is { } sameId) return sameId;
        StreamCall? candidate;
        if (index is { } i) candidate = callsByIndex.GetValueOrDefault(i);
        else candidate = id is null && calls.Count > 0 ? calls[^1] : null; // no index: continuation only without an id
        if (candidate is null) return null;
        // A new id on a used index is a new call (Gemini puts parallel calls all at index 0).
        if (id is not null && candidate.UpstreamId is not null && id != candidate.UpstreamId) return null;
        // A name for a call that already has a name and complete arguments is a whole new call without an id.
        if (name is not null && candidate.Name is not null && ReplyHelpers.IsCompleteJson(candidate.Arguments.ToString())) return null;
        return candidate;
    }

    private StreamCall NewCall(int? index, string? id)
    {
        var call = new StreamCall { AnthropicId = ids.Assign(id), UpstreamId = id };
        calls.Add(call);
        if (index is { } i) callsByIndex[i] = call;
        if (looseSignature is { } signature)
        {
            looseSignature = null;
            SetSignature(call, signature);
        }
        return call;
    }

    private void OpenToolBlock(IBufferWriter<byte> output, StreamCall call)
    {
        call.Opened = true;
        open = OpenBlock.Tool;
        openIndex = nextIndex++;
        toolUseBlocks++;
        events.ToolUseStart(output, openIndex, call.AnthropicId, ReplyHelpers.RestoreToolName(call.Name!, request));
    }

    private void EmitPendingArguments(IBufferWriter<byte> output, StreamCall call)
    {
        if (call.Arguments.Length <= call.EmittedLength) return;
        var fragment = call.Arguments.ToString(call.EmittedLength, call.Arguments.Length - call.EmittedLength);
        call.EmittedLength = call.Arguments.Length;
        WriteDelta(output, "input_json_delta", "partial_json", fragment);
    }

    private void SetSignature(StreamCall call, string signature)
    {
        call.Signature = signature;
    }

    /// <summary>A signature not attached to a call: it belongs to the first call without one, or to the next call.</summary>
    private void AttachLooseSignature(string signature)
    {
        if (calls.Find(c => c.Signature is null) is { } call) SetSignature(call, signature);
        else looseSignature = signature;
    }

    /// <summary>
    /// The provider's call state (Gemini's thought signatures) of the calls shown, in one thinking block after the tool_use blocks (the signature
    /// is the field clients keep), so any gateway process can restore them next turn. After, not before: a signature
    /// can arrive with its call or in a later metadata-only delta while that call's block is already open, and only
    /// one block may be open at a time; holding every call back until the end instead would stop them streaming.
    /// </summary>
    private void EmitSignatureCarrier(IBufferWriter<byte> output)
    {
        if (callState is null) return;
        if (looseSignature is { } loose && calls.Find(c => c.Opened && c.Signature is null) is { } unsigned) unsigned.Signature = loose;
        var carried = calls.Where(c => c.Opened && c.Signature is not null).Select(c => new KeyValuePair<string, string>(c.AnthropicId, c.Signature!)).ToList();
        if (carried.Count == 0) return;
        OpenSimpleBlock(output, OpenBlock.Thinking);
        WriteDelta(output, "signature_delta", "signature", callState.Encode(carried));
        events.BlockStop(output, openIndex);
        open = OpenBlock.None;
    }

    // ---- message framing ----

    private void EnsureStarted(IBufferWriter<byte> output)
    {
        if (Started) return;
        Started = true;
        // Input counts are placeholders: the real ones come with message_delta, once the upstream reports usage.
        events.MessageStart(output, messageId, target.ResponseModel);
    }

    private void Finish(IBufferWriter<byte> output)
    {
        CloseAll(output);
        EmitSignatureCarrier(output);
        events.MessageEnd(output, StopReasons.Map(finishReason, toolUseBlocks > 0, sawRefusal), null, usage);
        ended = true;
    }

    private void Fail(IBufferWriter<byte> output, string type, string message) =>
        Fail(output, new ProxyFailure(FailureStage.UpstreamStream, 502, type, message));

    private void Fail(IBufferWriter<byte> output, ProxyFailure failure)
    {
        output.Write(AnthropicError.SseEvent(failure.ErrorType, failure.Message));
        Failure = failure;
        ended = true;
    }

    private void WriteDelta(IBufferWriter<byte> output, string deltaType, string field, string value) =>
        events.Delta(output, openIndex, deltaType, field, value);
}
