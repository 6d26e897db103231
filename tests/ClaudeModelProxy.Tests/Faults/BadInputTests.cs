using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Faults;

/// <summary>Bad requests get a clear Anthropic error, reach no upstream, and leave the gateway healthy.</summary>
public class BadInputTests : GatewayBehindFake
{
    private async Task ShouldBeRefused(HttpResponseMessage response, int status, string errorType)
    {
        ((int)response.StatusCode).ShouldBe(status);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        error.GetProperty("type").GetString().ShouldBe("error");
        error.GetProperty("error").GetProperty("type").GetString().ShouldBe(errorType);
        error.GetProperty("error").GetProperty("message").GetString().ShouldNotBeNullOrWhiteSpace();
        upstream.Requests.ShouldBeEmpty();
        await Eventually.ServesAsync(gateway.Settings.Port);
    }

    private static HttpRequestMessage Post(byte[] body, string contentType = "application/json") =>
        new(HttpMethod.Post, "/v1/messages") { Content = new ByteArrayContent(body) { Headers = { { "Content-Type", contentType } } } };

    [Fact]
    public async Task InvalidUtf8IsA400()
    {
        byte[] body = [.. "{\"model\":\"claude-glm-5.1\",\"messages\":[{\"role\":\"user\",\"content\":\""u8, 0xff, 0xfe, .. "\"}]}"u8];
        await ShouldBeRefused(await gateway.Client.SendAsync(Post(body)), 400, "invalid_request_error");
    }

    [Fact]
    public async Task AbsurdlyDeepJsonIsA400()
    {
        var deep = "{\"model\":\"claude-glm-5.1\",\"x\":" + new string('[', 5000) + new string(']', 5000) + "}";
        await ShouldBeRefused(await gateway.Client.SendAsync(Post(Encoding.UTF8.GetBytes(deep))), 400, "invalid_request_error");
    }

    [Fact]
    public async Task BodyOverTheLimitIsA413()
    {
        var huge = new byte[33 * 1024 * 1024];
        huge.AsSpan().Fill((byte)' ');
        "{\"model\":\"claude-glm-5.1\"}"u8.CopyTo(huge);
        await ShouldBeRefused(await gateway.Client.SendAsync(Post(huge)), 413, "request_too_large");
    }

    [Fact]
    public async Task DeclaredLengthOverTheLimitIsRefusedWithoutReadingTheBody()
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, gateway.Settings.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {40L * 1024 * 1024}\r\n\r\n{{\"model\":"));
        var reply = new byte[4096];
        var read = await stream.ReadAsync(reply).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        var text = Encoding.ASCII.GetString(reply, 0, read);
        text.ShouldStartWith("HTTP/1.1 413");
        text.ShouldContain("request_too_large");
        upstream.Requests.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData(" Text/Plain ; charset=utf-8")]
    public async Task SimpleFormPostsThatSkipCorsPreflightAreRefused(string contentType)
    {
        await ShouldBeRefused(await gateway.Client.SendAsync(Post("""{"model":"claude-glm-5.1","messages":[]}"""u8.ToArray(), contentType)), 415, "invalid_request_error");
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("http://localhost:3000")]
    [InlineData("null")]
    public async Task WebPageOriginsAreRefused(string origin)
    {
        var request = TestGateway.MessagesRequest("""{"model":"claude-glm-5.1","messages":[]}""");
        request.Headers.TryAddWithoutValidation("Origin", origin);
        await ShouldBeRefused(await gateway.Client.SendAsync(request), 403, "permission_error");
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:8787")]
    [InlineData("192.168.1.5")]
    public async Task ForeignHostHeadersAreRefusedAgainstDnsRebinding(string host)
    {
        var request = TestGateway.MessagesRequest("""{"model":"claude-glm-5.1","messages":[]}""");
        request.Headers.Host = host;
        await ShouldBeRefused(await gateway.Client.SendAsync(request), 403, "permission_error");
    }

    [Fact]
    public async Task CorsPreflightIsRefused()
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/v1/messages");
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "POST");
        var response = await gateway.Client.SendAsync(request);
        await ShouldBeRefused(response, 403, "permission_error");
        response.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
    }

    [Fact]
    public async Task SdkBrowserHeaderWithoutOriginAndLocalhostHostStillWork()
    {
        var request = TestGateway.MessagesRequest("""{"model":"claude-glm-5.1","messages":[]}""");
        request.Headers.TryAddWithoutValidation("anthropic-dangerous-direct-browser-access", "true");
        request.Headers.Host = $"localhost:{gateway.Settings.Port}";
        var response = await gateway.Client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
