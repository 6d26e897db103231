using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Conversation;

namespace ClaudeModelProxy.Core.OpenAi;

/// <summary>Anthropic Messages request → Chat Completions request (protocol §3.1, §3.2).</summary>
internal sealed class RequestTranslation
{
    /// <summary>Text left in a tool message whose images moved to the following user message (OpenAI tool content is text only).</summary>
    public const string ImageMovedMarker = "[image attached below]";
    public const string DocumentMovedMarker = "[document attached below]";
    /// <summary>Answer for a tool call the client never answered (the user interrupted); OpenAI rejects unanswered calls.</summary>
    public const string NoResultPlaceholder = "(no result)";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly TranslationTarget target;
    private readonly IProviderQuirks quirks;
    private readonly string mintingProvider;
    private readonly Dictionary<string, string> nameRestores = new(StringComparer.Ordinal);

    // One user turn's bookkeeping, reused from turn to turn: the calls it answers and their answers.
    private readonly HashSet<string> awaiting = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChatPart> results = new(StringComparer.Ordinal);

    public RequestTranslation(TranslationTarget target, IProviderQuirks quirks)
    {
        this.target = target;
        this.quirks = quirks;
        mintingProvider = ReplyHelpers.MintingProvider(target);
    }

    /// <summary>Tool names as sent upstream → the client's, for the names this request had to shorten.</summary>
    internal IReadOnlyDictionary<string, string> NameRestores => nameRestores;

    /// <summary>A request that cannot be expressed upstream; becomes a 400 with this message.</summary>
    private sealed class ShapeException(string message) : Exception(message);

    public TranslatedRequest Translate(ReadOnlySpan<byte> body) => Translate(new ReadOnlyMemory<byte>(body.ToArray()));

    /// <summary>Parses the body where it lies (no copy of a multi-megabyte request).</summary>
    /// <param name="scanned">The gateway's scan of this body, whose escaped strings spare a second scan; null to scan here.</param>
    public TranslatedRequest Translate(ReadOnlyMemory<byte> body, ScannedRequest? scanned = null) => Translate(body, null, scanned);

    /// <summary>
    /// The same walk of the Anthropic request, written in another wire format: <paramref name="writeOtherWire"/> gets the
    /// client's JSON and the draft (quirks not applied) and returns the finished request; its exceptions become 400s like ours.
    /// </summary>
    internal TranslatedRequest Translate(ReadOnlyMemory<byte> body, Func<JsonElement, ChatRequestDraft, TranslatedRequest>? writeOtherWire, ScannedRequest? scanned = null)
    {
        var stream = false;
        try
        {
            using var mask = EscapeMask.Over(body, scanned is not null ? scanned.EscapedStrings : FastRequestScan.EscapedStringsOf(body.Span));
            using var document = JsonDocument.Parse(mask?.Memory ?? body, new JsonDocumentOptions { MaxDepth = 256 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return TranslatedRequest.Failed("The request body must be a JSON object.", false);
            stream = root.Property("stream") is { ValueKind: JsonValueKind.True };
            var draft = BuildDraft(root, stream);
            if (writeOtherWire is not null) return writeOtherWire(root, draft);
            quirks.Apply(draft);
            using var output = new PooledBufferWriter(body.Length + body.Length / 8);
            using (var writer = new Utf8JsonWriter(output, WriterOptions)) draft.WriteTo(writer, quirks.CallState);
            var (buffer, written) = output.Detach();
            return new TranslatedRequest
            {
                Body = written,
                RentedBuffer = buffer,
                Stream = stream,
                ToolNameRestores = nameRestores,
                Quirks = quirks,
                MintingProvider = mintingProvider,
            };
        }
        catch (ShapeException e)
        {
            return TranslatedRequest.Failed(e.Message, stream);
        }
        catch (JsonException e)
        {
            return TranslatedRequest.Failed("The request body is not valid JSON: " + e.Message, stream);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            return TranslatedRequest.Failed("The request could not be translated: " + e.Message, stream);
        }
    }

    private ChatRequestDraft BuildDraft(JsonElement root, bool stream)
    {
        var draft = new ChatRequestDraft
        {
            Model = target.UpstreamModel,
            Stream = stream,
            MaxTokens = OptionalInteger(root, "max_tokens"),
            Thinking = ReadThinking(root),
            UserHash = root.Object("metadata")?.String("user_id") is { Length: > 0 } userId
                ? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(userId)))
                : null,
            ResponseFormatSchema = root.Object("output_config")?.Object("format") is { } format && format.String("type") == "json_schema"
                ? format.Object("schema")
                : null,
        };
        draft.Temperature = OptionalNumber(root, "temperature");
        draft.TopP = OptionalNumber(root, "top_p");
        draft.TopK = OptionalInteger(root, "top_k");
        draft.Stop = ReadStopSequences(root);

        ReadTools(root, draft);
        ReadToolChoice(root, draft);
        ReadMessages(root, draft);
        return draft;
    }

    // ---- scalar fields ----

    private static long? OptionalInteger(JsonElement root, string name)
    {
        if (root.Property(name) is not { } value) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)) return number;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var real) && real == Math.Floor(real) && Math.Abs(real) < long.MaxValue) return (long)real;
        throw new ShapeException($"{name}: Input should be a valid integer");
    }

    private static double? OptionalNumber(JsonElement root, string name)
    {
        if (root.Property(name) is not { } value) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number)) return number;
        throw new ShapeException($"{name}: Input should be a valid number");
    }

    private static List<string>? ReadStopSequences(JsonElement root)
    {
        if (root.Property("stop_sequences") is not { } value) return null;
        if (value.ValueKind != JsonValueKind.Array) throw new ShapeException("stop_sequences: Input should be a valid list");
        var stop = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) throw new ShapeException("stop_sequences: every item should be a string");
            if (item.Text() is { Length: > 0 } s && stop.Count < 4) stop.Add(s);
        }
        return stop;
    }

    private static ThinkingIntent ReadThinking(JsonElement root)
    {
        var effort = root.Object("output_config")?.String("effort")?.Trim().ToLowerInvariant();
        if (effort is { Length: 0 }) effort = null;
        if (root.Property("thinking") is not { } thinking) return new ThinkingIntent(ThinkingKind.Unspecified, null, effort);
        if (thinking.ValueKind != JsonValueKind.Object) throw new ShapeException("thinking: Input should be an object");
        var kind = thinking.String("type") switch
        {
            "enabled" => ThinkingKind.Enabled,
            "disabled" => ThinkingKind.Disabled,
            "adaptive" or "between_tools" => ThinkingKind.Adaptive,
            _ => ThinkingKind.Unspecified,
        };
        return new ThinkingIntent(kind, thinking.Long("budget_tokens"), effort);
    }

    // ---- tools ----

    private string UpstreamToolName(string name)
    {
        var upstream = ToolNaming.UpstreamName(name);
        if (!string.Equals(upstream, name, StringComparison.Ordinal)) nameRestores[upstream] = name;
        return upstream;
    }

    private void ReadTools(JsonElement root, ChatRequestDraft draft)
    {
        if (root.Property("tools") is not { } tools) return;
        if (tools.ValueKind != JsonValueKind.Array) throw new ShapeException("tools: Input should be a valid list");
        var i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            if (tool.ValueKind != JsonValueKind.Object) throw new ShapeException($"tools.{i}: Input should be an object");
            // Server tools (web_search_20250305, bash_20250124, …) have no client-side implementation upstream.
            var type = tool.String("type");
            if (type is not (null or "custom"))
            {
                i++;
                continue;
            }
            if (tool.String("name") is not { Length: > 0 } name) throw new ShapeException($"tools.{i}.name: Field required");
            var schema = tool.Property("input_schema");
            if (schema is { } s && s.ValueKind != JsonValueKind.Object) throw new ShapeException($"tools.{i}.input_schema: Input should be an object");
            draft.Tools.Add(new ChatTool { Name = UpstreamToolName(name), Description = tool.String("description"), InputSchema = schema });
            i++;
        }
    }

    private void ReadToolChoice(JsonElement root, ChatRequestDraft draft)
    {
        if (root.Property("tool_choice") is not { } choice) return;
        if (choice.ValueKind != JsonValueKind.Object) throw new ShapeException("tool_choice: Input should be an object");
        switch (choice.String("type"))
        {
            case "auto":
                draft.ToolChoice = "auto";
                break;
            case "any":
                draft.ToolChoice = "required";
                break;
            case "none":
                draft.ToolChoice = "none";
                break;
            case "tool":
                if (choice.String("name") is not { Length: > 0 } name) throw new ShapeException("tool_choice.name: Field required");
                draft.ToolChoiceFunction = UpstreamToolName(name);
                break;
            default:
                throw new ShapeException("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'");
        }
        if (choice.Property("disable_parallel_tool_use") is { ValueKind: JsonValueKind.True } && draft.ToolChoice != "none")
            draft.ParallelToolCalls = false;
    }

    // ---- messages ----

    /// <summary>One Anthropic turn: its role and its blocks (a string content becomes one synthetic text block).</summary>
    private sealed record Turn(string Role, int Index, List<Block> Blocks);

    private readonly record struct Block(JsonElement Element, string? PlainText, BlockPath Path);

    /// <summary>A block's place in the request, for error messages: formatted only when one is raised (a long conversation has thousands of blocks).</summary>
    private readonly record struct BlockPath(int Message, int Block, string Nested = "")
    {
        public BlockPath Then(string nested) => this with { Nested = Nested + nested };

        public override string ToString() => (Block < 0 ? $"messages.{Message}.content" : $"messages.{Message}.content.{Block}") + Nested;
    }

    private static readonly KnownNames Roles = new("user", "assistant", "system");
    private static readonly KnownNames BlockTypes = new("text", "tool_use", "tool_result", "thinking", "redacted_thinking", "image", "document", "search_result");

    /// <summary>A block's type without decoding it for the types this translation knows.</summary>
    private static string? TypeOf(JsonElement block) => block.KnownString("type"u8, BlockTypes);

    private void ReadMessages(JsonElement root, ChatRequestDraft draft)
    {
        var output = new List<ChatMessage>();
        var systemText = SystemText(root.Property("system"), "system", stripBillingHeader: true);
        if (systemText.Length > 0) output.Add(TextMessage("system", systemText));

        if (root.Property("messages") is not { } messages) throw new ShapeException("messages: Field required");
        if (messages.ValueKind != JsonValueKind.Array) throw new ShapeException("messages: Input should be a valid list");

        var turns = ReadTurns(messages);
        var pending = new List<(string AnthropicId, string UpstreamId)>();
        var deferredSystem = new List<ChatMessage>();

        foreach (var turn in turns)
        {
            switch (turn.Role)
            {
                case "system":
                    var text = SystemText(null, $"messages.{turn.Index}", stripBillingHeader: false, turn.Blocks);
                    if (text.Length == 0) break;
                    // A system message must not come between tool calls and their results.
                    if (pending.Count > 0) deferredSystem.Add(TextMessage("system", text));
                    else output.Add(TextMessage("system", text));
                    break;
                case "assistant":
                    AnswerPending(output, pending, null);
                    output.AddRange(deferredSystem);
                    deferredSystem.Clear();
                    var assistant = AssistantMessage(turn, pending);
                    if (assistant.HasContent) output.Add(assistant);
                    break;
                default:
                    UserTurn(turn, output, pending, deferredSystem);
                    break;
            }
        }
        AnswerPending(output, pending, null);
        output.AddRange(deferredSystem);

        draft.Messages.AddRange(MergeSameRole(output));
    }

    private static ChatMessage TextMessage(string role, string text)
    {
        var message = new ChatMessage { Role = role };
        message.Parts.Add(ChatPart.Text(text));
        return message;
    }

    private static List<Turn> ReadTurns(JsonElement messages)
    {
        var turns = new List<Turn>();
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object) throw new ShapeException($"messages.{index}: Input should be an object");
            var role = message.KnownString("role"u8, Roles);
            if (role is not ("user" or "assistant" or "system")) throw new ShapeException($"messages.{index}.role: Input should be 'user', 'assistant' or 'system'");
            var blocks = new List<Block>();
            var content = message.Property("content"u8);
            if (content is { ValueKind: JsonValueKind.String } s) blocks.Add(new Block(default, s.Text() ?? "", new BlockPath(index, -1)));
            else if (content is { ValueKind: JsonValueKind.Array } array)
            {
                var b = 0;
                foreach (var block in array.EnumerateArray())
                {
                    if (block.ValueKind != JsonValueKind.Object || block.Property("type"u8) is not { ValueKind: JsonValueKind.String })
                        throw new ShapeException($"messages.{index}.content.{b}: Input should be a content block object with a type");
                    blocks.Add(new Block(block, null, new BlockPath(index, b)));
                    b++;
                }
            }
            else if (content is not null) throw new ShapeException($"messages.{index}.content: Input should be a string or a list of content blocks");

            // The API merges consecutive turns of the same role; do the same before pairing tool calls with results.
            if (role != "system" && turns.Count > 0 && turns[^1].Role == role) turns[^1].Blocks.AddRange(blocks);
            else turns.Add(new Turn(role, index, blocks));
            index++;
        }
        return turns;
    }

    private static string SystemText(JsonElement? system, string path, bool stripBillingHeader, List<Block>? blocks = null)
    {
        var texts = new List<string>();
        if (system is { ValueKind: JsonValueKind.String } s) texts.Add(s.Text() ?? "");
        else if (system is { ValueKind: JsonValueKind.Array } array)
        {
            var i = 0;
            foreach (var block in array.EnumerateArray())
            {
                if (block.ValueKind != JsonValueKind.Object) throw new ShapeException($"{path}.{i}: Input should be a text block");
                if (block.String("text") is { } text) texts.Add(text);
                i++;
            }
        }
        else if (system is not null) throw new ShapeException($"{path}: Input should be a string or a list of text blocks");
        if (blocks is not null)
        {
            foreach (var block in blocks)
            {
                if (block.PlainText is { } plain) texts.Add(plain);
                else if (block.Element.String("text") is { } text) texts.Add(text);
            }
        }
        // Claude Code's attribution line changes with every conversation and would defeat upstream prompt caching.
        if (stripBillingHeader) texts.RemoveAll(t => t.StartsWith("x-anthropic-billing-header:", StringComparison.Ordinal));
        return string.Join("\n\n", texts.Where(t => !string.IsNullOrWhiteSpace(t)));
    }

    /// <summary>The assistant message; its tool calls are appended to <paramref name="pending"/> (client id, upstream id).</summary>
    /// <remarks>
    /// History hygiene for this target (protocol §5c): only thinking blocks this gateway minted for the same provider
    /// are provider state — the call state they carry (Gemini's thought signatures) goes back onto its calls. Thinking from Anthropic or another provider is another model's private
    /// reasoning: it is dropped, not passed off as this model's reasoning or shown to it as text.
    /// </remarks>
    private ChatMessage AssistantMessage(Turn turn, List<(string AnthropicId, string UpstreamId)> pending)
    {
        var message = new ChatMessage { Role = "assistant" };
        var carried = quirks.CallState is { } callState ? CarriedCallStates(turn, callState) : null;
        foreach (var block in turn.Blocks)
        {
            if (block.PlainText is { } plain)
            {
                if (!string.IsNullOrWhiteSpace(plain)) message.Parts.Add(ChatPart.Text(plain));
                continue;
            }
            var element = block.Element;
            switch (TypeOf(element))
            {
                case "text":
                    if (element.Property("text"u8) is { ValueKind: JsonValueKind.String } text && ChatPart.NonBlankText(text) is { } part) message.Parts.Add(part);
                    break;
                case "tool_use":
                    if (element.String("id"u8) is not { Length: > 0 } id) throw new ShapeException($"{block.Path}.id: Field required");
                    if (element.String("name"u8) is not { Length: > 0 } name) throw new ShapeException($"{block.Path}.name: Field required");
                    var input = element.Property("input"u8);
                    var upstreamId = ToolNaming.UpstreamId(id);
                    pending.Add((id, upstreamId));
                    message.ToolCalls.Add(new ChatToolCall
                    {
                        Id = upstreamId,
                        Name = UpstreamToolName(name),
                        Arguments = input is { } value ? EscapeMask.ClientJsonText(value) : "{}",
                        // Carried under the id the client saw, which is the one in its history.
                        CarriedState = carried?.GetValueOrDefault(id),
                    });
                    break;
                case "thinking":
                    message.ThinkingBlocks.Add(new ThinkingBlock(element.String("thinking") ?? "", element.String("signature")));
                    break;
                // redacted_thinking, server tool blocks and unknown blocks have no Chat Completions form.
            }
        }
        // A provider that validates the first call of each step (Gemini) gets its stand-in when the history lost the state.
        if (quirks.CallState is { } state && message.ToolCalls.Count > 0 && message.ToolCalls.TrueForAll(c => c.CarriedState is null))
            message.ToolCalls[0].CarriedState = state.WhenLost;
        return message;
    }

    /// <summary>The provider's call state carried in this turn's thinking blocks, by tool_use id.</summary>
    private static Dictionary<string, string> CarriedCallStates(Turn turn, IToolCallState callState)
    {
        var signatures = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var block in turn.Blocks)
            if (block.PlainText is null && TypeOf(block.Element) == "thinking")
                callState.TryDecode(block.Element.String("signature"), signatures);
        return signatures;
    }

    /// <summary>Emits one tool message per pending call, in call order, using <paramref name="results"/> or the placeholder.</summary>
    private static void AnswerPending(List<ChatMessage> output, List<(string AnthropicId, string UpstreamId)> pending, Dictionary<string, ChatPart>? results)
    {
        foreach (var (anthropicId, upstreamId) in pending)
        {
            var message = new ChatMessage { Role = "tool", ToolCallId = upstreamId };
            message.Parts.Add(results is not null && results.TryGetValue(anthropicId, out var result) ? result : ChatPart.Text(NoResultPlaceholder));
            output.Add(message);
        }
        pending.Clear();
    }

    private void UserTurn(Turn turn, List<ChatMessage> output, List<(string AnthropicId, string UpstreamId)> pending, List<ChatMessage> deferredSystem)
    {
        awaiting.Clear();
        foreach (var (anthropicId, _) in pending) awaiting.Add(anthropicId);
        results.Clear();
        List<ChatPart>? movedImages = null;
        var user = new ChatMessage { Role = "user" };

        foreach (var block in turn.Blocks)
        {
            if (block.PlainText is { } plain)
            {
                if (plain.Length > 0) user.Parts.Add(ChatPart.Text(plain));
                continue;
            }
            var element = block.Element;
            if (TypeOf(element) == "tool_result")
            {
                if (element.String("tool_use_id"u8) is not { Length: > 0 } toolUseId) throw new ShapeException($"{block.Path}.tool_use_id: Field required");
                if (awaiting.Remove(toolUseId))
                {
                    // A plain string result is copied as its JSON token, so its (often large) text is never decoded.
                    results[toolUseId] = PlainStringContent(element) is { } raw
                        ? ChatPart.Verbatim(raw)
                        : ChatPart.Text(ToolResultText(element, block.Path, movedImages ??= []));
                }
                else
                {
                    // No matching tool_use right before: keep the content as ordinary user text.
                    var images = new List<ChatPart>();
                    user.Parts.Add(ChatPart.Text($"[Tool result for {toolUseId}]\n{ToolResultText(element, block.Path, images)}"));
                    user.Parts.AddRange(images);
                }
                continue;
            }
            AddUserBlock(element, block.Path, user.Parts);
        }

        AnswerPending(output, pending, results);
        output.AddRange(deferredSystem);
        deferredSystem.Clear();
        if (movedImages is not null) user.Parts.InsertRange(0, movedImages);
        if (user.HasContent) output.Add(user);
    }

    /// <summary>A result whose content is one plain string (no error mark): copied to the tool message as it is.</summary>
    private static JsonElement? PlainStringContent(JsonElement result) =>
        result.Property("content"u8) is { ValueKind: JsonValueKind.String } content && result.Property("is_error"u8) is not { ValueKind: JsonValueKind.True }
            ? content
            : null;

    private string ToolResultText(JsonElement result, BlockPath path, List<ChatPart> images)
    {
        var texts = new List<string>();
        var content = result.Property("content");
        if (content is { ValueKind: JsonValueKind.String } s) texts.Add(s.Text() ?? "");
        else if (content is { ValueKind: JsonValueKind.Array } array)
        {
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                var itemPath = path.Then($".content.{i++}");
                if (item.ValueKind != JsonValueKind.Object) throw new ShapeException($"{itemPath}: Input should be a content block object");
                var parts = new List<ChatPart>();
                AddUserBlock(item, itemPath, parts);
                foreach (var part in parts)
                {
                    if (part.Kind == PartKind.Text) texts.Add(part.Value);
                    else
                    {
                        images.Add(part);
                        texts.Add(part.Kind == PartKind.File ? DocumentMovedMarker : ImageMovedMarker);
                    }
                }
            }
        }
        else if (content is not null) throw new ShapeException($"{path}.content: Input should be a string or a list of content blocks");
        var text = string.Join("\n", texts);
        return result.Property("is_error") is { ValueKind: JsonValueKind.True } ? "Error: " + text : text;
    }

    /// <summary>A user-side content block (text, image, document, search result) as Chat parts.</summary>
    private void AddUserBlock(JsonElement block, BlockPath path, List<ChatPart> parts)
    {
        switch (TypeOf(block))
        {
            case "text":
                // Copied as the client's token, like tool output (Claude Code's system reminders are kilobytes); "" is left out.
                if (block.Property("text"u8) is { ValueKind: JsonValueKind.String } text && JsonMarshal.GetRawUtf8Value(text).Length > 2) parts.Add(ChatPart.Verbatim(text));
                break;
            case "image":
                parts.Add(Image(block, path));
                break;
            case "document":
                AddDocument(block, path, parts);
                break;
            case "search_result":
                var lines = new List<string>();
                if (block.String("title") is { } title) lines.Add(title);
                if (block.String("source") is { } source) lines.Add(source);
                if (block.Array("content") is { } content)
                    foreach (var item in content.EnumerateArray())
                        if (item.String("text") is { } itemText) lines.Add(itemText);
                if (lines.Count > 0) parts.Add(ChatPart.Text(string.Join("\n", lines)));
                break;
            // thinking, tool_reference and unknown blocks carry nothing an OpenAI-style model can use.
        }
    }

    private static ChatPart Image(JsonElement block, BlockPath path)
    {
        if (block.Object("source") is not { } source) throw new ShapeException($"{path}.source: Field required");
        switch (source.String("type"))
        {
            case "base64":
                if (source.String("data") is not { } data) throw new ShapeException($"{path}.source.data: Field required");
                var mediaType = source.String("media_type") ?? "image/png";
                return new ChatPart(PartKind.ImageUrl, $"data:{mediaType};base64,{data}");
            case "url":
                if (source.String("url") is not { Length: > 0 } url) throw new ShapeException($"{path}.source.url: Field required");
                return new ChatPart(PartKind.ImageUrl, url);
            default:
                return ChatPart.Text("[image omitted: only base64 and URL images can be forwarded to this model]");
        }
    }

    private void AddDocument(JsonElement block, BlockPath path, List<ChatPart> parts)
    {
        if (block.Object("source") is not { } source) throw new ShapeException($"{path}.source: Field required");
        var title = block.String("title");
        var heading = title is { Length: > 0 } ? $"[Document: {title}]\n" : "";
        switch (source.String("type"))
        {
            case "text":
                parts.Add(ChatPart.Text(heading + (source.String("data") ?? "")));
                break;
            case "content":
                if (heading.Length > 0) parts.Add(ChatPart.Text(heading.TrimEnd('\n')));
                if (source.Array("content") is { } content)
                {
                    var i = 0;
                    foreach (var item in content.EnumerateArray())
                        if (item.ValueKind == JsonValueKind.Object) AddUserBlock(item, path.Then($".source.content.{i++}"), parts);
                }
                break;
            case "base64":
                var mediaType = source.String("media_type") ?? "";
                if (source.String("data") is not { } data) throw new ShapeException($"{path}.source.data: Field required");
                if (mediaType == "application/pdf" && quirks.AcceptsPdfFiles)
                {
                    var fileName = title is { Length: > 0 } ? (title.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase) ? title : title + ".pdf") : "document.pdf";
                    parts.Add(new ChatPart(PartKind.File, $"data:application/pdf;base64,{data}", fileName));
                }
                else if (mediaType.StartsWith("text/", StringComparison.Ordinal) && TryDecodeText(data) is { } decoded)
                    parts.Add(ChatPart.Text(heading + decoded));
                else
                    parts.Add(ChatPart.Text($"{heading}[{DocumentKind(mediaType)} omitted: this model cannot read it through the gateway]"));
                break;
            case "url":
                parts.Add(ChatPart.Text($"{heading}[Document at {source.String("url")}]"));
                break;
            default:
                parts.Add(ChatPart.Text($"{heading}[document omitted: file references cannot be forwarded to this model]"));
                break;
        }
    }

    private static string DocumentKind(string mediaType) => mediaType == "application/pdf" ? "PDF document" : "document";

    private static string? TryDecodeText(string base64)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Merges consecutive user (and system) messages, as Anthropic does; tool messages stay separate.</summary>
    private static List<ChatMessage> MergeSameRole(List<ChatMessage> messages)
    {
        var merged = new List<ChatMessage>(messages.Count);
        foreach (var message in messages)
        {
            if (merged.Count > 0 && merged[^1].Role == message.Role && message.Role is "user" or "system" or "assistant")
            {
                var previous = merged[^1];
                if (message.Role == "assistant" && previous.ToolCalls.Count > 0)
                {
                    merged.Add(message);
                    continue;
                }
                previous.Parts.AddRange(message.Parts);
                previous.ToolCalls.AddRange(message.ToolCalls);
                previous.ThinkingBlocks.AddRange(message.ThinkingBlocks);
                continue;
            }
            merged.Add(message);
        }
        return merged;
    }
}
