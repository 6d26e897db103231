using System.Text.Json;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Providers;
using ClaudeModelProxy.Core.Routing;
using ClaudeModelProxy.Status;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Gateway;

/// <summary>count_tokens: asked upstream where it exists, answered locally where it does not (the one policy).</summary>
public static class CountTokensForwarder
{
    /// <summary>Answered here without asking: no key to ask with, or a wire format (Chat Completions, Responses) that has no count_tokens.</summary>
    public static bool AnswersLocally(ModelRoute route) =>
        !route.Provider.HasApiKey || route.Provider.Definition.Format != WireFormat.AnthropicMessages;

    public static async Task<ForwardOutcome> ForwardAsync(HttpContext http, GatewayContext gateway, ModelRoute route, RequestBody body, ScannedRequest scanned, string path)
    {
        var provider = route.Provider;
        var (response, failure) = await UpstreamSender.SendAsync(gateway.Upstreams.For(provider), PassThroughForwarder.RequestFactory(http, gateway, route, body, scanned, path), provider, gateway.Settings, http.RequestAborted);
        using (response)
        {
            var status = (int?)response?.StatusCode;
            // Upstreams without the endpoint (404/405), or unreachable ones: a local estimate beats an error.
            if (failure is not null || status is 404 or 405 or 501) return await AnswerLocallyAsync(http, body);
            http.Response.StatusCode = status!.Value;
            ForwardedHeaders.CopyResponseHeaders(response!, http.Response);
            var reply = gateway.Secrets.Redact(await PassThroughForwarder.ReadAllAsync(await UpstreamContent.OpenAsync(response!, provider.Definition.DisplayName, http.RequestAborted), http.RequestAborted));
            http.Response.ContentLength = reply.Length;
            await http.Response.Body.WriteAsync(reply, http.RequestAborted);
            return new ForwardOutcome(status.Value, default, status >= 400 ? ProxyFailure.Of(FailureStage.UpstreamStatus, status.Value, $"upstream HTTP {status}") : null);
        }
    }

    public static async Task<ForwardOutcome> AnswerLocallyAsync(HttpContext http, RequestBody body)
    {
        var count = new TokenCount(TokenCounter.Count(body.Span));
        await GatewayEndpoints.WriteJsonAsync(http, JsonSerializer.SerializeToUtf8Bytes(count, StatusJsonContext.Default.TokenCount));
        return new ForwardOutcome(200, default, null);
    }
}
