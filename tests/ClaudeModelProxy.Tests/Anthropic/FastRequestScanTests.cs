using System.Text;
using ClaudeModelProxy.Core.Anthropic;
using CsCheck;

namespace ClaudeModelProxy.Tests.Anthropic;

/// <summary>
/// The fast request scan may only ever agree with the reader: whatever it accepts, Utf8JsonReader accepts, with the
/// same model, model position and stream flag; everything else it hands to the reader.
/// </summary>
public class FastRequestScanTests
{
    private static readonly string[] Pieces =
    [
        "{", "}", "[", "]", ",", ":", " ", "\n", "\t", "\"", "\\", "\\n", "\\u00e9", "\\u12G4", "\\x", "\\/", "\u0001",
        "0", "01", "-", "-0", "1.", "1.5", "1e", "1e+", "1E-2", "0e5", ".5", "+1", "true", "tru", "false", "null", "nul",
        "\"model\"", "\"stream\"", "\"mod\\u0065l\"", "\"claude-x\"", "\"a\"", "é", "\"\"", "1x",
    ];

    /// <summary>Valid JSON with every number form and escape, then mutated: pieces inserted, bytes cut, bytes replaced.</summary>
    private static readonly Gen<string> Bodies = Gen.Select(
            Gen.OneOf(Gen.Const("claude-deepseek-v4-pro"), Gen.Const("claude-x \\\" y"), Gen.Const("  "), Gen.String[0, 12]),
            Gen.OneOf(Gen.Const("true"), Gen.Const("false"), Gen.Const("1"), Gen.Const("\"true\"")),
            Gen.OneOf(Pieces).Array[0, 40].Select(p => string.Concat(p)),
            Gen.Int[0, 3],
            Gen.Int[0, 400],
            Gen.OneOf(Pieces))
        .Select((model, stream, noise, mutation, at, piece) =>
        {
            var valid = $$"""{"model":{{System.Text.Json.JsonSerializer.Serialize(model)}} , "stream" :{{stream}},"max_tokens":-1.5e+3,"messages":[{"role":"user","content":"line\nnext\ttab \u00e9 \\ \/ \"q\""},{"role":"assistant","content":[{"type":"text","text":"0","n":[0,-0,1E-2,12.25,null,true,false,{}]}]}],"x":{"y":[[[]]]} }""";
            var cut = Math.Min(at, valid.Length);
            return mutation switch
            {
                0 => valid,
                1 => valid[..cut] + piece + valid[cut..],
                2 => valid[..cut] + noise,
                _ => valid[..cut] + piece + valid[Math.Min(valid.Length, cut + 1)..],
            };
        });

    [Fact]
    public void WhateverTheFastScanAcceptsTheReaderAcceptsAlikeAndItTakesMostValidBodies()
    {
        var fast = 0;
        var valid = 0;
        Bodies.Sample(text =>
        {
            var body = Encoding.UTF8.GetBytes(text);
            var reference = MessagesRequestScanner.ScanWithReader(body, null);
            if (reference.Error is null) Interlocked.Increment(ref valid);
            if (FastRequestScan.TryScan(body) is not { } scanned) return;
            Interlocked.Increment(ref fast);
            reference.Error.ShouldBeNull(text);
            scanned.Model.ShouldBe(reference.Model, text);
            scanned.ModelTokenOffset.ShouldBe(reference.ModelTokenOffset, text);
            scanned.ModelTokenLength.ShouldBe(reference.ModelTokenLength, text);
            scanned.Stream.ShouldBe(reference.Stream, text);
        }, iter: 50_000);
        // Not vacuous: most bodies the reader accepts take the fast path.
        fast.ShouldBeGreaterThan(valid / 2);
    }

    [Theory]
    [InlineData("""{"model":"m","n":01}""")]
    [InlineData("""{"model":"m","n":1.}""")]
    [InlineData("""{"model":"m","n":1e+}""")]
    [InlineData("""{"model":"m","n":-}""")]
    [InlineData("""{"model":"m","n":+1}""")]
    [InlineData("""{"model":"m","n":.5}""")]
    [InlineData("""{"model":"m","n":1x}""")]
    [InlineData("""{"model":"m","n":tru}""")]
    [InlineData("""{"model":"m","s":"\x"}""")]
    [InlineData("""{"model":"m","s":"\u12G4"}""")]
    [InlineData("{\"model\":\"m\",\"s\":\"a\tb\"}")]
    [InlineData("""{"model":"m","a":[1,]}""")]
    [InlineData("""{"model":"m",}""")]
    [InlineData("""{"model":"m"} x""")]
    [InlineData("""{"model":"m"}{}""")]
    [InlineData("""{"model":"m" /* c */}""")]
    [InlineData("""{"model":"m","model":"n"}""")]
    [InlineData("""{"model":"m","mod\u0065l":"n"}""")]
    [InlineData("""{"model":"m\u0020x"}""")]
    [InlineData("""{"model":5}""")]
    [InlineData("""{"model":"  "}""")]
    [InlineData("""{"stream":true}""")]
    [InlineData("""["model","m"]""")]
    [InlineData("\uFEFF{\"model\":\"m\"}")]
    public void WhatTheReaderRefusesOrWordsIsLeftToTheReader(string text)
    {
        var body = Encoding.UTF8.GetBytes(text);
        FastRequestScan.TryScan(body).ShouldBeNull();
        // And the public scan still says what the reader says.
        MessagesRequestScanner.Scan(body).Error.ShouldBe(MessagesRequestScanner.ScanWithReader(body, null).Error);
    }

    [Fact]
    public void NestingNearTheReadersLimitIsTheReadersCall()
    {
        foreach (var depth in new[] { 99, 100, 126, 127, 128, 129 })
        {
            var body = Encoding.UTF8.GetBytes("{\"model\":\"m\",\"x\":" + new string('[', depth) + new string(']', depth) + "}");
            var reference = MessagesRequestScanner.ScanWithReader(body, null);
            MessagesRequestScanner.Scan(body).Error.ShouldBe(reference.Error, $"depth {depth}");
            if (FastRequestScan.TryScan(body) is not null) reference.Error.ShouldBeNull($"depth {depth}");
        }
    }

    [Fact]
    public void AClaudeCodeBodyTakesTheFastPathWithItsModelInPlace()
    {
        const string text = """{"model":"claude-deepseek-v4-pro","stream":true,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"a\nb\nc"}]}]}""";
        var scanned = FastRequestScan.TryScan(Encoding.UTF8.GetBytes(text)).ShouldNotBeNull();
        scanned.Model.ShouldBe("claude-deepseek-v4-pro");
        text.Substring(scanned.ModelTokenOffset, scanned.ModelTokenLength).ShouldBe("\"claude-deepseek-v4-pro\"");
        scanned.Stream.ShouldBeTrue();
    }
}
