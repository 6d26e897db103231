using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using ClaudeModelProxy.Core.OpenAi;
using ClaudeModelProxy.Core.Responses;
using ClaudeModelProxy.Core.Sse;
using ClaudeModelProxy.Tests.OpenAi;
using ClaudeModelProxy.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Tests.Responses;

/// <summary>Runs the Responses translation in memory, against the strict fake's own replies.</summary>
internal static class ResponsesHarness
{
    public static readonly TranslationTarget Gpt54 = OpenAi.Targets.For("openai", "gpt-5.4", "claude-gpt-5.4");

    public static (TranslatedRequest Request, JsonObject Body) Request(string anthropicJson, TranslationTarget? target = null, ResponsesTranslator? translator = null)
    {
        translator ??= new ResponsesTranslator();
        var request = translator.TranslateRequest(Encoding.UTF8.GetBytes(anthropicJson).AsMemory(), target ?? Gpt54);
        request.Error.ShouldBeNull();
        return (request, JsonNode.Parse(request.Body.Span)!.AsObject());
    }

    public static JsonArray Input(this JsonObject body) => body["input"]!.AsArray();

    /// <summary>What the fake answers to this upstream body (status, content type, body bytes).</summary>
    public static async Task<(int Status, string? ContentType, byte[] Body)> Upstream(FakeOpenAi fake, byte[] requestBody, string path = "/openai/responses")
    {
        var context = new DefaultHttpContext();
        using var output = new MemoryStream();
        context.Response.Body = output;
        await fake.Handler(context, new RecordedRequest("POST", path, "", [], requestBody));
        return (context.Response.StatusCode, context.Response.ContentType, output.ToArray());
    }

    /// <summary>The fake's reply to the translated request, which must pass its rules.</summary>
    public static async Task<byte[]> Accepted(FakeOpenAi fake, TranslatedRequest request)
    {
        var (status, _, body) = await Upstream(fake, request.Body.ToArray());
        status.ShouldBe(200, Encoding.UTF8.GetString(body));
        return body;
    }

    /// <summary>Feeds an upstream SSE body to the stream translator as the gateway's relay loop does, split at the given byte offsets.</summary>
    public static (AnthropicStream Stream, IAnthropicStreamTranslator Translator) Stream(byte[] sse, TranslatedRequest request, TranslationTarget? target = null,
        bool end = true, bool connectionBroken = false)
    {
        var translator = new ResponsesTranslator().CreateStreamTranslator(request, target ?? Gpt54);
        var output = new ArrayBufferWriter<byte>();
        using var splitter = new SseEventSplitter();
        splitter.Append(sse);
        while (splitter.TryReadEvent(out var sseEvent))
        {
            var fields = SseFields.Parse(sseEvent.Span);
            if (fields.DataOffset >= 0) translator.OnData(fields.Data, output);
        }
        if (end) translator.OnEnd(output, connectionBroken);
        return (new AnthropicStream { Events = AnthropicStream.Parse(output.WrittenSpan) }, translator);
    }

    /// <summary>Feeds data payloads (one event each).</summary>
    public static (AnthropicStream Stream, IAnthropicStreamTranslator Translator) Events(TranslatedRequest request, params string[] dataPayloads)
    {
        var sse = string.Concat(dataPayloads.Select(d => $"data: {d}\n\n"));
        return Stream(Encoding.UTF8.GetBytes(sse), request);
    }
}
