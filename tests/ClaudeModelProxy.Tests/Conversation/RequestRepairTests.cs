using System.Text;
using System.Text.Json.Nodes;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Conversation;
using ClaudeModelProxy.Core.Providers;
using ClaudeModelProxy.Core.Providers.Anthropic;
using ClaudeModelProxy.Core.Providers.Gemini;
using CsCheck;

namespace ClaudeModelProxy.Tests.Conversation;

/// <summary>History hygiene on the pass-through path: byte edits per target, nothing else touched.</summary>
public class RequestRepairTests
{
    private const string Genuine = """{"type":"thinking","thinking":"Let me look at the file.","signature":"EqQBCkYIBxgCKkDgenuineAnthropicSig=="}""";
    private const string Redacted = """{"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix/LafPsn4aDFIT"}""";
    private static readonly string Minted = $$"""{"type":"thinking","thinking":"Gemini reasoned here.","signature":"{{MintedSignatures.Reasoning("gemini")}}"}""";
    private static readonly string Carrier = $$"""{"type":"thinking","thinking":"","signature":"{{GeminiCallSignatures.Encode([new("toolu_1", "SIG")])}}"}""";
    private const string Legacy = """{"type":"thinking","thinking":"  ","signature":"cmproxy-thinking.openai.abcdefabcdefabcd"}""";
    private const string ToolUse = """{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"ls"}}""";
    private const string ToolResult = """{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"a.txt"}]}""";

    private static readonly ReasoningReplayRepair Kimi = new("moonshot");

    private static string Body(string assistantBlocks, string thinking = """{"type":"adaptive"}""", string extra = "") =>
        $$"""{"model":"claude-x","max_tokens":100,"thinking":{{thinking}},{{extra}}"messages":[{"role":"user","content":"go"},{"role":"assistant","content":[{{assistantBlocks}}]},{{ToolResult}}]}""";

    private static (string Text, RepairResult Result) Repair(IRequestRepair repair, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var result = repair.Repair(bytes);
        return (Encoding.UTF8.GetString(ByteEdits.Apply(bytes, result.Edits)), result);
    }

    [Fact]
    public void ToAnthropicMintedThinkingIsDroppedOrMadeTextAndGenuineThinkingStaysByteForByte()
    {
        var body = Body(string.Join(",", Genuine, Minted, Legacy, Carrier, ToolUse));
        var (text, result) = Repair(AnthropicHistoryRepair.Instance, body);

        text.ShouldBe(Body(string.Join(",", Genuine, """{"type":"text","text":"Gemini reasoned here."}""", ToolUse)));
        result.BlocksDropped.ShouldBe(2);
        result.BlocksMadeText.ShouldBe(1);
        result.ThinkingRemoved.ShouldBeFalse("the final assistant turn still begins with genuine thinking");
    }

    [Fact]
    public void ToAnthropicAFinalToolTurnLeftWithoutThinkingIsSentWithoutThinking()
    {
        var body = Body(string.Join(",", Carrier, ToolUse), extra: "\"context_management\":{\"edits\":[{\"type\":\"clear_thinking_20251015\",\"keep\":\"all\"}]},\"output_config\":{\"effort\":\"high\"},");
        var (text, result) = Repair(AnthropicHistoryRepair.Instance, body);

        var sent = JsonNode.Parse(text)!.AsObject();
        sent.ContainsKey("thinking").ShouldBeFalse();
        sent.ContainsKey("context_management").ShouldBeFalse("clearing thinking needs thinking on");
        sent["output_config"]!["effort"]!.GetValue<string>().ShouldBe("high");
        text.ShouldContain("[" + ToolUse + "]");
        result.ThinkingRemoved.ShouldBeTrue();
        result.Describe().ShouldContain("without thinking");
    }

    [Fact]
    public void ToAnthropicAnUnsignedThinkingBlockIsNotPassedOffAsGenuine()
    {
        var (text, _) = Repair(AnthropicHistoryRepair.Instance, Body("""{"type":"thinking","thinking":"mine"},""" + ToolUse, thinking: """{"type":"disabled"}"""));
        text.ShouldBe(Body("""{"type":"text","text":"mine"},""" + ToolUse, thinking: """{"type":"disabled"}"""));
    }

    [Fact]
    public void ToKimiAToolCallTurnWithoutThinkingMeansNoThinkingForThatRequest()
    {
        var body = Body(string.Join(",", Carrier, ToolUse), thinking: """{"type":"enabled","budget_tokens":2048}""");
        var (text, result) = Repair(Kimi, body);
        var sent = JsonNode.Parse(text)!.AsObject();
        sent.ContainsKey("thinking").ShouldBeFalse();
        sent["messages"]![1]!["content"]!.ToJsonString().ShouldBe("[" + ToolUse + "]");
        result.ThinkingRemoved.ShouldBeTrue();
    }

    [Fact]
    public void ToKimiItsOwnThinkingStaysAndRedactedThinkingGoes()
    {
        var own = """{"type":"thinking","thinking":"I will list.","signature":"kimi-own-sig"}""";
        var body = Body(string.Join(",", own, Redacted, ToolUse));
        var (text, result) = Repair(Kimi, body);
        text.ShouldBe(Body(string.Join(",", own, ToolUse)));
        result.ThinkingRemoved.ShouldBeFalse();
    }

    [Fact]
    public void ARequestWithoutThinkingAnywhereIsNotEvenRead()
    {
        var body = """{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi"}]}""";
        Repair(AnthropicHistoryRepair.Instance, body).Result.ShouldBe(RepairResult.None);
        Repair(Kimi, body).Result.ShouldBe(RepairResult.None);
    }

    [Fact]
    public void AnAssistantTurnMadeOnlyOfForeignThinkingKeepsAPlaceholderSoItIsNotEmpty()
    {
        var body = $$"""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"},{"role":"assistant","content":[{{Carrier}}]},{"role":"user","content":"b"}]}""";
        var (text, _) = Repair(AnthropicHistoryRepair.Instance, body);
        JsonNode.Parse(text)!["messages"]![1]!["content"]!.ToJsonString().ShouldBe("""[{"type":"text","text":"(thinking omitted)"}]""");
    }

    [Fact]
    public void EachProviderGetsItsRepair()
    {
        ProviderCatalog.All.Find("anthropic")!.RequestRepair.ShouldBe(AnthropicHistoryRepair.Instance);
        foreach (var provider in new[] { "moonshot", "deepseek", "glm", "xiaomi" })
            ProviderCatalog.All.Find(provider)!.RequestRepair.ShouldBeOfType<ReasoningReplayRepair>().ProviderId.ShouldBe(provider);
        foreach (var provider in new[] { "openai", "gemini", "qwen" })
            ProviderCatalog.All.Find(provider)!.RequestRepair.ShouldBe(RequestRepairs.None, "translated requests get their history hygiene in the translation");
    }

    [Fact]
    public void APassThroughProvidersOwnSignatureComesBackToItAsItWasAndNeverReachesAnthropicOrAnotherProvider()
    {
        var tagged = $$"""{"type":"thinking","thinking":"Kimi thought.","signature":"{{PassThroughSignatures.Wrap("moonshot", "kimi/sig+1==")}}"}""";
        var original = """{"type":"thinking","thinking":"Kimi thought.","signature":"kimi/sig+1=="}""";

        var (toKimi, kimiResult) = Repair(Kimi, Body(tagged + "," + ToolUse));
        toKimi.ShouldBe(Body(original + "," + ToolUse));
        kimiResult.SignaturesRestored.ShouldBe(1);
        kimiResult.Noteworthy.ShouldBeFalse("nothing a user needs to hear about");

        var (toDeepSeek, _) = Repair(new ReasoningReplayRepair("deepseek"), Body(tagged + "," + ToolUse));
        toDeepSeek.ShouldNotContain("kimi/sig");
        JsonNode.Parse(toDeepSeek)!.AsObject().ContainsKey("thinking").ShouldBeFalse();

        var (toAnthropic, _) = Repair(AnthropicHistoryRepair.Instance, Body(tagged + "," + ToolUse));
        toAnthropic.ShouldNotContain("kimi/sig");
        toAnthropic.ShouldNotContain("cmp1.");
    }

    [Theory]
    [InlineData("abc\",\"injected\":\"x")]
    [InlineData("abc\\")]
    [InlineData("\\u12")]
    public void ATaggedSignatureThatIsNotOneJsonStringIsNeverSpliced(string forged)
    {
        var signature = SignatureCodec.Encode("moonshot", [0x02, .. Encoding.UTF8.GetBytes(forged)]);
        PassThroughSignatures.TryUnwrap(signature, "moonshot", out _).ShouldBeFalse();
        var (text, _) = Repair(Kimi, Body($$"""{"type":"thinking","thinking":"x","signature":"{{signature}}"},""" + ToolUse));
        JsonNode.Parse(text).ShouldNotBeNull();
        text.ShouldNotContain("injected");
    }

    [Fact]
    public void RepliesFromPassThroughProvidersGetTheirSignaturesTaggedButNotToolInputs()
    {
        var reply = """{"content":[{"type":"thinking","thinking":"t","signature":"own\/1"},{"type":"tool_use","id":"x","name":"Sign","input":{"signature":"user data"}}]}""";
        var bytes = Encoding.UTF8.GetBytes(reply);
        var edits = PassThroughSignatures.WrapEdits(bytes, "moonshot")!;
        edits.Count.ShouldBe(1);
        var tagged = JsonNode.Parse(ByteEdits.Apply(bytes, edits))!;
        PassThroughSignatures.TryUnwrap(tagged["content"]![0]!["signature"]!.GetValue<string>(), "moonshot", out var original).ShouldBeTrue();
        Encoding.UTF8.GetString(original).ShouldBe("\"own\\/1\"", "the token exactly as the provider escaped it");
        tagged["content"]![1]!["input"]!["signature"]!.GetValue<string>().ShouldBe("user data");
        PassThroughSignatures.WrapEdits("""{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"abc"}}"""u8, "glm")!.Count.ShouldBe(1);
        PassThroughSignatures.WrapEdits("""{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}"""u8, "glm").ShouldBeNull();
    }

    [Fact]
    public void ArbitraryBytesNeverThrow()
    {
        var seeds = new[] { Body(Genuine + "," + Minted + "," + ToolUse), "{\"thinking\":", "{\"messages\":[{\"content\":[{\"type\":\"thinking\"", "[\"thinking\"]" };
        Gen.Select(Gen.Int[0, seeds.Length - 1], Gen.Int[0, 400], Gen.Byte.Array[0, 8]).Sample((seed, cut, noise) =>
        {
            var bytes = Encoding.UTF8.GetBytes(seeds[seed]);
            var mangled = bytes.Take(Math.Min(cut, bytes.Length)).Concat(noise).Concat(bytes.Skip(Math.Min(cut, bytes.Length))).ToArray();
            foreach (var repair in new IRequestRepair[] { AnthropicHistoryRepair.Instance, Kimi })
            {
                var result = repair.Repair(mangled);
                ByteEdits.Apply(mangled, result.Edits); // edits are sorted, in range and disjoint, or this throws
            }
        }, iter: 20_000);
    }

    /// <summary>One generated content block and whether each target's repair must take it out.</summary>
    private sealed record GeneratedBlock(string Json, bool ForeignToAnthropic, bool ForeignToReplay, string? AsText, string? ToOwnProvider = null);

    private static readonly Gen<GeneratedBlock> BlockGen = Gen.Int[0, 9].Select(Gen.String[Gen.Char.AlphaNumeric, 0, 12], (kind, word) => kind switch
    {
        0 => new GeneratedBlock($$"""{"type":"text","text":"t{{word}}"}""", false, false, null),
        1 => new GeneratedBlock($$$"""{"type":"tool_use","id":"toolu_{{{word}}}","name":"Bash","input":{"a":[1,{"b":"}"}]}}""", false, false, null),
        2 => new GeneratedBlock($$"""{ "signature" : "EqQB{{word}}", "type":"thinking","thinking":"g{{word}}" }""", false, false, null),
        3 => new GeneratedBlock($$"""{"type":"thinking","thinking":"m\n{{word}}","signature":"{{MintedSignatures.Reasoning("openai")}}"}""", true, true, "\"m\\n" + word + "\""),
        4 => new GeneratedBlock($$"""{"type":"thinking","thinking":"","signature":"{{GeminiCallSignatures.Encode([new("toolu_" + word, "S" + word)])}}"}""", true, true, null),
        5 => new GeneratedBlock("""{"type":"redacted_thinking","data":"EmwK"}""", false, true, null),
        6 => new GeneratedBlock($$"""{"type":"thinking","thinking":"","signature":"cmproxy-thinking.gemini.{{word}}x"}""", true, true, null),
        7 => new GeneratedBlock($$$"""{"type":"image","source":{"type":"base64","media_type":"image/png","data":"{{{word}}}"}}""", false, false, null),
        8 => new GeneratedBlock($$"""{"type":"thinking","signature":"","thinking":"u{{word}}"}""", true, false, "\"u" + word + "\""),
        _ => new GeneratedBlock($$"""{"type":"thinking","thinking":"k{{word}}","signature":"{{PassThroughSignatures.Wrap("moonshot", "k-" + word)}}"}""", true, false, "\"k" + word + "\"",
            $$"""{"type":"thinking","thinking":"k{{word}}","signature":"k-{{word}}"}"""),
    });

    private static readonly Gen<string> SeparatorGen = Gen.Int[0, 3].Select(i => new[] { ",", " , ", ",\n  ", "\t,\r\n" }[i]);

    [Fact]
    public void OnGeneratedHistoriesOnlyTheForeignBlocksAndTheThinkingSettingChange()
    {
        var messagesGen = Gen.Select(Gen.Bool, BlockGen.Array[1, 6], SeparatorGen).Array[1, 5];
        Gen.Select(messagesGen, Gen.Int[0, 3]).Sample((messages, thinkingKind) =>
        {
            var thinking = new[] { "", "\"thinking\":{\"type\":\"adaptive\"},", "\"thinking\" : { \"type\":\"enabled\",\"budget_tokens\":1024 } ,", "\"thinking\":{\"type\":\"disabled\"}," }[thinkingKind];
            var json = new StringBuilder("{\"model\":\"m\",").Append(thinking).Append("\"max_tokens\":9,\"messages\":[");
            for (var m = 0; m < messages.Length; m++)
            {
                var (assistant, blocks, separator) = messages[m];
                if (m > 0) json.Append(',');
                json.Append($$"""{"role":"{{(assistant ? "assistant" : "user")}}","content":[""").Append(string.Join(separator, blocks.Select(b => b.Json))).Append("]}");
            }
            var body = Encoding.UTF8.GetBytes(json.Append("]}").ToString());

            foreach (var anthropic in new[] { true, false })
            {
                IRequestRepair repair = anthropic ? AnthropicHistoryRepair.Instance : Kimi;
                var result = repair.Repair(body);
                var output = ByteEdits.Apply(body, result.Edits);
                var sent = JsonNode.Parse(output)!.AsObject();

                // Every kept block arrives as the exact bytes it was, in order; a foreign block is gone or is its text.
                var sentMessages = sent["messages"]!.AsArray();
                for (var m = 0; m < messages.Length; m++)
                {
                    var expected = new List<string>();
                    foreach (var block in messages[m].Item2)
                    {
                        var foreign = anthropic ? block.ForeignToAnthropic : block.ForeignToReplay;
                        if (!foreign) expected.Add(!anthropic && block.ToOwnProvider is { } restored ? restored : block.Json);
                        else if (block.AsText is { } text) expected.Add("{\"type\":\"text\",\"text\":" + text + "}");
                    }
                    if (expected.Count == 0) expected.Add("""{"type":"text","text":"(thinking omitted)"}""");
                    var content = sentMessages[m]!["content"]!.AsArray();
                    content.Count.ShouldBe(expected.Count);
                    var position = 0;
                    var outputText = Encoding.UTF8.GetString(output);
                    foreach (var e in expected)
                    {
                        var at = outputText.IndexOf(e, position, StringComparison.Ordinal);
                        at.ShouldBeGreaterThanOrEqualTo(0, $"{e} arrives unchanged");
                        position = at + e.Length;
                    }
                }

                // Outside what was removed, no byte moved: each edit covers only removed blocks, separators or the thinking setting.
                foreach (var edit in result.Edits)
                {
                    var removedText = Encoding.UTF8.GetString(body, edit.Offset, edit.Length);
                    if (!anthropic && removedText.StartsWith("\"cmp1.moonshot.", StringComparison.Ordinal) && Encoding.UTF8.GetString(edit.Replacement).StartsWith("\"k-", StringComparison.Ordinal)) continue; // its own signature put back
                    foreach (var block in messages.SelectMany(m => m.Item2).Where(b => anthropic ? b.ForeignToAnthropic : b.ForeignToReplay).Select(b => b.Json).Distinct().OrderByDescending(j => j.Length))
                        removedText = removedText.Replace(block, "");
                    if (result.ThinkingRemoved && thinking.Length > 0) removedText = removedText.Replace(thinking.TrimEnd(',', ' '), "");
                    removedText.Trim().Trim(',').Replace(",", "").Trim().ShouldBeEmpty($"edit at {edit.Offset} removed only foreign blocks: {Encoding.UTF8.GetString(body, edit.Offset, edit.Length)}");
                }
            }
        }, iter: 3_000);
    }
}
