using System.Net;
using ClaudeModelProxy.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Tests.Relay;

/// <summary>
/// A stream whose upstream connection breaks after the first event: the client got a 200 and a stream cut short with an
/// SSE error event, and that — not a 502 it never received — is what the counters, the status page and the log show.
/// </summary>
public class BrokenStreamRecordTests
{
    private const string Request = """{"model":"claude-glm-5.1","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    private static async Task BreakAfterTheFirstEvent(HttpContext context, RecordedRequest _)
    {
        context.Response.ContentType = "text/event-stream";
        await context.Response.WriteAsync("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"glm-5.1\"}}\n\n");
        await context.Response.Body.FlushAsync();
        await Task.Delay(100);
        context.Abort();
    }

    private static async Task<string> ReadCutShortStreamAsync(HttpClient client)
    {
        using var response = await client.SendAsync(TestGateway.MessagesRequest(Request));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldStartWith("event: message_start");
        text.ShouldContain("event: error");
        text.ShouldNotContain("message_stop");
        return text;
    }

    [Fact]
    public async Task AStreamThatBreaksAfterItsFirstEventIsCountedAndListedAsThe200TheClientReceived()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = BreakAfterTheFirstEvent;
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));

        await ReadCutShortStreamAsync(gateway.Client);

        await Eventually.TrueAsync(() => Task.FromResult(gateway.Server.Counters.Recent().Count == 1), TimeSpan.FromSeconds(5), "the request is counted");
        var record = gateway.Server.Counters.Recent().Single();
        record.Status.ShouldBe(200);
        record.Stream.ShouldBeTrue();
        record.Error!.ShouldContain("broke in the middle of the reply");
        var html = await gateway.Client.GetStringAsync("/status");
        html.ShouldContain("\">200</td>");
        html.ShouldNotContain("\">502</td>");
        html.ShouldContain("broke in the middle of the reply");
    }

    [Fact]
    public async Task AStreamThatBreaksAfterItsFirstEventIsLoggedAsThe200TheClientReceived()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = BreakAfterTheFirstEvent;
        var port = FreePort.Next();
        var env = TestGateway.AllProvidersAt(upstream);
        env["PORT"] = port.ToString();
        await using var proxy = ProxyProcess.Start(env, "serve");
        await Eventually.TrueAsync(() => Eventually.PortAnswersAsync(port), TimeSpan.FromSeconds(20), "the gateway answers");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };

        await ReadCutShortStreamAsync(client);

        await Eventually.TrueAsync(() => Task.FromResult(proxy.Stderr.Contains("POST /v1/messages claude-glm-5.1")), TimeSpan.FromSeconds(5), "the request was logged");
        var line = proxy.Stderr.Split('\n').Single(l => l.Contains("POST /v1/messages claude-glm-5.1"));
        line.ShouldContain(" 200 ");
        line.ShouldContain("stream");
        line.ShouldContain("(upstream: The connection to");
        line.ShouldContain("broke in the middle of the reply");
        line.ShouldNotContain(" 502 ");
    }
}
