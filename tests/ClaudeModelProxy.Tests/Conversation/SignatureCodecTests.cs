using ClaudeModelProxy.Core.Conversation;
using CsCheck;

namespace ClaudeModelProxy.Tests.Conversation;

public class SignatureCodecTests
{
    [Fact]
    public void AMintedSignatureNamesItsVersionProviderAndPayload()
    {
        var signature = SignatureCodec.Encode("gemini", [1, 2, 250, 251, 255]);
        signature.ShouldBe("cmp1.gemini.AQL6-_8");
        SignatureCodec.TryDecode(signature, out var minted).ShouldBeTrue();
        minted.Provider.ShouldBe("gemini");
        minted.Payload.ShouldBe(new byte[] { 1, 2, 250, 251, 255 });
    }

    [Fact]
    public void AnEmptyPayloadRoundTrips()
    {
        SignatureCodec.TryDecode(SignatureCodec.Encode("openai", []), out var minted).ShouldBeTrue();
        minted.Payload.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("EqQBCkYIBxgCKkCx")] // a genuine Anthropic signature
    [InlineData("cmp1.")]
    [InlineData("cmp1.gemini")]
    [InlineData("cmp1..AQID")]
    [InlineData("cmp1.Gemini.AQID")]
    [InlineData("cmp1.gem ini.AQID")]
    [InlineData("cmp1.gemini.AQ=D")]
    [InlineData("cmp1.openai.hg %")] // Base64Url.IsValid says yes and its decoder throws (found by the property below, CsCheck seed eLBs9QG63-Ca)
    [InlineData("cmp1.gemini.AQ ID")]
    [InlineData("cmp1.gemini.AQID%3D")]
    [InlineData("cmp1.gemini.AQ+D")]
    [InlineData("cmp1.gemini.J0")] // non-canonical trailing bits: the Try overload throws on these
    [InlineData("cmp1.gemini.A")]
    [InlineData("cmp1.gemini.AQID.x")]
    [InlineData("cmp2.gemini.AQID")]
    [InlineData("cmproxy-thinking.gemini.abcdefabcdefabcd")]
    [InlineData("cmp1.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.AQID")]
    public void AnythingElseIsForeign(string? signature) =>
        SignatureCodec.TryDecode(signature, out _).ShouldBeFalse();

    [Fact]
    public void AnOversizedSignatureIsForeign() =>
        SignatureCodec.TryDecode("cmp1.gemini." + new string('A', SignatureCodec.MaxLength), out _).ShouldBeFalse();

    [Fact]
    public void ASignatureForAnotherProviderIsNotThisProvidersState()
    {
        var signature = SignatureCodec.Encode("gemini", [7]);
        SignatureCodec.TryDecodeFor(signature, "openai", out _).ShouldBeFalse();
        SignatureCodec.TryDecodeFor(signature, "gemini", out var payload).ShouldBeTrue();
        payload.ShouldBe(new byte[] { 7 });
    }

    [Fact]
    public void ArbitraryStringsNeverThrow() =>
        Gen.String.Select(Gen.Int[0, 3].Select(i => new[] { "", "cmp1.", "cmp1.gemini.", "cmp1.openai." }[i])).Select((s, p) => p + s)
            .Sample(s => { SignatureCodec.TryDecode(s, out _); }, iter: 20_000);

    [Fact]
    public void EveryPayloadRoundTripsExactly() =>
        Gen.Select(Gen.Int[0, 3].Select(i => new[] { "gemini", "openai", "qwen", "test-provider_2" }[i]), Gen.Byte.Array[0, 4096])
            .Sample((provider, payload) =>
            {
                SignatureCodec.TryDecode(SignatureCodec.Encode(provider, payload), out var minted).ShouldBeTrue();
                minted.Provider.ShouldBe(provider);
                minted.Payload.ShouldBe(payload);
            }, iter: 2_000);
}
