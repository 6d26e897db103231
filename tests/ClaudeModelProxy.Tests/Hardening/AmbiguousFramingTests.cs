using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Hardening;

/// <summary>
/// Requests whose length two parsers could read differently (request smuggling) are refused with
/// a 400 before any upstream sees them, as nginx and Node refuse them.
/// </summary>
public class AmbiguousFramingTests : GatewayBehindFake
{
    private const string Body = """{"model":"claude-glm-5.1","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""";

    private async Task ShouldBeRefusedUnforwarded(RawReply reply, int status = 400, string errorType = "invalid_request_error")
    {
        reply.Status.ShouldBe(status, reply.Head + "\n" + reply.Body);
        reply.ErrorType.ShouldBe(errorType, reply.Body);
        reply.Body.ShouldNotContain("sk-test-");
        upstream.Requests.ShouldBeEmpty();
        await Eventually.ServesAsync(gateway.Settings.Port);
    }

    [Fact]
    public async Task ContentLengthTogetherWithChunkedTransferEncodingIsRefused()
    {
        var reply = await RawHttp.SendAsync(gateway.Settings.Port,
            RawHttp.PostHead($"Content-Length: {Body.Length}", "Transfer-Encoding: chunked") + RawHttp.Chunked(Body));
        await ShouldBeRefusedUnforwarded(reply);
        reply.ErrorMessage!.ShouldContain("Transfer-Encoding");
        reply.Head.ShouldContain("Connection: close"); // nothing after it on this connection is read as a request
    }

    [Fact]
    public async Task ChunkedFirstThenContentLengthIsRefusedToo()
    {
        var reply = await RawHttp.SendAsync(gateway.Settings.Port,
            RawHttp.PostHead("Transfer-Encoding: chunked", "Content-Length: 4") + RawHttp.Chunked(Body));
        await ShouldBeRefusedUnforwarded(reply);
    }

    [Fact]
    public async Task TwoDifferentContentLengthsAreRefused()
    {
        var reply = await RawHttp.SendAsync(gateway.Settings.Port,
            RawHttp.PostHead($"Content-Length: {Body.Length}", "Content-Length: 4") + Body);
        reply.Status.ShouldBe(400, reply.Head);
        upstream.Requests.ShouldBeEmpty();
        await Eventually.ServesAsync(gateway.Settings.Port);
    }

    [Theory]
    [InlineData("zz\r\n{}\r\n0\r\n\r\n")] // not a hex size
    [InlineData("5\r\n{\"model\":\"x\"}\r\n0\r\n\r\n")] // size shorter than the data
    [InlineData("2\r\n{}XX0\r\n\r\n")] // data not followed by CRLF
    public async Task InvalidChunkFramingIsRefused(string chunked)
    {
        var reply = await RawHttp.SendAsync(gateway.Settings.Port, RawHttp.PostHead("Transfer-Encoding: chunked") + chunked);
        reply.Status.ShouldBe(400, reply.Head + "\n" + reply.Body);
        upstream.Requests.ShouldBeEmpty();
        await Eventually.ServesAsync(gateway.Settings.Port);
    }

    [Fact]
    public async Task ATransferEncodingOtherThanChunkedIsRefused()
    {
        var reply = await RawHttp.SendAsync(gateway.Settings.Port, RawHttp.PostHead("Transfer-Encoding: gzip") + Body);
        reply.Status.ShouldBe(400, reply.Head);
        upstream.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task AValidChunkedRequestIsStillForwarded()
    {
        var reply = await RawHttp.SendAsync(gateway.Settings.Port, RawHttp.PostHead("Transfer-Encoding: chunked") + RawHttp.Chunked(Body));
        reply.Status.ShouldBe(200, reply.Head + "\n" + reply.Body);
        upstream.Requests.Count.ShouldBe(1);
        upstream.LastRequest.BodyText.ShouldContain("\"glm-5.1\"");
    }

    [Theory]
    [InlineData("model", """{"model":"claude-glm-5.1","max_tokens":5,"model":"claude-opus-4-6","messages":[]}""")]
    [InlineData("stream", """{"model":"claude-glm-5.1","stream":false,"messages":[],"stream":true}""")]
    [InlineData("messages", """{"model":"claude-glm-5.1","messages":[],"max_tokens":5,"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("system", """{"system":"a","model":"claude-glm-5.1","messages":[],"system":"b"}""")]
    [InlineData("tools", """{"tools":[],"model":"claude-glm-5.1","tools":[]}""")]
    [InlineData("model", """{"model":"claude-glm-5.1","mod\u0065l":"claude-opus-4-6"}""")] // the same name, escaped differently
    public async Task ADuplicatedTopLevelKeyIsRefusedNamingTheKey(string key, string body)
    {
        var reply = await RawHttp.SendAsync(gateway.Settings.Port, RawHttp.PostHead($"Content-Length: {System.Text.Encoding.UTF8.GetByteCount(body)}") + body);
        await ShouldBeRefusedUnforwarded(reply);
        reply.ErrorMessage!.ShouldContain($"\"{key}\"");
    }

    [Fact]
    public async Task TheSameKeyInDifferentNestedObjectsIsFine()
    {
        var body = """{"model":"claude-glm-5.1","max_tokens":5,"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"}],"metadata":{"model":"x"}}""";
        var reply = await RawHttp.SendAsync(gateway.Settings.Port, RawHttp.PostHead($"Content-Length: {body.Length}") + body);
        reply.Status.ShouldBe(200, reply.Body);
        upstream.Requests.Count.ShouldBe(1);
    }
}
