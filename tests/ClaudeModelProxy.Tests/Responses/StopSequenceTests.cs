using System.Text.Json.Nodes;
using ClaudeModelProxy.Core.Responses;
using ClaudeModelProxy.Tests.OpenAi;

namespace ClaudeModelProxy.Tests.Responses;

/// <summary>The Responses API has no <c>stop</c>: the gateway applies <c>stop_sequences</c> to the text it relays.</summary>
public class StopSequenceTests
{
    [Fact]
    public void TextIsReleasedAsSoonAsItCannotBeTheStartOfAStopSequence()
    {
        var cutter = new StopSequenceCutter(["STOP"]);
        cutter.Push("Hello S").ShouldBe("Hello ");
        cutter.Push("T").ShouldBe("");
        cutter.Push("ale bread").ShouldBe("STale bread");
        cutter.Push(" ST").ShouldBe(" ");
        cutter.Push("OP and more").ShouldBe("");
        cutter.Matched.ShouldBe("STOP");
        cutter.Push("anything").ShouldBe("");
        cutter.Flush().ShouldBe("");
    }

    [Fact]
    public void TheEarliestMatchWinsAndAHeldTailIsFlushedWhenNoneMatches()
    {
        new StopSequenceCutter(["world", "lo"]).Cut("Hello world").ShouldBe("Hel");
        var cutter = new StopSequenceCutter(["END"]);
        cutter.Push("almost EN").ShouldBe("almost ");
        cutter.Flush().ShouldBe("EN");
        cutter.Matched.ShouldBeNull();
    }

    [Fact]
    public async Task AJsonReplyIsCutAtTheFirstStopSequenceWithStopReasonStopSequence()
    {
        var fake = new FakeOpenAi { Reply = _ => [new FakeText("Step one.\n###\nStep two."), new FakeCall("call_1", "Bash", "{}")] };
        var (request, _) = ResponsesHarness.Request("""{"model":"m","max_tokens":100,"stop_sequences":["###"],"tools":[{"name":"Bash","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"steps"}]}""");
        var reply = JsonNode.Parse(new ResponsesTranslator().TranslateResponse(await ResponsesHarness.Accepted(fake, request), request, ResponsesHarness.Gpt54, out _))!;
        reply["content"]!.AsArray().Count.ShouldBe(1);
        reply["content"]![0]!["text"].Str().ShouldBe("Step one.\n");
        reply["stop_reason"].Str().ShouldBe("stop_sequence");
        reply["stop_sequence"].Str().ShouldBe("###");
    }

    [Fact]
    public async Task AStopSequenceSplitAcrossStreamDeltasEndsTheStreamedTextThere()
    {
        var fake = new FakeOpenAi { Reply = _ => [new FakeText("Step one.\n#", "#", "#\nStep two."), new FakeCall("call_1", "Bash", "{}")] };
        var (request, _) = ResponsesHarness.Request("""{"model":"m","max_tokens":100,"stream":true,"stop_sequences":["###"],"tools":[{"name":"Bash","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"steps"}]}""");
        var (stream, translator) = ResponsesHarness.Stream(await ResponsesHarness.Accepted(fake, request), request);
        stream.ShouldBeWellFormed();
        stream.Blocks().Select(b => b["type"].Str()).ShouldBe(["text"]);
        stream.Blocks()[0]["text"].Str().ShouldBe("Step one.\n");
        stream.StopReason.ShouldBe("stop_sequence");
        stream.Single("message_delta").Data["delta"]!["stop_sequence"].Str().ShouldBe("###");
        // The rest of the upstream stream is still read for its usage.
        translator.Usage.OutputTokens.ShouldBe(40);
    }

    [Fact]
    public async Task WithoutAMatchTheTextIsUnchangedAndTheStopSequenceIsNull()
    {
        var fake = new FakeOpenAi { Reply = _ => [new FakeText("Ends with #", "#")] };
        var (request, _) = ResponsesHarness.Request("""{"model":"m","max_tokens":100,"stream":true,"stop_sequences":["###"],"messages":[{"role":"user","content":"x"}]}""");
        var (stream, _) = ResponsesHarness.Stream(await ResponsesHarness.Accepted(fake, request), request);
        stream.ShouldBeWellFormed();
        stream.Blocks()[0]["text"].Str().ShouldBe("Ends with ##");
        stream.StopReason.ShouldBe("end_turn");
        stream.Single("message_delta").Data["delta"]!["stop_sequence"].ShouldBeNull();
    }
}
