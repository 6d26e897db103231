using System.Text;
using System.Text.Json.Nodes;
using ClaudeModelProxy.Core;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.OpenAi;
using ClaudeModelProxy.Core.Responses;
using CsCheck;

namespace ClaudeModelProxy.Tests.OpenAi;

/// <summary>
/// A validated request is translated from a copy whose escapes are masked (EscapeMask). The mask must be invisible:
/// on every wire and provider the upstream body is byte for byte the one translated from the client's own bytes, and
/// every string in it reads as the client wrote it.
/// </summary>
public class EscapeMaskTests
{
    private static readonly (string Name, IMessagesTranslator Translator, TranslationTarget Target)[] Routes =
    [
        ("chat, openai", new ChatCompletionsTranslator(), Targets.OpenAi),
        ("chat, gemini", new ChatCompletionsTranslator(), Targets.Gemini),
        ("chat, qwen", new ChatCompletionsTranslator(), Targets.Qwen),
        ("chat, deepseek", new ChatCompletionsTranslator(), Targets.DeepSeek),
        ("responses, openai", new ResponsesTranslator(), Targets.Gpt56),
    ];

    /// <summary>Escapes in every string value a translation reads, in each form JSON allows.</summary>
    private const string EscapedEverywhere = """
        {"model":"claude-gpt-5.4","max_tokens":100,"stream":false,
         "system":[{"type":"text","text":"You are \"helpful\".\nPaths look like C:\\tmp\\x and a\/b.\tTabbed \u00e9 \ud83d\ude00"}],
         "metadata":{"user_id":"user\\1\n"},
         "stop_sequences":["\n\nHuman:","\"end\""],
         "tools":[{"name":"Bash","description":"Runs a command.\nQuote with \"double\" quotes; escape \\ once.",
                   "input_schema":{"type":"object","properties":{"command":{"type":"string","description":"The \"command\"\n\tto run \u2028 here","enum":["ls\n","echo \"hi\""]},"quoted \"key\"\n":{"type":"string","description":"a\\b"}},"required":["command"]}}],
         "tool_choice":{"type":"auto"},
         "output_config":{"format":{"type":"json_schema","schema":{"type":"object","description":"An \"answer\"\n","properties":{"a":{"type":"string","pattern":"^\\d+\\\"$"}}}}},
         "messages":[
           {"role":"user","content":"Please run \"ls\"\nand tell me.\\"},
           {"role":"assistant","content":[
             {"type":"thinking","thinking":"The user wants \"ls\".\nFine.","signature":"c2ln\/bmF0dXJl"},
             {"type":"text","text":"Running \"ls\":\n"},
             {"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"ls -la \"my dir\"\\\n","nested":{"list":["a\tb","\u0001"]},"k\"ey\n":"v\nv"}}]},
           {"role":"user","content":[
             {"type":"tool_result","tool_use_id":"toolu_1","content":"total 2\ndrwxr-xr-x \"my dir\"\n-rw-r--r-- a\\b\r\n\ud83d lone half"}]},
           {"role":"assistant","content":[{"type":"tool_use","id":"toolu_2","name":"Bash","input":{"command":"cat \"f\""}}]},
           {"role":"user","content":[
             {"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"line 1\nline \"2\"\n"},{"type":"image","source":{"type":"base64","media_type":"image\/png","data":"iVBORw0KGgo\/AAAA"}}]},
             {"type":"text","text":"\n\nWhat next?\\n"}]}]}
        """;

    [Fact]
    public void TheMaskIsInvisibleOnEveryRouteForEscapesInEveryField()
    {
        var body = Encoding.UTF8.GetBytes(EscapedEverywhere);
        FastRequestScan.EscapedStringsOf(body).ShouldNotBeNull().Count.ShouldBeGreaterThan(20); // the mask is really used
        foreach (var (name, translator, target) in Routes)
        {
            var (masked, unmasked) = TranslateBothWays(translator, target, body, name);
            var strings = AllStrings(JsonNode.Parse(masked)).ToList();
            foreach (var expected in new[]
            {
                "You are \"helpful\".\nPaths look like C:\\tmp\\x and a/b.",
                "Runs a command.\nQuote with \"double\" quotes; escape \\ once.",
                "\"ls -la \\\"my dir\\\"\\\\\\n\"", // the tool's input, copied as the client's JSON into the arguments string
                "total 2\ndrwxr-xr-x \"my dir\"\n-rw-r--r-- a\\b\r\n\uFFFD lone half",
                "line 1\nline \"2\"\n",
            })
                strings.ShouldContain(s => s.Contains(expected), $"{name}: {expected}");
            Encoding.UTF8.GetString(masked).ShouldBe(Encoding.UTF8.GetString(unmasked), name);
        }
    }

    [Fact]
    public void AnyTextInAnyEscapeFormReadsTheSameMaskedOrNot()
    {
        var pieces = Gen.OneOf(Gen.Const("a"), Gen.Const("b"), Gen.Const(" "), Gen.Const("\n"), Gen.Const("\""), Gen.Const("\\"), Gen.Const("/"), Gen.Const("\t"), Gen.Const("\b"), Gen.Const("\f"), Gen.Const("\r"), Gen.Const("\u0001"), Gen.Const("\u001f"), Gen.Const("é"), Gen.Const("あ"), Gen.Const("😀"), Gen.Const("\u2028"));
        Gen.Select(pieces.Array[0, 30], Gen.Int).Sample((chosen, seed) =>
        {
            var text = "x" + string.Concat(chosen); // blank text is left out, which is tested elsewhere
            var random = new Random(seed);
            string Json() => Encode(text, random);
            var request = $$$$$"""
                {"model":"claude-gpt-5.4","max_tokens":10,"system":{{{{{Json()}}}}},
                 "tools":[{"name":"T","description":{{{{{Json()}}}}},"input_schema":{"type":"object","properties":{"p":{"type":"string","description":{{{{{Json()}}}}}}}}}],
                 "messages":[{"role":"user","content":{{{{{Json()}}}}}},
                   {"role":"assistant","content":[{"type":"text","text":{{{{{Json()}}}}}},{"type":"tool_use","id":"toolu_1","name":"T","input":{"p":{{{{{Json()}}}}}}}]},
                   {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":{{{{{Json()}}}}}},{"type":"text","text":{{{{{Json()}}}}}}]}]}
                """;
            var body = Encoding.UTF8.GetBytes(request);
            foreach (var (name, translator, target) in Routes)
            {
                var (masked, unmasked) = TranslateBothWays(translator, target, body, name);
                Encoding.UTF8.GetString(masked).ShouldBe(Encoding.UTF8.GetString(unmasked), name);
                var upstream = JsonNode.Parse(masked)!;
                // The tool output, decoded upstream, is the client's text exactly.
                var toolOutput = name.StartsWith("chat")
                    ? upstream["messages"]!.AsArray().Single(m => m?["role"]?.GetValue<string>() == "tool")!["content"]!.GetValue<string>()
                    : upstream["input"]!.AsArray().Single(i => i?["type"]?.GetValue<string>() == "function_call_output")!["output"]!.GetValue<string>();
                toolOutput.ShouldBe(text, name);
                // And so is every other text: system prompt, tool and parameter descriptions, both user texts, the assistant's.
                AllStrings(upstream).Count(s => s == text).ShouldBe(7, name);
            }
        });
    }

    private static IEnumerable<string> AllStrings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => AllStrings(p.Value)),
        JsonArray a => a.SelectMany(AllStrings),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    [Fact]
    public void EveryEscapeIsMaskedWhereverItFallsInTheVectorisedWalkAndReadsAsTheClientWroteIt()
    {
        foreach (var escape in new[] { "\\\\", "\\\"", "\\n", "\\/", "\\u00e9", "\\\\\\n", "\\\\u0041" })
        {
            for (var offset = 0; offset < 40; offset++)
            {
                var content = new string('a', offset) + escape + new string('b', 39 - offset) + escape;
                var body = Encoding.UTF8.GetBytes("{\"model\":\"m\",\"s\":\"" + content + "\"}");
                using var mask = EscapeMask.Over(body, FastRequestScan.EscapedStringsOf(body)).ShouldNotBeNull();
                var masked = mask.Memory.ToArray();
                // What is left of backslashes starts \u escapes only, so the reader keeps to its vectorised search.
                for (var i = Array.IndexOf(masked, (byte)'\\'); i >= 0; i = Array.IndexOf(masked, (byte)'\\', i + 1))
                    masked[i + 1].ShouldBe((byte)'u', $"{escape} after {offset}");
                using var document = System.Text.Json.JsonDocument.Parse(mask.Memory);
                var s = document.RootElement.GetProperty("s");
                s.Text().ShouldBe(System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("s").GetString(), $"{escape} after {offset}");
                // Raw copies are the client's bytes, for the token and for the object around it.
                Encoding.UTF8.GetString(EscapeMask.ClientJson(s)).ShouldBe("\"" + content + "\"", $"{escape} after {offset}");
                EscapeMask.ClientJson(document.RootElement).ToArray().ShouldBe(body, $"{escape} after {offset}");
            }
        }
    }

    /// <summary>The request translated from the masked copy (the translator scans it) and from the client's own bytes.</summary>
    private static (byte[] Masked, byte[] Unmasked) TranslateBothWays(IMessagesTranslator translator, TranslationTarget target, byte[] body, string name)
    {
        using var masked = translator.TranslateRequest(body, target);
        using var unmasked = translator.TranslateRequest(body, target, new ScannedRequest { EscapedStrings = null });
        masked.Error.ShouldBeNull(name);
        unmasked.Error.ShouldBeNull(name);
        var bytes = masked.Body.ToArray();
        bytes.ShouldNotContain((byte)0xFF, name); // no masked byte reaches the upstream
        bytes.ShouldNotContain((byte)0xFE, name);
        bytes.ShouldNotContain((byte)0xFD, name);
        return (bytes, unmasked.Body.ToArray());
    }

    /// <summary>A JSON string for <paramref name="text"/>, each character in one of the forms JSON allows for it, picked at random.</summary>
    private static string Encode(string text, Random random)
    {
        var json = new StringBuilder("\"");
        foreach (var rune in text.EnumerateRunes())
        {
            if (!rune.IsBmp)
            {
                // A character outside the BMP: its UTF-8 bytes, or its surrogate pair as two escapes.
                if (random.Next(2) == 0) json.Append(rune.ToString());
                else foreach (var half in rune.ToString()) json.Append($"\\u{(int)half:x4}");
                continue;
            }
            var c = (char)rune.Value;
            var shortForm = c switch { '"' => "\\\"", '\\' => "\\\\", '/' => "\\/", '\b' => "\\b", '\f' => "\\f", '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", _ => null };
            var mustEscape = c is '"' or '\\' or < ' ';
            var form = random.Next(3);
            if (shortForm is not null && (form == 0 || (mustEscape && form == 1))) json.Append(shortForm);
            else if (mustEscape || form == 2) json.Append($"\\u{(int)c:x4}");
            else json.Append(c);
        }
        return json.Append('"').ToString();
    }

    [Fact]
    public void TheScanListsExactlyTheContentsOfEscapedStringValues()
    {
        var body = Encoding.UTF8.GetBytes("""{"model":"m","o":{"k\"ey":"v\nw"},"plain":"x","a":["x\ty",{"n\u0065sted\n":"\u00e9"}]}""");
        var ranges = FastRequestScan.EscapedStringsOf(body).ShouldNotBeNull();
        ranges.Select(r => Encoding.UTF8.GetString(body.AsSpan(r))).ShouldBe(["v\\nw", "x\\ty", "\\u00e9"]); // keys are never listed
    }

    [Fact]
    public void ABodyTheReaderScannedIsTranslatedUnmaskedAndTheSame()
    {
        // An escaped top-level key sends the scan to the reader, which lists no escaped strings.
        var body = Encoding.UTF8.GetBytes(EscapedEverywhere.Replace("\"max_tokens\"", "\"max_tok\\u0065ns\""));
        var scanned = MessagesRequestScanner.Scan(body);
        scanned.Error.ShouldBeNull();
        scanned.EscapedStrings.ShouldBeNull();
        foreach (var (name, translator, target) in Routes)
        {
            using var viaScan = translator.TranslateRequest(body, target, scanned);
            using var masked = translator.TranslateRequest(Encoding.UTF8.GetBytes(EscapedEverywhere), target);
            viaScan.Error.ShouldBeNull(name);
            Encoding.UTF8.GetString(viaScan.Body.Span).ShouldBe(Encoding.UTF8.GetString(masked.Body.Span), name);
        }
    }

    [Fact]
    public void EscapedStringsBeyondTheScansListAreParsedUnmaskedAndTheOutputIsTheSame()
    {
        var turns = string.Join(",", Enumerable.Range(0, 400).Select(i =>
            $$$"""{"role":"assistant","content":[{"type":"tool_use","id":"toolu_{{{i}}}","name":"Bash","input":{"c":"a\nb"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_{{{i}}}","content":"o\tk {{{i}}}"}]}"""));
        var body = Encoding.UTF8.GetBytes($$"""{"model":"claude-gpt-5.4","max_tokens":10,"messages":[{"role":"user","content":"go"},{{turns}}]}""");
        var listed = FastRequestScan.EscapedStringsOf(body).ShouldNotBeNull().Count;
        listed.ShouldBeLessThan(800); // the cap: the rest are parsed as they are
        listed.ShouldBeGreaterThan(0);
        foreach (var (name, translator, target) in Routes)
        {
            var (masked, unmasked) = TranslateBothWays(translator, target, body, name);
            Encoding.UTF8.GetString(masked).ShouldBe(Encoding.UTF8.GetString(unmasked), name);
            Encoding.UTF8.GetString(masked).ShouldContain("o\\tk 399", customMessage: name);
        }
    }

    [Fact]
    public void ALoneSurrogateInATypeARoleOrASchemaCannotFailTheRequest()
    {
        // A block whose type is a lone half is no known block: left out, as before.
        var (_, body) = Translate.Request(Translate.Body("""[{"role":"user","content":[{"type":"\ud800","text":"x"},{"type":"text","text":"hello"}]}]"""));
        body.Messages().Single()!["content"]!.ToJsonString().ShouldContain("hello");
        // A role that is a lone half is still answered with the role's own message.
        Translate.ErrorOf(Translate.Body("""[{"role":"\ud800","content":"hi"}]""")).ShouldContain("Input should be 'user', 'assistant' or 'system'");
        // A lone half in a schema (Gemini's sanitised one too), the output schema or a tool's input reaches the upstream as
        // U+FFFD on every route, like text does; a pair stays a pair and an escaped backslash before "u" is no escape.
        var request = Encoding.UTF8.GetBytes("""
            {"model":"claude-gpt-5.4","max_tokens":10,
             "tools":[{"name":"T","input_schema":{"type":"object","description":"cut \ud83d here, whole \ud83d\ude00, kept \\ud800","properties":{"p":{"type":"string","title":"low \udc00 alone"}}}}],
             "output_config":{"format":{"type":"json_schema","schema":{"type":"object","description":"out \ud800\n"}}},
             "messages":[{"role":"user","content":"go"},
               {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"T","input":{"p":"in \ud800\u0041"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"ok"}]}]}
            """);
        foreach (var (name, translator, target) in Routes)
        {
            using var translated = translator.TranslateRequest(request, target);
            translated.Error.ShouldBeNull(name);
            var strings = AllStrings(JsonNode.Parse(translated.Body.Span)).ToList(); // reading every string proves none holds a lone half
            strings.ShouldContain("cut \uFFFD here, whole 😀, kept \\ud800", name);
            strings.ShouldContain(s => s.Contains("\"in \\uFFFD\\u0041\""), $"{name}: the tool input in the arguments");
            strings.ShouldContain("low \uFFFD alone", name);
            strings.ShouldContain("out \uFFFD\n", name);
        }
    }
}
