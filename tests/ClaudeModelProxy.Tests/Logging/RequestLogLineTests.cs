using System.Globalization;
using System.Text;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Logging;

public class RequestLogLineTests
{
    [Fact]
    public async Task ARequestsLineCarriesTheLocalTimeItsEventIdAndWhatTheClientWasTold()
    {
        if (OperatingSystem.IsWindows()) return;
        await using var upstream = await FakeUpstream.StartAsync();
        var port = FreePort.Next();
        var env = TestGateway.AllProvidersAt(upstream);
        env["PORT"] = port.ToString();
        // A zone nine hours from UTC all year: a line stamped in UTC, or in any other zone, is caught.
        env["TZ"] = "Asia/Tokyo";
        await using var proxy = ProxyProcess.Start(env, "serve");
        await Eventually.TrueAsync(() => Eventually.PortAnswersAsync(port), TimeSpan.FromSeconds(20), "the gateway answers");

        const string json = """{"model":"made-up-model","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""";
        var reply = await RawHttp.SendAsync(port, RawHttp.PostHead($"Content-Length: {Encoding.UTF8.GetByteCount(json)}") + json, TimeSpan.FromSeconds(10));
        reply.Status.ShouldBe(404);
        var sentAtUtc = DateTime.UtcNow;

        await Eventually.TrueAsync(() => Task.FromResult(proxy.Stderr.Contains("POST /v1/messages - 404")), TimeSpan.FromSeconds(5), "the request was logged");
        var line = proxy.Stderr.Split('\n').Single(l => l.Contains("POST /v1/messages - 404"));
        line.ShouldMatch(@"^\d\d:\d\d:\d\d info: gateway\[73347628\] POST /v1/messages - 404 \d+\.\d ms json \(client: Unknown model ""made-up-model""\.\)$");
        var logged = TimeOnly.ParseExact(line[..8], "HH:mm:ss", CultureInfo.InvariantCulture);
        var tokyo = TimeOnly.FromDateTime(sentAtUtc.AddHours(9));
        var apart = Math.Abs((tokyo - logged).TotalMinutes);
        Math.Min(apart, 24 * 60 - apart).ShouldBeLessThan(2, $"logged at {logged}, Tokyo time {tokyo}");
    }
}
