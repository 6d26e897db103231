using System.Text;
using ClaudeModelProxy.Core.Conversation;
using ClaudeModelProxy.Core.Providers.Gemini;
using CsCheck;

namespace ClaudeModelProxy.Tests.Conversation;

/// <summary>The payloads inside the gateway's signatures: Gemini's per-call signatures and tagged pass-through signatures.</summary>
public class CarriedStateTests
{
    private static readonly Gen<string> AnyText = Gen.String[Gen.Char, 0, 40];
    private static readonly Gen<string> Base64Text = Gen.Byte.Array[1, 300].Select(Convert.ToBase64String);

    [Fact]
    public void GeminiCallSignaturesRoundTripExactlyWhateverTheyHold() =>
        Gen.Select(AnyText, Gen.OneOf(AnyText, Base64Text)).Array[0, 6].Sample(pairs =>
        {
            var distinct = pairs.DistinctBy(p => p.Item1).Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2)).ToList();
            var signature = GeminiCallSignatures.Encode(distinct);
            signature.ShouldStartWith("cmp1.gemini.");
            var decoded = new Dictionary<string, string>();
            GeminiCallSignatures.TryDecode(signature, decoded).ShouldBeTrue();
            decoded.OrderBy(p => p.Key, StringComparer.Ordinal).ShouldBe(distinct.OrderBy(p => p.Key, StringComparer.Ordinal));
        }, iter: 5_000);

    [Fact]
    public void ArbitraryPayloadsUnderTheGeminiPrefixNeverThrowAndAddNothingWhenBroken() =>
        Gen.Byte.Array[0, 64].Sample(payload =>
        {
            var into = new Dictionary<string, string>();
            var ok = GeminiCallSignatures.TryDecode(SignatureCodec.Encode("gemini", payload), into);
            if (!ok) into.ShouldBeEmpty();
            PassThroughSignatures.TryUnwrap(SignatureCodec.Encode("moonshot", payload), "moonshot", out _);
        }, iter: 20_000);

    [Fact]
    public void AGeminiCarrierIsOnlyGeminis()
    {
        var carrier = GeminiCallSignatures.Encode([new("toolu_1", "SIG")]);
        GeminiCallSignatures.TryDecode(carrier.Replace("cmp1.gemini.", "cmp1.openai."), []).ShouldBeFalse();
        GeminiCallSignatures.TryDecode(MintedSignatures.Reasoning("gemini"), []).ShouldBeFalse("a reasoning-only signature carries no calls");
    }

    [Fact]
    public void TaggedPassThroughSignaturesRoundTripTheExactToken() =>
        Gen.String.Where(s => !s.Any(char.IsSurrogate)).Sample(original =>
        {
            var wrapped = PassThroughSignatures.Wrap("glm", original);
            PassThroughSignatures.TryUnwrap(wrapped, "glm", out var token).ShouldBeTrue();
            var reader = new System.Text.Json.Utf8JsonReader(token);
            reader.Read().ShouldBeTrue();
            reader.GetString().ShouldBe(original);
            PassThroughSignatures.TryUnwrap(wrapped, "moonshot", out _).ShouldBeFalse("another provider's");
        }, iter: 5_000);

    [Theory]
    [InlineData("cmp1.gemini.AA", true)]
    [InlineData("cmproxy-thinking.gemini.abcdefabcdefabcd", true)]
    [InlineData("EqQBCkYIBxgCKkA", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void TheGatewaysOwnSignaturesAreRecognisedInBothFormats(string? signature, bool minted)
    {
        MintedSignatures.IsMinted(signature).ShouldBe(minted);
        if (signature is not null) MintedSignatures.IsMinted(Encoding.UTF8.GetBytes(signature)).ShouldBe(minted);
    }

    [Fact]
    public void ALegacySignatureBelongsToTheProviderItNames()
    {
        MintedSignatures.IsMintedFor("cmproxy-thinking.deepseek.abcdefabcdefabcd", "deepseek").ShouldBeTrue();
        MintedSignatures.IsMintedFor("cmproxy-thinking.deepseek.abcdefabcdefabcd", "deep").ShouldBeFalse();
        MintedSignatures.IsMintedFor(MintedSignatures.Reasoning("DeepSeek"), "deepseek").ShouldBeTrue();
        MintedSignatures.IsMintedFor(MintedSignatures.Reasoning("qwen"), "deepseek").ShouldBeFalse();
    }
}
