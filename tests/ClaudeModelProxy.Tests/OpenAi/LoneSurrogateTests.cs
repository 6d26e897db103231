using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeModelProxy.Core;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.OpenAi;
using CsCheck;

namespace ClaudeModelProxy.Tests.OpenAi;

/// <summary>
/// "\ud83d" without its pair (an emoji cut in half) is valid JSON that .NET refuses to read as a
/// string. Neither a client's request nor an upstream's reply may fail over one such character.
/// </summary>
public class LoneSurrogateTests
{
    [Theory]
    [InlineData(@"\ud83d", "\uFFFD", true)]
    [InlineData(@"\udc00x", "\uFFFDx", true)]
    [InlineData(@"\ud83d\u0041", "\uFFFDA", true)]
    [InlineData(@"ok\ud83d", "ok\uFFFD", true)]
    [InlineData(@"\ud83d\ude00", "😀", false)]
    [InlineData(@"a\\ud83d", @"a\ud83d", false)]
    [InlineData(@"\n\t\r\b\f\""\\\/ é \u00e9", "\n\t\r\b\f\"\\/ é é", false)]
    public void EscapedTextDecodesWithAReplacementForEachLoneHalf(string escaped, string text, bool lone)
    {
        var bytes = Encoding.UTF8.GetBytes(escaped);
        JsonEscapes.HasLoneSurrogate(bytes).ShouldBe(lone);
        JsonEscapes.DecodeLenient(bytes).ShouldBe(text);
        using var document = JsonDocument.Parse($"\"{escaped}\"");
        document.RootElement.Text().ShouldBe(text);
    }

    [Fact]
    public void WellFormedTextDecodesExactlyAsTheRuntimeDoes()
    {
        Gen.String.Where(s => !HasLoneSurrogate(s)).Sample(text =>
        {
            var escaped = JsonSerializer.Serialize(text, new JsonSerializerOptions { Encoder = JavaScriptEncoder.Default })[1..^1];
            var bytes = Encoding.UTF8.GetBytes(escaped);
            JsonEscapes.HasLoneSurrogate(bytes).ShouldBeFalse();
            JsonEscapes.DecodeLenient(bytes).ShouldBe(text);
        }, iter: 5_000);
    }

    [Fact]
    public void AStreamCarriesOnWithAReplacementCharacter()
    {
        foreach (var chunks in new[]
        {
            new[] { Chunk("Hi "), Chunk(@"\ud83d"), Chunk(" there") }, // a block is open: the fast path must decline
            new[] { Chunk(@"\ud83d"), Chunk(" there") },               // the first text opens the block
        })
        {
            var stream = AnthropicStream.Run([.. chunks, """{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"""], StreamRequest(), Targets.OpenAi).ShouldBeWellFormed();
            stream.Blocks().Single()["text"].Str().ShouldEndWith("\uFFFD there");
        }
    }

    [Fact]
    public void AReplyCarriesOnWithAReplacementCharacter()
    {
        var reply = """{"choices":[{"index":0,"message":{"role":"assistant","content":"cut \ud83d here"},"finish_reason":"stop"}]}"""u8;
        var message = JsonNode.Parse(new ChatCompletionsTranslator().TranslateResponse(reply, StreamRequest(), Targets.OpenAi, out _))!;
        message["content"]![0]!["text"].Str().ShouldBe("cut \uFFFD here");
    }

    [Fact]
    public void ARequestIsTranslatedWithAReplacementCharacter()
    {
        var (request, body) = Translate.Request(Translate.Body("""[{"role":"user","content":"tool output cut \udc00 here"}]"""), Targets.OpenAi);
        request.Error.ShouldBeNull();
        body.Messages()[^1]!["content"].Str().ShouldBe("tool output cut \uFFFD here");
    }

    [Fact]
    public void ALocalTokenEstimateReadsTheText()
    {
        var extracted = PromptTextExtractor.Extract(Encoding.UTF8.GetBytes(Translate.Body("""[{"role":"user","content":"cut \ud83d here"}]""")));
        extracted.Text.ShouldContain("cut \uFFFD here");
    }

    private static string Chunk(string escapedText) => $$"""{"choices":[{"index":0,"delta":{"content":"{{escapedText}}"},"finish_reason":null}]}""";

    private static TranslatedRequest StreamRequest() =>
        new ChatCompletionsTranslator().TranslateRequest(Encoding.UTF8.GetBytes(Translate.Body("""[{"role":"user","content":"hi"}]""", "\"stream\":true")), Targets.OpenAi);

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return true;
        }
        return false;
    }
}
