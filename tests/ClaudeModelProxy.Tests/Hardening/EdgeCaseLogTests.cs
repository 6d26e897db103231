using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Hardening;

/// <summary>The real executable's log after a round of refused edge cases: each one was logged, none forwarded, and no provider key appears.</summary>
public class EdgeCaseLogTests
{
    [Fact]
    public async Task RefusedEdgeCasesLeaveNoProviderKeyInTheLogAndReachNoUpstream()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json("""{"type":"message","model":"glm-5.1","content":[]}""");
        var port = FreePort.Next();
        var env = TestGateway.AllProvidersAt(upstream);
        env["PORT"] = port.ToString();
        await using var proxy = ProxyProcess.Start(env, "serve");
        await Eventually.TrueAsync(() => Eventually.PortAnswersAsync(port), TimeSpan.FromSeconds(20), "the gateway answers");

        const string body = """{"model":"claude-glm-5.1","model":"claude-opus-4-7","messages":[]}""";
        var replies = new[]
        {
            await RawHttp.SendAsync(port, RawHttp.PostHead($"Content-Length: {body.Length}", "Transfer-Encoding: chunked") + RawHttp.Chunked(body)),
            await RawHttp.SendAsync(port, RawHttp.PostHead($"Content-Length: {body.Length}") + body),
            await RawHttp.SendAsync(port, $"POST /v1/%2e%2e/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}"),
            await RawHttp.SendAsync(port, RawHttp.PostHead("Transfer-Encoding: chunked") + "zz\r\n{}\r\n0\r\n\r\n"),
        };
        foreach (var reply in replies)
        {
            reply.Status.ShouldBe(400, reply.Head);
            reply.Body.ShouldNotContain("sk-test-");
        }
        replies[0].ErrorType.ShouldBe("invalid_request_error");
        replies[1].ErrorMessage!.ShouldContain("\"model\"");
        upstream.Requests.ShouldBeEmpty();
        await Eventually.ServesAsync(port);

        await Eventually.TrueAsync(() => Task.FromResult(proxy.Stderr.Contains("Transfer-Encoding") && proxy.Stderr.Contains("more than once")), TimeSpan.FromSeconds(5), "the refusals were logged");
        proxy.Stderr.ShouldNotContain("sk-test-");
    }
}
