using System.Buffers;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.OpenAi;
using ClaudeModelProxy.Core.Routing;
using ClaudeModelProxy.Core.Sse;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Gateway;

/// <summary>
/// The thin HTTP edge of the translated routes (OpenAI, Gemini, Qwen): the request is translated in
/// Core for the route's wire (Chat Completions, or the Responses API for OpenAI), sent to
/// {base}/chat/completions or {base}/responses with the provider's key, and the reply — JSON or SSE,
/// event by event through the one relay loop — is translated back.
/// </summary>
public static class TranslatingForwarder
{
    public static async Task<ForwardOutcome> ForwardAsync(HttpContext http, GatewayContext gateway, ModelRoute route, RequestBody body, FallbackAttempt? fallback)
    {
        var clientAborted = http.RequestAborted;
        var provider = route.Provider;
        var target = new TranslationTarget(provider.Definition, route.UpstreamModel, gateway.Settings.RewriteResponses ? route.ResponseModel : route.UpstreamModel);
        var translator = gateway.TranslatorFor(route);
        var translated = translator.TranslateRequest(body.Memory, target);
        if (translated.Error is not null)
        {
            await ErrorResponses.WriteAsync(http, 400, AnthropicError.InvalidRequest, translated.Error);
            return new ForwardOutcome(400, default, translated.Error);
        }

        HttpRequestMessage BuildRequest()
        {
            var content = new ByteArrayContent(translated.Body);
            // Fixed, known-good values: added as text, without building parsed header objects per request.
            content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            var request = new HttpRequestMessage(HttpMethod.Post, gateway.Upstreams.Endpoint(provider, translator.UpstreamPath)) { Content = content };
            request.Headers.TryAddWithoutValidation("Accept", translated.Stream ? "text/event-stream" : "application/json");
            if (http.Request.Headers.UserAgent is { Count: > 0 } userAgent) request.Headers.TryAddWithoutValidation("User-Agent", (IEnumerable<string?>)userAgent);
            ForwardedHeaders.AddProviderKey(provider, request);
            return request;
        }

        var (response, finished) = await UpstreamSender.SendOrFallBackAsync(http, gateway, provider, BuildRequest, fallback);
        if (finished is not null) return finished;

        using (response)
        {
            var providerName = provider.Definition.DisplayName;
            await using var upstream = await UpstreamContent.OpenAsync(response!, providerName, clientAborted);
            if (!response!.IsSuccessStatusCode)
            {
                var errorBody = await PassThroughForwarder.ReadAllAsync(upstream, clientAborted);
                ForwardedHeaders.CopyResponseHeaders(response, http.Response);
                return await WriteErrorAsync(http, gateway, ChatCompletionsTranslator.TranslateError((int)response.StatusCode, errorBody, providerName));
            }
            if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
                return await RelayStreamAsync(http, gateway, upstream, translator.CreateStreamTranslator(translated, target), providerName, clientAborted);

            var reply = await PassThroughForwarder.ReadAllAsync(upstream, UpstreamContent.Length(response), clientAborted);
            byte[] message;
            TokenUsage usage;
            try
            {
                message = translator.TranslateResponse(reply, translated, target, out usage);
            }
            catch (ChatTranslationException e)
            {
                // Not JSON, or an {"error":…} object with a 200 status: the translator says what the client should see.
                return await WriteErrorAsync(http, gateway, e.Error);
            }
            http.Response.StatusCode = 200;
            http.Response.ContentType = "application/json";
            http.Response.ContentLength = message.Length;
            await http.Response.Body.WriteAsync(message, clientAborted);
            return new ForwardOutcome(200, usage, null);
        }
    }

    /// <summary>An upstream error as the translator mapped it, minus any echoed key.</summary>
    private static async Task<ForwardOutcome> WriteErrorAsync(HttpContext http, GatewayContext gateway, UpstreamError error)
    {
        var safe = gateway.Secrets.Redact(error.Body);
        http.Response.StatusCode = error.Status;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = safe.Length;
        await http.Response.Body.WriteAsync(safe, http.RequestAborted);
        return new ForwardOutcome(error.Status, default, gateway.Secrets.Redact(error.Message));
    }

    private static async Task<ForwardOutcome> RelayStreamAsync(
        HttpContext http, GatewayContext gateway, Stream upstream, IAnthropicStreamTranslator translator, string providerName, CancellationToken clientAborted)
    {
        var client = http.Response;
        client.StatusCode = 200;
        client.ContentType = "text/event-stream";
        client.Headers.CacheControl = "no-cache";
        using var events = new UpstreamEventReader(upstream, client, gateway.Settings, gateway.GraceOver);
        while (true)
        {
            ReadOnlyMemory<byte> bytes;
            try
            {
                bytes = await events.ReadAsync(clientAborted);
            }
            catch (TimeoutException)
            {
                return await StreamRelay.EndIdleStreamAsync(client, gateway, providerName, translator.Usage, clientAborted);
            }
            catch (StreamEndedException e)
            {
                return await StreamRelay.EndRefusedStreamAsync(client, e, translator.Usage, clientAborted);
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !clientAborted.IsCancellationRequested)
            {
                translator.OnEnd(client.BodyWriter, connectionBroken: true);
                await client.BodyWriter.FlushAsync(clientAborted);
                return new ForwardOutcome(200, translator.Usage, translator.Error ?? $"{providerName} stream broke");
            }
            if (bytes.IsEmpty) break;
            while (events.TryReadEvent(out var sseEvent)) Feed(sseEvent.Span, translator, client.BodyWriter);
        }
        // A last event without its blank line still counts.
        if (!events.Remainder.IsEmpty) Feed(events.Remainder.Span, translator, client.BodyWriter);
        translator.OnEnd(client.BodyWriter, connectionBroken: false);
        // Not flushed here: the server sends the rest with the response's final chunk.
        return new ForwardOutcome(200, translator.Usage, translator.Error);
    }

    private static void Feed(ReadOnlySpan<byte> sseEvent, IAnthropicStreamTranslator translator, IBufferWriter<byte> output)
    {
        var fields = SseFields.Parse(sseEvent);
        if (fields.DataOffset >= 0) translator.OnData(fields.Data, output);
    }
}
