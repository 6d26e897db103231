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
        "{", "}", "[", "]", ",", ":", " ", "\n", "\r", "\t", "\"", "\\", "\\n", "\\u00e9", "\\u12G4", "\\x", "\\/", "\u0001", "\u001f",
        ",]", ",}", "[,", "{,", ",,", "::", "0", "01", "-", "-0", "1.", "1.5", "1e", "1e+", "1E-2", "0e5", ".5", "+1", "true", "tru", "false", "null", "nul",
        "\"model\"", "\"stream\"", "\"mod\\u0065l\"", "\"claude-x\"", "\"a\"", "é", "\"\"", "1x", "\u00a0", "\uFEFF",
    ];

    private static readonly Gen<string> Whitespace = Gen.OneOf(Gen.Const(""), Gen.Const(" "), Gen.Const("\n  "), Gen.Const("\r\n"), Gen.Const("\t"));

    /// <summary>Valid JSON numbers of every shape.</summary>
    private static readonly Gen<string> Numbers = Gen.Select(Gen.Bool, Gen.OneOf(Gen.Const("0"), Gen.Int[1, 99999].Select(i => i.ToString())),
        Gen.OneOf(Gen.Const(""), Gen.Int[0, 999].Select(i => "." + i)), Gen.OneOf(Gen.Const(""), Gen.Const("e5"), Gen.Const("E+12"), Gen.Const("e-0")))
        .Select((minus, integer, fraction, exponent) => (minus ? "-" : "") + integer + fraction + exponent);

    /// <summary>Strings as clients write them: raw UTF-8, every escape, long runs of escaped newlines.</summary>
    private static readonly Gen<string> Strings = Gen.OneOf(
            Gen.String[0, 20].Select(t => new string(t.Where(c => c >= ' ' && c != '"' && c != '\\' && !char.IsSurrogate(c)).ToArray())),
            Gen.OneOf(Gen.Const("\\n"), Gen.Const("\\\""), Gen.Const("\\\\"), Gen.Const("\\/"), Gen.Const("\\b\\f\\r\\t"), Gen.Const("\\ud83d\\ude00"), Gen.Const("\\ud800")),
            Gen.Int[0, 0xFFFF].Select(i => $"\\u{i:x4}"),
            Gen.Int[1, 200].Select(n => string.Concat(Enumerable.Repeat("line of output\\n", n))))
        .Array[0, 6].Select(parts => "\"" + string.Concat(parts) + "\"");

    private static Gen<string> Value(int depth)
    {
        var leaf = Gen.OneOf(Numbers, Strings, Gen.OneOf(Gen.Const("true"), Gen.Const("false"), Gen.Const("null")));
        if (depth == 0) return leaf;
        var inner = Gen.Select(Whitespace, Value(depth - 1), Whitespace).Select((a, v, b) => a + v + b);
        var array = inner.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]");
        var key = Gen.OneOf(Strings, Gen.Const("\"model\""), Gen.Const("\"stream\""));
        var obj = Gen.Select(key, Whitespace, inner).Select((k, w, v) => k + w + ":" + v).Array[0, 4].Select(pairs => "{" + string.Join(",", pairs) + "}");
        return Gen.Frequency<string>((2, (IGen<string>)leaf), (1, array), (1, obj));
    }

    /// <summary>A Messages-shaped top level in any key order (a nested level may repeat model and stream), then sometimes mutated.</summary>
    private static readonly Gen<string> Bodies = Gen.Select(
            Gen.Select(Gen.OneOf(Gen.Const("claude-deepseek-v4-pro"), Gen.Const("claude-é ✓"), Gen.Const("  ")), Strings).Select((plain, any) => new[] { "\"" + plain + "\"", any }),
            Gen.OneOf(Gen.Const("true"), Gen.Const("false"), Gen.Const("1"), Gen.Const("\"true\""), Gen.Const("null")),
            Gen.Select(Gen.OneOf(Gen.Const("\"messages\""), Gen.Const("\"max_tokens\""), Gen.Const("\"tools\""), Gen.Const("\"system\""), Gen.Const("\"\""), Strings), Value(6)).Array[0, 5],
            Gen.Int[0, 1], Gen.Bool, Whitespace)
        .SelectMany((models, stream, others, modelChoice, streamFirst, ws) =>
        {
            var pairs = others.Select(o => o.Item1 + ws + ":" + ws + o.Item2).ToList();
            pairs.Insert(streamFirst ? 0 : pairs.Count, "\"stream\":" + stream);
            pairs.Insert(pairs.Count / 2, "\"model\"" + ws + ":" + models[modelChoice]);
            var valid = ws + "{" + ws + string.Join("," + ws, pairs) + ws + "}" + ws;
            // Structural positions, where a stray comma, bracket or colon makes the subtle invalid cases ("[1,]").
            var structural = Enumerable.Range(0, valid.Length).Where(i => "{}[],:".Contains(valid[i])).ToArray();
            return Gen.Select(Gen.Int[0, 6], Gen.Int[0, Math.Max(0, valid.Length - 1)], Gen.OneOf(Pieces), Gen.Int[1, 8], Gen.Int[0, structural.Length - 1], Gen.OneOf(",", ":", "]", "}", "[", "{"))
                .Select((mutation, at, piece, span, near, mark) => mutation switch
                {
                    0 or 1 => valid,
                    2 => valid[..at] + piece + valid[at..],
                    3 => valid[..at] + piece + valid[Math.Min(valid.Length, at + span)..],
                    4 or 5 => valid[..structural[near]] + mark + valid[structural[near]..],
                    _ => valid[..at],
                });
        });

    [Fact]
    public void WhateverTheFastScanAcceptsTheReaderAcceptsAlikeAndItTakesMostValidBodies()
    {
        var fast = 0;
        var valid = 0;
        Bodies.Sample(text =>
        {
            var body = Encoding.UTF8.GetBytes(text);
            if (!System.Text.Unicode.Utf8.IsValid(body)) return;
            var reference = MessagesRequestScanner.ScanWithReader(body, null);
            if (reference.Error is null) Interlocked.Increment(ref valid);
            if (FastRequestScan.TryScan(body) is not { } scanned) return;
            Interlocked.Increment(ref fast);
            reference.Error.ShouldBeNull(text);
            scanned.Model.ShouldBe(reference.Model, text);
            scanned.ModelTokenOffset.ShouldBe(reference.ModelTokenOffset, text);
            scanned.ModelTokenLength.ShouldBe(reference.ModelTokenLength, text);
            scanned.Stream.ShouldBe(reference.Stream, text);
        }, iter: 30_000);
        // Not vacuous: thousands of bodies took the fast path (about a third of the valid ones; the rest have an
        // escaped model or top-level key, or a duplicate one, which the generator makes often on purpose).
        fast.ShouldBeGreaterThan(2_000, $"{valid} bodies were valid");
        fast.ShouldBeGreaterThan(valid / 4, $"{valid} bodies were valid");
    }

    [Fact]
    public void AMillionTopLevelKeysAreCheckedForDuplicatesInLinearTime()
    {
        // Quadratic comparison would take hours here; the test would never end.
        var keys = string.Join(",", Enumerable.Range(0, 300_000).Select(i => $"\"k{i}\":0"));
        var body = Encoding.UTF8.GetBytes("{\"model\":\"claude-deepseek-v4-pro\"," + keys + "}");
        MessagesRequestScanner.Scan(body).Model.ShouldBe("claude-deepseek-v4-pro");
        var duplicated = Encoding.UTF8.GetBytes("{\"model\":\"claude-deepseek-v4-pro\"," + keys + ",\"k7\":1}");
        MessagesRequestScanner.Scan(duplicated).Error.ShouldNotBeNull().ShouldContain("\"k7\" more than once");
    }

    [Fact]
    public void EverySpecialByteIsFoundWhereverItFallsInTheVectorisedSearch()
    {
        // The string search works 16 bytes at a time and then byte by byte: each special at each offset of three
        // blocks and the tail, beside bytes that are not special (DEL, UTF-8 continuation bytes).
        for (var offset = 0; offset < 50; offset++)
        {
            foreach (var (special, accepted) in new[] { ("\u0001", false), ("\u001f", false), ("\t", false), ("\\n", true), ("\\\"", true), ("\\\\", true), ("\\u00e9", true), ("\\x", false), ("\\u12G4", false), ("\u007f", true), ("é", true) })
            {
                var text = new string('a', offset) + special + new string('b', 49 - offset);
                var body = Encoding.UTF8.GetBytes("{\"model\":\"m\",\"s\":\"" + text + "\"}");
                (FastRequestScan.TryScan(body) is not null).ShouldBe(accepted, $"{special} after {offset} bytes");
                MessagesRequestScanner.Scan(body).Error.ShouldBe(MessagesRequestScanner.ScanWithReader(body, null).Error);
            }
        }
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
