using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ClaudeModelProxy.Core.OpenAi;
using CsCheck;

namespace ClaudeModelProxy.Tests.OpenAi;

/// <summary>
/// The stream fast path: which chunks it may take, and proof that the events it writes say
/// exactly what the full translation would.
/// </summary>
public class PlainDeltaChunkTests
{
    private static string Chunk(string delta, string choiceExtra = "", string rootExtra = "") =>
        $$"""{"id":"c","object":"chat.completion.chunk","created":1,"model":"m"{{rootExtra}},"choices":[{"index":0,"delta":{{delta}}{{choiceExtra}},"finish_reason":null}]}""";

    [Theory]
    [InlineData("""{"content":"Hello"}""", "Content", "Hello")]
    [InlineData("""{"content":"a\"b\\n\u00e9"}""", "Content", """a\"b\\n\u00e9""")]
    [InlineData("""{"role":"assistant","content":"Hi","reasoning_content":null,"tool_calls":null,"refusal":null}""", "Content", "Hi")]
    [InlineData("""{"reasoning_content":"Let me think"}""", "Reasoning", "Let me think")]
    [InlineData("""{"content":"","reasoning":"hmm"}""", "Reasoning", "hmm")]
    [InlineData("""{"content":null,"thinking":"x"}""", "Reasoning", "x")]
    [InlineData("""{"reasoning_content":null,"reasoning":"both names, one text"}""", "Reasoning", "both names, one text")]
    [InlineData("""{"role":"assistant","content":""}""", "Nothing", "")]
    [InlineData("""{}""", "Nothing", "")]
    public void PlainChunksAreRecognisedWithTheirTextAsWritten(string delta, string kind, string escapedText)
    {
        var data = Encoding.UTF8.GetBytes(Chunk(delta, ",\"logprobs\":null", ",\"system_fingerprint\":\"fp\",\"usage\":null"));
        PlainDeltaChunk.TryRead(data, out var readKind, out var range).ShouldBeTrue();
        readKind.ToString().ShouldBe(kind);
        Encoding.UTF8.GetString(data.AsSpan()[range]).ShouldBe(escapedText);
    }

    [Theory]
    [InlineData("finish reason", """{"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"stop"}]}""")]
    [InlineData("empty finish reason", """{"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":""}]}""")]
    [InlineData("tool call", """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{"}}]}}]}""")]
    [InlineData("function call", """{"choices":[{"index":0,"delta":{"function_call":{"name":"f"}}}]}""")]
    [InlineData("refusal", """{"choices":[{"index":0,"delta":{"refusal":"no"}}]}""")]
    [InlineData("content parts", """{"choices":[{"index":0,"delta":{"content":[{"type":"text","text":"x"}]}}]}""")]
    [InlineData("text and reasoning together", """{"choices":[{"index":0,"delta":{"content":"a","reasoning_content":"b"}}]}""")]
    [InlineData("the same name twice", """{"choices":[{"index":0,"delta":{"content":"a","content":"b"}}]}""")]
    [InlineData("a later null for the same name", """{"choices":[{"index":0,"delta":{"content":"a","content":null}}]}""")]
    [InlineData("a later null for the same reasoning name", """{"choices":[{"index":0,"delta":{"reasoning_content":"a","reasoning_content":null}}]}""")]
    [InlineData("two reasoning names with text", """{"choices":[{"index":0,"delta":{"reasoning_content":"a","reasoning":"a"}}]}""")]
    [InlineData("escaped name with a null", """{"choices":[{"index":0,"delta":{"content":"x","cont\u0065nt":null}}]}""")]
    [InlineData("usage", """{"choices":[{"index":0,"delta":{"content":"x"}}],"usage":{"prompt_tokens":1}}""")]
    [InlineData("no choices", """{"choices":[],"usage":null}""")]
    [InlineData("choices missing", """{"id":"c"}""")]
    [InlineData("two choices", """{"choices":[{"index":0,"delta":{"content":"x"}},{"index":1,"delta":{"content":"y"}}]}""")]
    [InlineData("another choice", """{"choices":[{"index":1,"delta":{"content":"x"}}]}""")]
    [InlineData("a whole message", """{"choices":[{"index":0,"message":{"content":"x"}}]}""")]
    [InlineData("error", """{"error":{"message":"boom"}}""")]
    [InlineData("error even when null", """{"error":null,"choices":[{"index":0,"delta":{"content":"x"}}]}""")]
    [InlineData("Gemini extra on the delta", """{"choices":[{"index":0,"delta":{"content":"x","extra_content":{"google":{"thought_signature":"s"}}}}]}""")]
    [InlineData("Gemini extra on the choice", """{"choices":[{"index":0,"delta":{"content":"x"},"extra_content":{}}]}""")]
    [InlineData("logprobs", """{"choices":[{"index":0,"delta":{"content":"x"},"logprobs":{"content":[]}}]}""")]
    [InlineData("escaped property name", """{"choices":[{"index":0,"delta":{"cont\u0065nt":"x"}}]}""")]
    [InlineData("not an object", """["x"]""")]
    [InlineData("trailing bytes", """{"choices":[{"index":0,"delta":{"content":"x"}}]} {}""")]
    [InlineData("broken JSON", """{"choices":[{"index":0,"delta":{"content":"x""")]
    [InlineData("keep-alive text", "keep-alive")]
    public void AnythingButAPlainChunkGoesTheFullWay(string why, string data)
    {
        PlainDeltaChunk.TryRead(Encoding.UTF8.GetBytes(data), out _, out _).ShouldBeFalse(why);
    }

    [Fact]
    public void InvalidUtf8InTheTextGoesTheFullWay()
    {
        byte[] data = [.. """{"choices":[{"index":0,"delta":{"content":"a"""u8, 0xC3, 0x28, .. "\"}}]}"u8];
        PlainDeltaChunk.TryRead(data, out _, out _).ShouldBeFalse();
    }

    [Fact]
    public void EscapedTextReachesTheClientAsTheSameString()
    {
        string[] pieces = ["Hello", ", \"wörld\"", "\n\ttab\\slash", " é ", "😀", "\u2028line", "</script>"];
        var stream = AnthropicStream.Run(
            [Chunk("""{"role":"assistant","content":""}"""), .. pieces.Select(p => Chunk($$"""{"content":{{JsonSerializer.Serialize(p)}}}""")), Chunk("{}").Replace("null}]", "\"stop\"}]")],
            StreamRequest(Targets.OpenAi), Targets.OpenAi).ShouldBeWellFormed();

        stream.Blocks().Single()["text"].Str().ShouldBe(string.Concat(pieces));
        stream.Events.Count(e => e.ToString() == "delta:0:text_delta").ShouldBe(pieces.Length);
    }

    [Fact]
    public void ReasoningThenTextStreamsAsAThinkingBlockThenATextBlock()
    {
        var stream = AnthropicStream.Run(
            [
                Chunk("""{"role":"assistant","content":null,"reasoning_content":"First, "}"""),
                Chunk("""{"content":null,"reasoning_content":"think \"hard\"."}"""),
                Chunk("""{"content":"The answer","reasoning_content":null}"""),
                Chunk("""{"content":" is 42."}"""),
                Chunk("{}").Replace("null}]", "\"stop\"}]"),
            ],
            StreamRequest(Targets.DeepSeek), Targets.DeepSeek).ShouldBeWellFormed();

        stream.Sequence.ShouldBe("message_start ping start:0:thinking delta:0:thinking_delta delta:0:thinking_delta delta:0:signature_delta stop:0 start:1:text delta:1:text_delta delta:1:text_delta stop:1 message_delta message_stop");
        var blocks = stream.Blocks();
        blocks[0]["thinking"].Str().ShouldBe("First, think \"hard\".");
        blocks[1]["text"].Str().ShouldBe("The answer is 42.");
    }

    [Fact]
    public void AnyStringAnyEscapingArrivesIntact()
    {
        // Upstreams escape differently (ASCII-only \u escapes, or raw UTF-8): both must come out as the same text.
        var encoders = new[] { JavaScriptEncoder.Default, JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        Gen.Select(Gen.String.Array[1, 6], Gen.Int[0, 1]).Sample(sample =>
        {
            var (pieces, encoder) = sample;
            var options = new JsonSerializerOptions { Encoder = encoders[encoder] };
            var stream = AnthropicStream.Run(
                [Chunk("""{"content":"start"}"""), .. pieces.Select(p => Chunk($$"""{"content":{{JsonSerializer.Serialize(p, options)}}}""")), Chunk("{}").Replace("null}]", "\"stop\"}]")],
                StreamRequest(Targets.OpenAi), Targets.OpenAi).ShouldBeWellFormed();
            stream.Blocks().Single()["text"].Str().ShouldBe("start" + string.Concat(pieces));
        }, iter: 2_000);
    }

    [Fact]
    public void TheFastPathSaysWhatTheFullTranslationSays()
    {
        // The same chunks twice: as they are, and with an extra object member that only sends them
        // the full way (the translation ignores it). Clients must not be able to tell the difference.
        var delta = Gen.OneOf(
            Gen.String.Select(t => $$"""{"content":{{JsonSerializer.Serialize(t)}}}"""),
            Gen.String.Select(t => $$"""{"reasoning_content":{{JsonSerializer.Serialize(t)}},"content":null}"""),
            Gen.OneOf<string>(" ", "\n", "").Select(t => $$"""{"content":"{{t.Replace("\n", "\\n")}}"}"""),
            Gen.OneOf("""{"role":"assistant"}""", """{}""", """{"reasoning":"  "}"""));
        delta.Array[1, 12].Sample(deltas =>
        {
            var chunks = deltas.Select(d => Chunk(d)).Append(Chunk("{}").Replace("null}]", "\"stop\"}]")).ToArray();
            var fast = AnthropicStream.Run(chunks, StreamRequest(Targets.DeepSeek), Targets.DeepSeek).ShouldBeWellFormed();
            var full = AnthropicStream.Run(chunks.Select(c => c.Replace("\"model\":\"m\"", "\"model\":\"m\",\"x_full_path\":{}")), StreamRequest(Targets.DeepSeek), Targets.DeepSeek).ShouldBeWellFormed();
            fast.Sequence.ShouldBe(full.Sequence);
            fast.Blocks().Select(WithoutSignature).ShouldBe(full.Blocks().Select(WithoutSignature));
        }, iter: 2_000);
    }

    /// <summary>A block as JSON, minus the thinking signature the proxy mints afresh for every block.</summary>
    private static string WithoutSignature(System.Text.Json.Nodes.JsonObject block)
    {
        block.Remove("signature");
        return block.ToJsonString();
    }

    private static TranslatedRequest StreamRequest(TranslationTarget target)
    {
        var request = new ChatCompletionsTranslator().TranslateRequest(Encoding.UTF8.GetBytes(Translate.Body("""[{"role":"user","content":"hi"}]""", "\"stream\":true")), target);
        request.Error.ShouldBeNull();
        return request;
    }
}
