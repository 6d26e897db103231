using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using ClaudeModelProxy.Core.OpenAi;
using ClaudeModelProxy.Core.Providers;
using ClaudeModelProxy.Core.Sse;

namespace ClaudeModelProxy.Tests.OpenAi;

internal static class Targets
{
    /// <summary>A target at the catalog's provider <paramref name="provider"/>, or at a plain OpenAI-compatible one outside the catalog.</summary>
    public static TranslationTarget For(string provider, string model, string responseModel) =>
        new(ProviderCatalog.All.Find(provider) ?? ProviderDefinition.ChatCompletions(provider, provider, provider.ToUpperInvariant(), $"https://{provider}.invalid/v1"),
            model, responseModel);

    public static readonly TranslationTarget OpenAi = For("openai", "gpt-4.1", "claude-sonnet-4-5");
    public static readonly TranslationTarget Gpt5 = For("openai", "gpt-5", "claude-sonnet-4-5");
    public static readonly TranslationTarget Gpt51 = For("openai", "gpt-5.1", "claude-sonnet-4-5");
    public static readonly TranslationTarget Gpt56 = For("openai", "gpt-5.6-terra", "claude-opus-4-7");
    public static readonly TranslationTarget Gemini = For("gemini", "gemini-3-pro-preview", "claude-sonnet-4-5");
    public static readonly TranslationTarget Qwen = For("qwen", "qwen3-max", "claude-sonnet-4-5");
    public static readonly TranslationTarget DeepSeek = For("deepseek", "deepseek-reasoner", "claude-sonnet-4-5");
    public static readonly TranslationTarget Generic = For("ollama", "llama3.3", "claude-haiku-4-5");
}

/// <summary>Runs request translations and exposes the upstream body as JSON for assertions.</summary>
internal static class Translate
{
    public static (TranslatedRequest Request, JsonObject Body) Request(string anthropicJson, TranslationTarget? target = null, ChatCompletionsTranslator? translator = null)
    {
        translator ??= new ChatCompletionsTranslator();
        var request = translator.TranslateRequest(Encoding.UTF8.GetBytes(anthropicJson), target ?? Targets.OpenAi);
        request.Error.ShouldBeNull();
        return (request, JsonNode.Parse(request.Body.Span)!.AsObject());
    }

    public static string ErrorOf(string anthropicJson, TranslationTarget? target = null)
    {
        var request = new ChatCompletionsTranslator().TranslateRequest(Encoding.UTF8.GetBytes(anthropicJson), target ?? Targets.OpenAi);
        request.Error.ShouldNotBeNull();
        request.Body.Length.ShouldBe(0);
        return request.Error!;
    }

    public static JsonArray Messages(this JsonObject body) => body["messages"]!.AsArray();

    public static string Str(this JsonNode? node) => node!.GetValue<string>();

    /// <summary>A minimal request body around the given messages JSON (and optional extra top-level members).</summary>
    public static string Body(string messagesJson, string extra = "") =>
        $$"""{"model":"claude-sonnet-4-5","max_tokens":1024,"messages":{{messagesJson}}{{(extra.Length > 0 ? "," + extra : "")}}}""";
}

internal sealed record SseEvent(string Name, JsonObject Data)
{
    public int Index => Data["index"]!.GetValue<int>();
    public override string ToString() => Name switch
    {
        "content_block_start" => $"start:{Index}:{Data["content_block"]!["type"]!.GetValue<string>()}",
        "content_block_delta" => $"delta:{Index}:{Data["delta"]!["type"]!.GetValue<string>()}",
        "content_block_stop" => $"stop:{Index}",
        _ => Name,
    };
}

/// <summary>Parses the Anthropic SSE a stream translator produced and checks the framing rules strictly.</summary>
internal sealed class AnthropicStream
{
    public required List<SseEvent> Events { get; init; }
    public ChatStreamTranslator Translator { get; init; } = null!;

    /// <summary>Feeds data payloads, then ends the stream.</summary>
    public static AnthropicStream Run(IEnumerable<string> dataPayloads, TranslatedRequest request, TranslationTarget target,
        ChatCompletionsTranslator? translator = null, bool end = true, bool connectionBroken = false)
    {
        translator ??= new ChatCompletionsTranslator();
        var stream = translator.CreateStreamTranslator(request, target);
        var output = new ArrayBufferWriter<byte>();
        foreach (var data in dataPayloads) stream.OnData(Encoding.UTF8.GetBytes(data), output);
        if (end) stream.OnEnd(output, connectionBroken);
        return new AnthropicStream { Events = Parse(output.WrittenSpan), Translator = stream };
    }

    /// <summary>Replays a recorded upstream SSE file through the project's own SSE splitter, as the gateway does.</summary>
    public static AnthropicStream RunFixture(string fixture, TranslatedRequest request, TranslationTarget target,
        ChatCompletionsTranslator? translator = null, bool connectionBroken = false) =>
        Run(Fixtures.DataPayloads(fixture), request, target, translator, true, connectionBroken);

    public static List<SseEvent> Parse(ReadOnlySpan<byte> sse)
    {
        var text = Encoding.UTF8.GetString(sse);
        text.ShouldEndWith("\n\n");
        var events = new List<SseEvent>();
        foreach (var raw in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = raw.Split('\n');
            lines.Length.ShouldBe(2, $"each event is one event: line and one data: line: {raw}");
            lines[0].ShouldStartWith("event: ");
            lines[1].ShouldStartWith("data: ");
            var name = lines[0]["event: ".Length..];
            var data = JsonNode.Parse(lines[1]["data: ".Length..])!.AsObject();
            data["type"]!.GetValue<string>().ShouldBe(name, "the event: line names the data's type");
            events.Add(new SseEvent(name, data));
        }
        return events;
    }

    public string Sequence => string.Join(" ", Events);

    public SseEvent Single(string name) => Events.Single(e => e.Name == name);

    /// <summary>Strict framing: message_start, ping, blocks 0..n one at a time, then message_delta + message_stop (or a final error).</summary>
    public AnthropicStream ShouldBeWellFormed(bool expectError = false)
    {
        Events.Count.ShouldBeGreaterThanOrEqualTo(1);
        var i = 0;
        if (Events[0].Name == "message_start")
        {
            var message = Events[0].Data["message"]!;
            message["content"]!.AsArray().Count.ShouldBe(0);
            message["stop_reason"].ShouldBeNull();
            message["usage"]!["output_tokens"]!.GetValue<long>().ShouldBe(1);
            message["usage"]!["input_tokens"].ShouldNotBeNull();
            message["id"].Str().ShouldMatch("^msg_[A-Za-z0-9]{24}$");
            Events[1].Name.ShouldBe("ping");
            i = 2;
        }
        else expectError.ShouldBeTrue("a stream without message_start must be a lone error");

        var nextIndex = 0;
        int? open = null;
        for (; i < Events.Count; i++)
        {
            var e = Events[i];
            switch (e.Name)
            {
                case "ping":
                    break;
                case "content_block_start":
                    open.ShouldBeNull($"block {e.Index} started while {open} is open: {Sequence}");
                    e.Index.ShouldBe(nextIndex, Sequence);
                    open = nextIndex++;
                    break;
                case "content_block_delta":
                    e.Index.ShouldBe(open ?? -1, $"delta for a block that is not open: {Sequence}");
                    var blockType = Events.Last(x => x.Name == "content_block_start" && x.Index == e.Index).Data["content_block"]!["type"].Str();
                    var deltaType = e.Data["delta"]!["type"].Str();
                    var allowed = blockType switch
                    {
                        "text" => new[] { "text_delta" },
                        "thinking" => ["thinking_delta", "signature_delta"],
                        "tool_use" => ["input_json_delta"],
                        _ => [],
                    };
                    allowed.ShouldContain(deltaType);
                    break;
                case "content_block_stop":
                    e.Index.ShouldBe(open ?? -1, Sequence);
                    open = null;
                    break;
                case "message_delta":
                    open.ShouldBeNull("message_delta after every block closed");
                    e.Data["delta"]!["stop_reason"].ShouldNotBeNull();
                    e.Data["usage"]!["output_tokens"].ShouldNotBeNull();
                    i.ShouldBe(Events.Count - 2, $"message_delta is followed only by message_stop: {Sequence}");
                    Events[^1].Name.ShouldBe("message_stop");
                    expectError.ShouldBeFalse(Sequence);
                    return this;
                case "error":
                    i.ShouldBe(Events.Count - 1, "nothing follows an error event");
                    expectError.ShouldBeTrue($"unexpected error event: {e.Data.ToJsonString()}");
                    return this;
                default:
                    throw new ShouldAssertException($"unexpected event {e.Name}");
            }
        }
        throw new ShouldAssertException($"stream neither finished nor failed: {Sequence}");
    }

    public string StopReason => Single("message_delta").Data["delta"]!["stop_reason"].Str();

    public JsonNode FinalUsage => Single("message_delta").Data["usage"]!;

    /// <summary>The content blocks a client would assemble from the deltas.</summary>
    public List<JsonObject> Blocks()
    {
        var blocks = new List<JsonObject>();
        var json = new Dictionary<int, StringBuilder>();
        foreach (var e in Events)
        {
            if (e.Name == "content_block_start") blocks.Add(e.Data["content_block"]!.DeepClone().AsObject());
            else if (e.Name == "content_block_delta")
            {
                var block = blocks[e.Index];
                var delta = e.Data["delta"]!;
                switch (delta["type"].Str())
                {
                    case "text_delta": block["text"] = block["text"].Str() + delta["text"].Str(); break;
                    case "thinking_delta": block["thinking"] = block["thinking"].Str() + delta["thinking"].Str(); break;
                    case "signature_delta": block["signature"] = delta["signature"].Str(); break;
                    case "input_json_delta":
                        if (!json.TryGetValue(e.Index, out var sb)) json[e.Index] = sb = new StringBuilder();
                        sb.Append(delta["partial_json"].Str());
                        break;
                }
            }
            else if (e.Name == "content_block_stop" && json.TryGetValue(e.Index, out var args))
                blocks[e.Index]["input"] = JsonNode.Parse(args.ToString());
        }
        return blocks;
    }
}

internal static class Fixtures
{
    public static string PathOf(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "OpenAi", "Fixtures", name);

    /// <summary>The data payloads of a recorded SSE file, split with the gateway's own SSE splitter.</summary>
    public static List<string> DataPayloads(string name)
    {
        using var splitter = new SseEventSplitter();
        splitter.Append(File.ReadAllBytes(PathOf(name)));
        var payloads = new List<string>();
        while (splitter.TryReadEvent(out var sseEvent))
        {
            var fields = SseFields.Parse(sseEvent.Span);
            if (fields.DataOffset >= 0) payloads.Add(Encoding.UTF8.GetString(fields.Data));
        }
        return payloads;
    }
}
