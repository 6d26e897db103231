using System.Buffers;
using System.Text;
using System.Text.Json;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.OpenAi;

namespace ClaudeModelProxy.Core.Responses;

/// <summary>
/// Turns one Responses API stream (<c>response.created</c> … <c>response.completed</c>, protocol §5b) into Anthropic SSE
/// events, fed event by event by the gateway's relay loop.
/// </summary>
/// <remarks>
/// Output items become blocks in output order, one open at a time: reasoning → <c>thinking</c> (summary text, then a
/// <c>signature_delta</c> carrying the item's id and encrypted content), message → <c>text</c>, function_call →
/// <c>tool_use</c>. Events for an item other than the current one (OpenAI streams items one after the other, but
/// nothing here depends on it) are buffered and emitted when that item's turn comes. A stop sequence in the text ends
/// the visible reply there; the rest of the upstream stream is read only for its usage.
/// </remarks>
internal sealed class ResponsesStreamTranslator : IAnthropicStreamTranslator
{
    private const string Provider = "OpenAI";

    private enum ItemKind { Reasoning, Message, FunctionCall, Other }

    private sealed class Item(int outputIndex, string? id, ItemKind kind)
    {
        public int OutputIndex { get; } = outputIndex;
        public string? Id { get; } = id;
        public ItemKind Kind { get; } = kind;
        public string? CallId { get; set; }
        public string? Name { get; set; }
        /// <summary>Content received while another item was current, not yet shown.</summary>
        public StringBuilder Pending { get; } = new();
        public bool ReceivedDeltas { get; set; }
        public int SummaryParts { get; set; }
        public string Signature { get; set; } = "";
        public bool Done { get; set; }
        public bool Opened { get; set; }
        public bool Closed { get; set; }
        public int BlockIndex { get; set; }
        public bool EmittedArguments { get; set; }
    }

    private readonly TranslatedRequest request;
    private readonly TranslationTarget target;
    private readonly AnthropicEventWriter events = new();
    private readonly ToolUseIdAssigner ids = new();
    private readonly StopSequenceCutter cutter;
    private readonly string messageId = AnthropicIds.NewMessageId();
    private readonly List<Item> items = [];

    /// <summary>Index into <see cref="items"/> of the item whose block may be open; the ones after it wait.</summary>
    private int current;
    private int nextBlockIndex;
    private int toolUseBlocks;
    private bool sawRefusal;
    private bool started;
    private bool ended;
    private TokenUsage usage;

    public ResponsesStreamTranslator(TranslatedRequest request, TranslationTarget target)
    {
        this.request = request;
        this.target = target;
        cutter = new StopSequenceCutter(request.StopSequences);
    }

    public TokenUsage Usage => usage;

    /// <summary>Set when the stream ended with an <c>error</c> event: what that event told the client.</summary>
    public ProxyFailure? Failure { get; private set; }

    private bool Stopped => cutter.Matched is not null;

    public void OnData(ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (ended) return;
        data = data.Trim(" \t\r\n"u8);
        if (data.IsEmpty || data.SequenceEqual("[DONE]"u8)) return;
        if (TryRelayPlainDelta(data, output)) return;
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = 256 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            return; // not an event (keep-alive text from a proxy in between); nothing to translate
        }
        using (document) OnEvent(document.RootElement, output);
    }

    private void OnEvent(JsonElement root, IBufferWriter<byte> output)
    {
        if (root.ValueKind != JsonValueKind.Object) return;
        switch (root.String("type"))
        {
            case "error":
                Fail(output, ErrorTranslation.FromErrorPayload(root, Provider));
                return;
            case "response.failed":
                if (root.Object("response") is { } failed && failed.Object("error") is not null) Fail(output, ErrorTranslation.FromErrorPayload(failed, Provider));
                else Fail(output, AnthropicError.Api, $"{Provider} could not complete the reply.");
                return;
            case "response.created" or "response.in_progress":
                EnsureStarted(output);
                return;
            case "response.output_item.added":
                EnsureStarted(output);
                if (root.Object("item") is { } added) OnItemAdded(root, added, output);
                return;
            case "response.reasoning_summary_part.added":
                if (Find(root) is { } reasoning && reasoning.SummaryParts++ > 0) Append(reasoning, "\n\n", output);
                return;
            case "response.reasoning_summary_text.delta" or "response.output_text.delta" or "response.function_call_arguments.delta":
                if (Find(root) is { } item && root.String("delta") is { Length: > 0 } delta)
                {
                    item.ReceivedDeltas = true;
                    Append(item, delta, output);
                }
                return;
            case "response.refusal.delta":
                if (Find(root) is { } refused && root.String("delta") is { Length: > 0 } refusal)
                {
                    sawRefusal = true;
                    refused.ReceivedDeltas = true;
                    Append(refused, refusal, output);
                }
                return;
            case "response.output_item.done":
                if (root.Object("item") is { } done) OnItemDone(root, done, output);
                return;
            case "response.completed" or "response.incomplete":
                EnsureStarted(output);
                var response = root.Object("response");
                if (response?.Object("usage") is { } u) usage = UsageMapping.Map(u);
                Finish(output, response is { } r ? ResponsesItems.FinishReason(r) : null);
                return;
        }
    }

    /// <summary>
    /// The fast path for most of a stream: a delta for the current item's open block (no stop sequences to watch, nothing
    /// held back) becomes its Anthropic delta event with the text copied as it was escaped, without a document or a
    /// decoded string. False: use the full path.
    /// </summary>
    private bool TryRelayPlainDelta(ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (!started || Stopped || current >= items.Count) return false;
        var item = items[current];
        if (!item.Opened || item.Closed || item.Pending.Length > 0) return false;
        if (!ResponsesDeltaEvent.TryRead(data, out var kind, out var outputIndex, out var deltaRange) || outputIndex != item.OutputIndex) return false;
        // Only the first item with this index is the one the full path would find (a loop: no closure per event).
        for (var earlier = 0; earlier < current; earlier++)
            if (items[earlier].OutputIndex == outputIndex) return false;
        var deltaStart = (kind, item.Kind) switch
        {
            (ResponsesDeltaKind.Text, ItemKind.Message) when !cutter.IsActive => AnthropicEventWriter.TextDeltaStart,
            (ResponsesDeltaKind.ReasoningSummary, ItemKind.Reasoning) => AnthropicEventWriter.ThinkingDeltaStart,
            (ResponsesDeltaKind.FunctionArguments, ItemKind.FunctionCall) when !string.IsNullOrEmpty(item.Name) => AnthropicEventWriter.InputJsonDeltaStart,
            _ => default,
        };
        if (deltaStart.IsEmpty) return false;
        item.ReceivedDeltas = true;
        if (item.Kind == ItemKind.FunctionCall) item.EmittedArguments = true;
        AnthropicEventWriter.EscapedDelta(output, item.BlockIndex, deltaStart, data[deltaRange]);
        return true;
    }

    // ---- items ----

    private Item? Find(JsonElement root)
    {
        if (root.Long("output_index") is { } index) return items.Find(i => i.OutputIndex == index);
        return root.String("item_id") is { } id ? items.Find(i => i.Id == id) : null;
    }

    private void OnItemAdded(JsonElement root, JsonElement added, IBufferWriter<byte> output)
    {
        var index = (int)(root.Long("output_index") ?? items.Count);
        if (items.Exists(i => i.OutputIndex == index)) return;
        var kind = added.String("type") switch
        {
            "reasoning" => ItemKind.Reasoning,
            "message" => ItemKind.Message,
            "function_call" => ItemKind.FunctionCall,
            _ => ItemKind.Other, // web search calls and the like have no Anthropic form here
        };
        var item = new Item(index, added.String("id"), kind) { CallId = added.String("call_id"), Name = added.String("name") };
        items.Add(item);
        if (IsCurrent(item)) Activate(item, output);
    }

    private void OnItemDone(JsonElement root, JsonElement done, IBufferWriter<byte> output)
    {
        var item = Find(root);
        if (item is null)
        {
            OnItemAdded(root, done, output); // a done without its added: take the finished item whole
            item = Find(root);
            if (item is null) return;
        }
        if (item.Done) return;
        switch (item.Kind)
        {
            case ItemKind.Reasoning:
                item.Signature = ResponsesItems.ReasoningSignatureOf(done, target);
                if (!item.ReceivedDeltas) Append(item, ResponsesItems.SummaryText(done), output);
                break;
            case ItemKind.Message:
                if (!item.ReceivedDeltas)
                {
                    var (text, refusal) = ResponsesItems.MessageText(done);
                    sawRefusal |= refusal;
                    Append(item, text, output);
                }
                break;
            case ItemKind.FunctionCall:
                item.CallId ??= done.String("call_id");
                item.Name ??= done.String("name");
                if (!item.ReceivedDeltas) Append(item, done.String("arguments") ?? "", output);
                break;
        }
        item.Done = true;
        if (IsCurrent(item)) Advance(output);
    }

    private bool IsCurrent(Item item) => current < items.Count && items[current] == item;

    /// <summary>The item became current: open what can be opened and show what it had received meanwhile.</summary>
    private void Activate(Item item, IBufferWriter<byte> output)
    {
        if (Stopped) return;
        if (item.Kind == ItemKind.FunctionCall && !string.IsNullOrEmpty(item.Name)) OpenBlock(item, output);
        if (item.Pending.Length == 0) return;
        var pending = item.Pending.ToString();
        item.Pending.Clear();
        Show(item, pending, output);
    }

    /// <summary>The current item is done: close it, then let the next ones have their turn.</summary>
    private void Advance(IBufferWriter<byte> output)
    {
        while (current < items.Count && items[current].Done)
        {
            Close(items[current], output);
            current++;
            if (current < items.Count) Activate(items[current], output);
        }
    }

    private void Append(Item item, string text, IBufferWriter<byte> output)
    {
        if (text.Length == 0) return;
        if (IsCurrent(item)) Show(item, text, output);
        else item.Pending.Append(text);
    }

    private void Show(Item item, string text, IBufferWriter<byte> output)
    {
        if (Stopped) return;
        switch (item.Kind)
        {
            case ItemKind.Reasoning:
                OpenBlock(item, output);
                events.Delta(output, item.BlockIndex, "thinking_delta", "thinking", text);
                break;
            case ItemKind.Message:
                var shown = cutter.Push(text);
                ShowText(item, shown, output);
                if (Stopped) CloseBlock(item, output);
                break;
            case ItemKind.FunctionCall:
                if (string.IsNullOrEmpty(item.Name))
                {
                    item.Pending.Append(text); // its name may still come with output_item.done
                    break;
                }
                OpenBlock(item, output);
                item.EmittedArguments = true;
                events.Delta(output, item.BlockIndex, "input_json_delta", "partial_json", text);
                break;
        }
    }

    private void ShowText(Item item, string text, IBufferWriter<byte> output)
    {
        // Never open a whitespace-only text block: hold whitespace until something visible follows.
        if (!item.Opened && string.IsNullOrWhiteSpace(text))
        {
            item.Pending.Append(text);
            return;
        }
        if (!item.Opened && item.Pending.Length > 0)
        {
            text = item.Pending + text;
            item.Pending.Clear();
        }
        if (text.Length == 0) return;
        OpenBlock(item, output);
        events.Delta(output, item.BlockIndex, "text_delta", "text", text);
    }

    private void OpenBlock(Item item, IBufferWriter<byte> output)
    {
        if (item.Opened) return;
        item.Opened = true;
        item.BlockIndex = nextBlockIndex++;
        switch (item.Kind)
        {
            case ItemKind.Reasoning:
                events.ThinkingStart(output, item.BlockIndex);
                break;
            case ItemKind.Message:
                events.TextStart(output, item.BlockIndex);
                break;
            case ItemKind.FunctionCall:
                toolUseBlocks++;
                events.ToolUseStart(output, item.BlockIndex, ids.Assign(item.CallId), ReplyHelpers.RestoreToolName(item.Name ?? "", request));
                break;
        }
    }

    /// <summary>Ends the item's block: a reasoning item's signature, a text's held-back tail, a call's empty arguments.</summary>
    private void Close(Item item, IBufferWriter<byte> output)
    {
        if (Stopped)
        {
            CloseBlock(item, output);
            return;
        }
        switch (item.Kind)
        {
            case ItemKind.Reasoning:
                if (item.Signature.Length > 0) OpenBlock(item, output); // encrypted reasoning without a summary still has to come back
                if (item.Opened) events.Delta(output, item.BlockIndex, "signature_delta", "signature", item.Signature);
                break;
            case ItemKind.Message:
                ShowText(item, cutter.Flush(), output);
                break;
            case ItemKind.FunctionCall:
                if (string.IsNullOrEmpty(item.Name)) return; // a call without a name cannot be shown (and was never opened)
                if (!item.Opened)
                {
                    OpenBlock(item, output);
                    if (item.Pending.Length > 0) Show(item, item.Pending.ToString(), output);
                }
                if (!item.EmittedArguments) events.Delta(output, item.BlockIndex, "input_json_delta", "partial_json", "{}");
                break;
        }
        CloseBlock(item, output);
    }

    private void CloseBlock(Item item, IBufferWriter<byte> output)
    {
        if (!item.Opened || item.Closed) return;
        item.Closed = true;
        events.BlockStop(output, item.BlockIndex);
    }

    // ---- message framing ----

    private void EnsureStarted(IBufferWriter<byte> output)
    {
        if (started) return;
        started = true;
        events.MessageStart(output, messageId, target.ResponseModel);
    }

    private void Finish(IBufferWriter<byte> output, string? finishReason)
    {
        // Items the upstream never finished still end in order.
        foreach (var item in items) item.Done = true;
        Advance(output);
        var stopReason = Stopped ? "stop_sequence" : StopReasons.Map(finishReason, toolUseBlocks > 0, sawRefusal);
        events.MessageEnd(output, stopReason, cutter.Matched, usage);
        ended = true;
    }

    public void OnEnd(IBufferWriter<byte> output, bool connectionBroken)
    {
        if (ended) return;
        Fail(output, AnthropicError.Api, connectionBroken
            ? $"The connection to {Provider} broke before the reply was complete."
            : $"{Provider} ended the stream before the reply was complete.");
    }

    private void Fail(IBufferWriter<byte> output, string type, string message) =>
        Fail(output, new ProxyFailure(FailureStage.UpstreamStream, 502, type, message));

    private void Fail(IBufferWriter<byte> output, ProxyFailure failure)
    {
        output.Write(AnthropicError.SseEvent(failure.ErrorType, failure.Message));
        Failure = failure;
        ended = true;
    }
}
