using System.Text;
using ClaudeModelProxy.Core.Conversation;
using ClaudeModelProxy.Core.Responses;
using CsCheck;

namespace ClaudeModelProxy.Tests.Responses;

/// <summary>Properties of the two pieces whose mistakes would be silent: stop-sequence cutting and the reasoning signature.</summary>
public class ResponsesPropertyTests
{
    private static readonly Gen<string> SmallText = Gen.String[Gen.Char["ab#\n"], 0, 40];

    [Fact]
    public void CuttingAStreamInAnyChunksGivesTheTextBeforeTheFirstCompleteStopSequence()
    {
        Gen.Select(SmallText, Gen.String[Gen.Char["ab#"], 1, 4].List[0, 3], Gen.Int[1, 7]).Sample((text, stops, chunk) =>
        {
            var cutter = new StopSequenceCutter(stops);
            var shown = new StringBuilder();
            for (var i = 0; i < text.Length; i += chunk) shown.Append(cutter.Push(text.Substring(i, Math.Min(chunk, text.Length - i))));
            shown.Append(cutter.Flush());

            // The first stop sequence to be complete, as a model generating the text would meet it (the longer of two complete at once).
            var first = stops.Select(s => (Stop: s, At: text.IndexOf(s, StringComparison.Ordinal))).Where(x => x.At >= 0)
                .OrderBy(x => x.At + x.Stop.Length).ThenBy(x => x.At).FirstOrDefault();
            var expected = first.Stop is null ? text : text[..first.At];
            shown.ToString().ShouldBe(expected);
            (cutter.Matched is null).ShouldBe(first.Stop is null);
            if (first.Stop is not null) text.Substring(first.At).ShouldStartWith(cutter.Matched!);
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void OfTwoOverlappingStopSequencesTheOneCompleteFirstEndsTheText(int chunk)
    {
        // "bab" starts first, but "a" is complete first: a model stops at "a" (the case the property test found).
        const string text = "\n#bab tail";
        var cutter = new StopSequenceCutter(["a", "###", "bab"]);
        var shown = new StringBuilder();
        for (var i = 0; i < text.Length; i += chunk) shown.Append(cutter.Push(text.Substring(i, Math.Min(chunk, text.Length - i))));
        shown.Append(cutter.Flush());

        shown.ToString().ShouldBe("\n#b");
        cutter.Matched.ShouldBe("a");
        new StopSequenceCutter(["a", "###", "bab"]).Cut(text).ShouldBe("\n#b", "a whole reply is cut where its stream would be");
    }

    [Fact]
    public void AReasoningStateRoundTripsThroughItsSignatureExactly()
    {
        // Never empty: a reasoning item without encrypted content gets no signature at all (nothing to carry back).
        Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 30], Gen.String[Gen.Char["ABCxyz019+/=_-"], 1, 500]).Sample((id, encrypted) =>
        {
            var signature = ReasoningSignature.Encode("openai", new ReasoningState("rs_" + id, encrypted));
            signature.ShouldStartWith("cmp1.openai.");
            ReasoningSignature.TryDecode(signature, "openai", out var state).ShouldBeTrue();
            state.Id.ShouldBe("rs_" + id);
            state.EncryptedContent.ShouldBe(encrypted);
        });
    }

    [Fact]
    public void NoOtherProvidersSignatureAndNoArbitraryTextDecodesAsOpenAiReasoning()
    {
        Gen.Select(Gen.String[Gen.Char["cmp1.openaigemini\nAQID-_"], 0, 60], Gen.Byte.Array[0, 40]).Sample((text, payload) =>
        {
            if (ReasoningSignature.TryDecode(text, "openai", out _)) text.ShouldStartWith("cmp1.openai.", Case.Sensitive, "only the gateway's OpenAI signatures decode");
            ReasoningSignature.TryDecode(SignatureCodec.Encode("gemini", payload), "openai", out _).ShouldBeFalse();
        });
    }
}
