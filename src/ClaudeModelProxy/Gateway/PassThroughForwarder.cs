using System.Text;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Routing;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Gateway;

/// <summary>
/// Forwards a Messages request to an Anthropic-compatible upstream: the body's model is replaced
/// in place, the provider's key is added, and the reply's model is rewritten on the way back.
/// </summary>
public static class PassThroughForwarder
{
    private const int MaxBufferedReplyBytes = 64 * 1024 * 1024;

    public static async Task<ForwardOutcome> ForwardAsync(
        HttpContext http, GatewayContext gateway, ModelRoute route, RequestBody body, ScannedRequest scanned, string path)
    {
        var clientAborted = http.RequestAborted;
        var provider = route.Provider;
        using var request = new HttpRequestMessage(HttpMethod.Post, provider.BaseUrl + path)
        {
            Content = new EditedBodyContent(body.Memory, MessagesRequestScanner.UpstreamEdits(scanned, route.UpstreamModel)),
        };
        ForwardedHeaders.CopyRequestHeaders(http.Request, request);
        ForwardedHeaders.AddProviderKey(provider, request);

        var (response, failure) = await UpstreamSender.SendAsync(
            gateway.Upstreams.For(provider), request, provider, gateway.Settings.UpstreamHeadersTimeout, clientAborted);
        if (failure is not null)
        {
            await ErrorResponses.WriteAsync(http, failure.Status, failure.ErrorType, failure.Message);
            return new ForwardOutcome(failure.Status, default, failure.Message);
        }

        using (response)
        {
            var status = (int)response!.StatusCode;
            http.Response.StatusCode = status;
            ForwardedHeaders.CopyResponseHeaders(response, http.Response);
            var responseModel = gateway.Settings.RewriteResponses ? route.ResponseModel : null;
            await using var upstream = await response.Content.ReadAsStreamAsync(clientAborted);

            if (status >= 400) return await RelayErrorAsync(http, gateway, upstream, status, clientAborted);
            if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
            {
                http.Response.Headers.CacheControl = "no-cache";
                return await StreamRelay.RelayAsync(upstream, http.Response, responseModel, gateway, provider.Definition.DisplayName, clientAborted);
            }

            var reply = await ReadAllAsync(upstream, clientAborted);
            var usage = new TokenUsage();
            var edits = responseModel is null ? [] : ReplyRewriter.Rewrite(reply, responseModel, gateway.ToolIds, ref usage);
            var bytes = ByteEdits.Apply(reply, edits);
            http.Response.ContentLength = bytes.Length;
            await http.Response.Body.WriteAsync(bytes, clientAborted);
            return new ForwardOutcome(status, usage, null);
        }
    }

    /// <summary>Upstream error statuses and bodies are relayed as they are, minus any echoed key.</summary>
    private static async Task<ForwardOutcome> RelayErrorAsync(HttpContext http, GatewayContext gateway, Stream upstream, int status, CancellationToken clientAborted)
    {
        var body = gateway.Secrets.Redact(await ReadAllAsync(upstream, clientAborted));
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body, clientAborted);
        return new ForwardOutcome(status, default, $"upstream HTTP {status}: {Truncate(Encoding.UTF8.GetString(body), 300)}");
    }

    public static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken cancellation)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellation)) > 0)
        {
            if (buffer.Length + read > MaxBufferedReplyBytes) throw new IOException("The upstream reply is larger than 64 MB.");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
