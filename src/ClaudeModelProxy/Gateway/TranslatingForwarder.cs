using System.Buffers;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.OpenAi;
using ClaudeModelProxy.Core.Routing;
using ClaudeModelProxy.Core.Sse;
using ClaudeModelProxy.Gateway.Failures;
using ClaudeModelProxy.Gateway.Relay;
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
    public static async Task<ForwardOutcome> ForwardAsync(HttpContext http, GatewayContext gateway, ModelRoute route, RequestBody body, ScannedRequest scanned, bool nextRouteExists)
    {
        var clientAborted = http.RequestAborted;
        var provider = route.Provider;
        var target = new TranslationTarget(provider.Definition, route.UpstreamModel, gateway.Settings.RewriteResponses ? route.ResponseModel : route.UpstreamModel);
        var translator = gateway.TranslatorFor(route);
        // Disposed when this exchange ends, like the client's body: the upstream request reads from it until then.
        using var translated = translator.TranslateRequest(body.Memory, target, scanned);
        if (translated.Error is not null) return await FailureResponse.SendAsync(http, GatewayFailures.ClientRequest(400, translated.Error));

        HttpRequestMessage BuildRequest()
        {
            var content = new ReadOnlyMemoryContent(translated.Body);
            // Fixed, known-good values: added as text, without building parsed header objects per request.
            content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            var request = new HttpRequestMessage(HttpMethod.Post, gateway.Upstreams.Endpoint(provider, translator.UpstreamPath)) { Content = content };
            request.Headers.TryAddWithoutValidation("Accept", translated.Stream ? "text/event-stream" : "application/json");
            if (http.Request.Headers.UserAgent is { Count: > 0 } userAgent) request.Headers.TryAddWithoutValidation("User-Agent", (IEnumerable<string?>)userAgent);
            ForwardedHeaders.AddProviderKey(provider, request);
            return request;
        }

        var (response, finished) = await UpstreamSender.SendAsync(http, gateway, provider, BuildRequest, nextRouteExists);
        if (finished is not null) return finished;

        using (response)
        {
            var providerName = provider.Definition.DisplayName;
            await using var upstream = await UpstreamContent.OpenAsync(response!, providerName, clientAborted);
            if (!response!.IsSuccessStatusCode)
            {
                var errorBody = await PassThroughForwarder.ReadAllAsync(upstream, clientAborted);
                ForwardedHeaders.CopyResponseHeaders(response, http.Response);
                return await FailureResponse.SendAsync(http, ChatCompletionsTranslator.TranslateError((int)response.StatusCode, errorBody, providerName), gateway.Secrets);
            }
            if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
            {
                http.Response.StatusCode = 200;
                http.Response.ContentType = "text/event-stream";
                http.Response.Headers.CacheControl = "no-cache";
                return await SseRelay.RelayAsync(http, upstream, translator.CreateStreamTranslator(translated, target), gateway, providerName);
            }

            var reply = await PassThroughForwarder.ReadAllAsync(upstream, UpstreamContent.Length(response), clientAborted);
            byte[] message;
            TokenUsage usage;
            try
            {
                message = translator.TranslateResponse(reply, translated, target, out usage);
            }
            catch (ProxyFailureException e)
            {
                // Not JSON, or an {"error":…} object with a 200 status: the translator says what the client should see.
                return await FailureResponse.SendAsync(http, e.Failure, gateway.Secrets);
            }
            http.Response.StatusCode = 200;
            http.Response.ContentType = "application/json";
            return await JsonReply.SendAsync(http.Response, message, null, usage, clientAborted);
        }
    }
}
