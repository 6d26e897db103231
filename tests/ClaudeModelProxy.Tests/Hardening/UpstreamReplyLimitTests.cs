using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using ClaudeModelProxy.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Tests.Hardening;

/// <summary>
/// Upstream replies the gateway must not relay as they are: compressed although nobody asked
/// (decoded, or refused with a 502), and events or replies over the 16 MiB cap (ended with an error).
/// </summary>
public class UpstreamReplyLimitTests : IAsyncLifetime
{
    private const string PassThroughModel = "claude-glm-5.1";
    private const string TranslatedModel = "claude-gpt-5.4";
    private const string AnthropicReply = """{"id":"msg_1","type":"message","role":"assistant","model":"glm-5.1","content":[{"type":"text","text":"Hello"}],"stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":1}}""";
    private const string ChatReply = """{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-5.4","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""";

    /// <summary>The first event of a pass-through stream.</summary>
    private const string MessageStart = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"glm-5.1\",\"content\":[],\"usage\":{\"input_tokens\":1,\"output_tokens\":0}}}\n\n";

    private FakeUpstream upstream = null!;
    private TestGateway gateway = null!;

    public async Task InitializeAsync()
    {
        upstream = await FakeUpstream.StartAsync();
        // The translated cases speak Chat Completions (the fake's replies are chat completions).
        var env = TestGateway.AllProvidersAt(upstream);
        env["OPENAI_WIRE_API"] = "chat";
        gateway = await TestGateway.StartAsync(env);
    }

    public async Task DisposeAsync()
    {
        await gateway.DisposeAsync();
        await upstream.DisposeAsync();
    }

    private static string Request(string model, bool stream = false) =>
        $$"""{"model":"{{model}}","max_tokens":5,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""";

    private static byte[] Compress(string coding, byte[] data)
    {
        using var output = new MemoryStream();
        using (Stream compressor = coding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "br" => new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "deflate" => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true),
            _ => throw new ArgumentException(coding),
        })
        {
            compressor.Write(data);
        }
        return output.ToArray();
    }

    /// <summary>Answers with the given bytes and Content-Encoding, whatever the request asked for.</summary>
    private static Func<HttpContext, RecordedRequest, Task> Encoded(string coding, byte[] body, string contentType = "application/json") => async (context, recorded) =>
    {
        recorded.Header("accept-encoding").ShouldBeNull(); // the gateway never asks for compression
        context.Response.ContentType = contentType;
        context.Response.Headers.ContentEncoding = coding;
        await context.Response.Body.WriteAsync(body);
    };

    private async Task ShouldBeA502ApiError(HttpResponseMessage response, string mentioning)
    {
        ((int)response.StatusCode).ShouldBe(502);
        var text = await response.Content.ReadAsStringAsync();
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        error.GetProperty("type").GetString().ShouldBe("api_error");
        error.GetProperty("message").GetString()!.ShouldContain(mentioning);
        text.ShouldNotContain("sk-test-");
        await Eventually.ServesAsync(gateway.Settings.Port);
    }

    [Theory]
    [InlineData("gzip", PassThroughModel)]
    [InlineData("br", PassThroughModel)]
    [InlineData("deflate", PassThroughModel)]
    [InlineData("gzip", TranslatedModel)]
    [InlineData("br", TranslatedModel)]
    public async Task ACompressedJsonReplyNobodyAskedForIsDecoded(string coding, string model)
    {
        upstream.Handler = Encoded(coding, Compress(coding, Encoding.UTF8.GetBytes(model == PassThroughModel ? AnthropicReply : ChatReply)));
        var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest(Request(model)));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentEncoding.ShouldBeEmpty();
        var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        reply.GetProperty("model").GetString().ShouldBe(model);
        reply.GetProperty("content")[0].GetProperty("text").GetString().ShouldBe("Hello");
        upstream.Requests.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData(PassThroughModel)]
    [InlineData(TranslatedModel)]
    public async Task ACompressedStreamIsDecodedEventByEvent(string model)
    {
        var sse = model == PassThroughModel
            ? MessageStart + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
            : "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-5.4\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"finish_reason\":null}]}\n\ndata: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-5.4\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
        upstream.Handler = Encoded("gzip", Compress("gzip", Encoding.UTF8.GetBytes(sse)), "text/event-stream");
        var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest(Request(model, stream: true)));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldContain("event: message_stop");
        text.ShouldNotContain("event: error");
    }

    [Theory]
    [InlineData(PassThroughModel)]
    [InlineData(TranslatedModel)]
    public async Task AReplyInAnEncodingTheGatewayCannotReadIsA502(string model)
    {
        upstream.Handler = Encoded("zstd", [0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58, 0x61, 0x00]);
        await ShouldBeA502ApiError(await gateway.Client.SendAsync(TestGateway.MessagesRequest(Request(model))), "zstd");
    }

    [Theory]
    [InlineData(PassThroughModel)]
    [InlineData(TranslatedModel)]
    public async Task ACorruptCompressedReplyIsA502NotGarbage(string model)
    {
        upstream.Handler = Encoded("gzip", [0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05]);
        await ShouldBeA502ApiError(await gateway.Client.SendAsync(TestGateway.MessagesRequest(Request(model))), "could not be decoded");
    }

    [Theory]
    [InlineData(PassThroughModel, true)]
    [InlineData(PassThroughModel, false)]
    [InlineData(TranslatedModel, false)]
    public async Task AJsonReplyOver16MibIsA502(string model, bool declaredLength)
    {
        var huge = new byte[17 * 1024 * 1024];
        huge.AsSpan().Fill((byte)' ');
        Encoding.UTF8.GetBytes(model == PassThroughModel ? AnthropicReply : ChatReply).CopyTo(huge, 0);
        upstream.Handler = async (context, _) =>
        {
            context.Response.ContentType = "application/json";
            if (declaredLength) context.Response.ContentLength = huge.Length;
            await context.Response.Body.WriteAsync(huge);
        };
        await ShouldBeA502ApiError(await gateway.Client.SendAsync(TestGateway.MessagesRequest(Request(model))), "16 MiB");
    }

    [Theory]
    [InlineData(PassThroughModel)]
    [InlineData(TranslatedModel)]
    public async Task AStreamEventOver16MibEndsTheStreamWithAnErrorEvent(string model)
    {
        var first = model == PassThroughModel
            ? MessageStart
            : "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-5.4\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n";
        var endless = new byte[1024 * 1024];
        endless.AsSpan().Fill((byte)'a');
        upstream.Handler = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(first + "data: {\"type\":\"content_block_delta\",\"text\":\"");
            try
            {
                // One event that never ends: 64 MiB without a blank line, unless the gateway hangs up first.
                for (var i = 0; i < 64 && !context.RequestAborted.IsCancellationRequested; i++) await context.Response.Body.WriteAsync(endless, context.RequestAborted);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
            }
        };
        var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest(Request(model, stream: true)), HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldContain("event: error");
        text.ShouldContain("16 MiB");
        text.Length.ShouldBeLessThan(64 * 1024);
        text.ShouldNotContain("sk-test-");
        await Eventually.ServesAsync(gateway.Settings.Port);
    }
}
