using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ClaudeModelProxy.Core.Responses;
using ClaudeModelProxy.Tests.OpenAi;
using CsCheck;

namespace ClaudeModelProxy.Tests.Responses;

/// <summary>
/// The Responses stream fast path: which delta events it may take, and proof that what it writes says exactly what the
/// full translation would.
/// </summary>
public class ResponsesDeltaFastPathTests
{
    private const string ToolsAndThinking =
        """{"model":"m","max_tokens":100,"stream":true,"thinking":{"type":"enabled","budget_tokens":2000},"tools":[{"name":"Bash","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"hi"}]}""";

    [Theory]
    [InlineData("""{"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_1","output_index":1,"content_index":0,"delta":"Hello","logprobs":[]}""", "Text", 1, "Hello")]
    [InlineData("""{"type":"response.reasoning_summary_text.delta","item_id":"rs_1","output_index":0,"summary_index":0,"delta":"a\"b\\n\u00e9"}""", "ReasoningSummary", 0, """a\"b\\n\u00e9""")]
    [InlineData("""{"delta":"{\"command\":","output_index":2,"type":"response.function_call_arguments.delta"}""", "FunctionArguments", 2, """{\"command\":""")]
    public void PlainDeltaEventsAreRecognisedWithTheirTextAsWritten(string data, string kind, long index, string escaped)
    {
        var bytes = Encoding.UTF8.GetBytes(data);
        ResponsesDeltaEvent.TryRead(bytes, out var readKind, out var readIndex, out var range).ShouldBeTrue();
        readKind.ToString().ShouldBe(kind);
        readIndex.ShouldBe(index);
        Encoding.UTF8.GetString(bytes.AsSpan()[range]).ShouldBe(escaped);
    }

    [Theory]
    [InlineData("another event", """{"type":"response.output_text.done","output_index":1,"text":"x"}""")]
    [InlineData("a refusal", """{"type":"response.refusal.delta","output_index":1,"delta":"no"}""")]
    [InlineData("no output index", """{"type":"response.output_text.delta","item_id":"msg_1","delta":"x"}""")]
    [InlineData("an empty delta", """{"type":"response.output_text.delta","output_index":1,"delta":""}""")]
    [InlineData("a delta that is not text", """{"type":"response.output_text.delta","output_index":1,"delta":{"text":"x"}}""")]
    [InlineData("the type twice", """{"type":"response.output_text.delta","type":"error","output_index":1,"delta":"x"}""")]
    [InlineData("the delta twice", """{"type":"response.output_text.delta","output_index":1,"delta":"x","delta":"y"}""")]
    [InlineData("the index twice", """{"type":"response.output_text.delta","output_index":1,"output_index":2,"delta":"x"}""")]
    [InlineData("an escaped name", """{"type":"response.output_text.delta","output_index":1,"d\u0065lta":"x"}""")]
    [InlineData("an escaped type", """{"type":"response.output_text.d\u0065lta","output_index":1,"delta":"x"}""")]
    [InlineData("an error member", """{"type":"response.output_text.delta","output_index":1,"delta":"x","error":null}""")]
    [InlineData("a lone surrogate", """{"type":"response.output_text.delta","output_index":1,"delta":"\ud800"}""")]
    [InlineData("a negative index", """{"type":"response.output_text.delta","output_index":-1,"delta":"x"}""")]
    [InlineData("text after the object", """{"type":"response.output_text.delta","output_index":1,"delta":"x"} {}""")]
    [InlineData("not an object", """["response.output_text.delta"]""")]
    public void AnythingButAPlainDeltaGoesTheFullWay(string why, string data) =>
        ResponsesDeltaEvent.TryRead(Encoding.UTF8.GetBytes(data), out _, out _, out _).ShouldBeFalse(why);

    [Fact]
    public void ATextDeltaIsCopiedAsTheUpstreamEscapedIt()
    {
        // The full path decodes and writes "é" raw; the fast path copies the upstream's "\u00e9": same text, no decoding.
        var (request, _) = ResponsesHarness.Request("""{"model":"m","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        var translator = new ResponsesTranslator().CreateStreamTranslator(request, ResponsesHarness.Gpt54);
        var output = new ArrayBufferWriter<byte>();
        foreach (var data in Stream([], ["caf", "\u00e9 au lait"], null, JavaScriptEncoder.Default, fullPath: false))
            translator.OnData(Encoding.UTF8.GetBytes(data), output);
        var written = Encoding.UTF8.GetString(output.WrittenSpan);
        written.ShouldContain("""{"type":"text_delta","text":"\u00E9 au lait"}""");
        AnthropicStream.Parse(output.WrittenSpan).ShouldNotBeEmpty();
    }

    [Fact]
    public void TheFastPathSaysWhatTheFullTranslationSays()
    {
        // The same events twice: as they are, and with an "error":null member that only sends them the full way (the
        // translation ignores it). Clients must not be able to tell the difference.
        var encoders = new[] { JavaScriptEncoder.Default, JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        Gen.Select(Gen.String.Array[0, 5], Gen.String.Array[0, 6], Gen.String[0, 20].Null(), Gen.Int[0, 1]).Sample(sample =>
        {
            var (summary, text, command, encoder) = sample;
            var (request, _) = ResponsesHarness.Request(ToolsAndThinking);
            var fast = ResponsesHarness.Events(request, Stream(summary, text, command, encoders[encoder], fullPath: false)).Stream.ShouldBeWellFormed();
            var full = ResponsesHarness.Events(request, Stream(summary, text, command, encoders[encoder], fullPath: true)).Stream.ShouldBeWellFormed();
            fast.Sequence.ShouldBe(full.Sequence);
            fast.Blocks().Select(b => b.ToJsonString()).ShouldBe(full.Blocks().Select(b => b.ToJsonString()));
        }, iter: 1_000);
    }

    /// <summary>A Responses stream: a reasoning item's summary, a message's text, then (when given) a Bash call, each streamed in pieces.</summary>
    private static string[] Stream(string[] summary, string[] text, string? command, JavaScriptEncoder encoder, bool fullPath)
    {
        var options = new JsonSerializerOptions { Encoder = encoder };
        string Json(string value) => JsonSerializer.Serialize(value, options);
        string Delta(string type, int index, string delta) =>
            $$"""{{{(fullPath ? "\"error\":null," : "")}}"type":"{{type}}","item_id":"it_{{index}}","output_index":{{index}},"delta":{{Json(delta)}}}""";
        var events = new List<string>
        {
            """{"type":"response.created","sequence_number":0,"response":{"id":"r","status":"in_progress","output":[]}}""",
            """{"type":"response.output_item.added","output_index":0,"item":{"id":"it_0","type":"reasoning","summary":[]}}""",
            """{"type":"response.reasoning_summary_part.added","item_id":"it_0","output_index":0,"summary_index":0}""",
        };
        events.AddRange(summary.Select(piece => Delta("response.reasoning_summary_text.delta", 0, piece)));
        events.Add($$$"""{"type":"response.output_item.done","output_index":0,"item":{"id":"it_0","type":"reasoning","encrypted_content":"enc","summary":[{"type":"summary_text","text":{{{Json(string.Concat(summary))}}}}]}}""");
        events.Add("""{"type":"response.output_item.added","output_index":1,"item":{"id":"it_1","type":"message","role":"assistant","content":[]}}""");
        events.AddRange(text.Select(piece => Delta("response.output_text.delta", 1, piece)));
        events.Add($$$"""{"type":"response.output_item.done","output_index":1,"item":{"id":"it_1","type":"message","role":"assistant","content":[{"type":"output_text","text":{{{Json(string.Concat(text))}}}}]}}""");
        if (command is not null)
        {
            var arguments = JsonSerializer.Serialize(new Dictionary<string, string> { ["command"] = command }, options);
            events.Add("""{"type":"response.output_item.added","output_index":2,"item":{"id":"it_2","type":"function_call","call_id":"call_1","name":"Bash","arguments":""}}""");
            for (var at = 0; at < arguments.Length; at += 7) events.Add(Delta("response.function_call_arguments.delta", 2, arguments.Substring(at, Math.Min(7, arguments.Length - at))));
            events.Add($$$"""{"type":"response.output_item.done","output_index":2,"item":{"id":"it_2","type":"function_call","call_id":"call_1","name":"Bash","arguments":{{{Json(arguments)}}}}}""");
        }
        events.Add("""{"type":"response.completed","response":{"id":"r","status":"completed","output":[],"usage":{"input_tokens":5,"output_tokens":3}}}""");
        return [.. events];
    }
}
