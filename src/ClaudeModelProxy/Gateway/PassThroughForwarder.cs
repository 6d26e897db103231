using System.Buffers;
using System.Text;
using System.Text.Json;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Conversation;
using ClaudeModelProxy.Core.Routing;
using ClaudeModelProxy.Gateway.Failures;
using ClaudeModelProxy.Gateway.Relay;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ClaudeModelProxy.Gateway;

/// <summary>
/// Forwards a Messages request to an Anthropic-compatible upstream: the body's model is replaced
/// in place, the provider's key is added, and the reply's model is rewritten on the way back.
/// </summary>
public static partial class PassThroughForwarder
{
    private const int MaxBufferedReplyBytes = GatewayLimits.MaxUpstreamReplyBytes;

    public static async Task<ForwardOutcome> ForwardAsync(
        HttpContext http, GatewayContext gateway, ModelRoute route, RequestBody body, ScannedRequest scanned, string path, bool nextRouteExists)
    {
        var clientAborted = http.RequestAborted;
        var provider = route.Provider;
        var (response, finished) = await UpstreamSender.SendAsync(http, gateway, provider, RequestFactory(http, gateway, route, body, scanned, path), nextRouteExists);
        if (finished is not null) return finished;

        using (response)
        {
            var status = (int)response!.StatusCode;
            http.Response.StatusCode = status;
            ForwardedHeaders.CopyResponseHeaders(response, http.Response);
            var responseModel = gateway.Settings.RewriteResponses ? route.ResponseModel : null;
            var providerName = provider.Definition.DisplayName;
            await using var upstream = await UpstreamContent.OpenAsync(response, providerName, clientAborted);

            if (status >= 400) return await RelayErrorAsync(http, gateway, upstream, status, providerName, clientAborted);
            if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
            {
                http.Response.Headers.CacheControl = "no-cache";
                return await SseRelay.RelayAsync(http, upstream, new PassThroughStream(responseModel, gateway.ToolIds, SignatureTag(provider), providerName), gateway, providerName);
            }

            var reply = await ReadAllAsync(upstream, UpstreamContent.Length(response), clientAborted);
            var usage = new TokenUsage();
            var replyEdits = ReplyRewriter.Rewrite(reply, responseModel, gateway.ToolIds, ref usage, out var wellFormed);
            if (!wellFormed)
            {
                return await FailureResponse.SendAsync(http, new ProxyFailure(FailureStage.UpstreamReply, 502, AnthropicError.Api, $"{providerName} answered with a reply that is not valid JSON."));
            }
            if (responseModel is null) replyEdits.Clear();
            else if (SignatureTag(provider) is { } tag && PassThroughSignatures.WrapEdits(reply, tag) is { } tagEdits)
            {
                replyEdits.AddRange(tagEdits);
                replyEdits.Sort((a, b) => a.Offset.CompareTo(b.Offset));
            }
            return await JsonReply.SendAsync(http.Response, reply, replyEdits, usage, clientAborted);
        }
    }

    /// <summary>
    /// The provider whose thinking signatures are tagged in replies (<see cref="PassThroughSignatures"/>): every
    /// pass-through provider but Anthropic, whose signatures are recognised by Anthropic itself.
    /// </summary>
    public static string? SignatureTag(Core.Configuration.ProviderSettings provider) => provider.Definition.SignatureTag;

    /// <summary>
    /// Builds the upstream request (again for each retry): the client's bytes with the upstream model spliced in and
    /// the history made acceptable to this provider (the provider definition's <c>RequestRepair</c>; a fallback gets its own provider's).
    /// </summary>
    public static Func<HttpRequestMessage> RequestFactory(HttpContext http, GatewayContext gateway, ModelRoute route, RequestBody body, ScannedRequest scanned, string path)
    {
        var repair = route.Provider.Definition.RequestRepair.Repair(body.Span);
        var edits = repair.MergeInto(MessagesRequestScanner.UpstreamEdits(scanned, route.UpstreamModel));
        if (repair.Noteworthy) LogRepaired(gateway.Logger, route.Provider.Definition.DisplayName, repair.Describe());
        var endpoint = gateway.Upstreams.Endpoint(route.Provider, path);
        return () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new EditedBodyContent(body.Memory, edits) };
            ForwardedHeaders.CopyRequestHeaders(http.Request, request, route.Provider);
            ForwardedHeaders.AddProviderKey(route.Provider, request);
            return request;
        };
    }

    /// <summary>
    /// Upstream error statuses are relayed as they are, their bodies too when they are Anthropic
    /// errors (minus any echoed key); anything else (an HTML page from a load balancer, say) is
    /// wrapped in an Anthropic error so that clients can read it.
    /// </summary>
    private static async Task<ForwardOutcome> RelayErrorAsync(HttpContext http, GatewayContext gateway, Stream upstream, int status, string providerName, CancellationToken clientAborted)
    {
        var body = await ReadAllAsync(upstream, clientAborted);
        var text = Encoding.UTF8.GetString(body);
        var failure = ProxyFailure.Of(FailureStage.UpstreamStatus, status, $"{providerName} answered HTTP {status}: {Truncate(text.Trim(), 300)}");
        if (IsAnthropicError(body)) failure = failure with { UpstreamBody = body };
        // An error is answered as JSON even when the upstream labelled it a stream.
        if (FailureResponse.IsEventStream(http.Response)) http.Response.ContentType = null;
        return await FailureResponse.SendAsync(http, failure, gateway.Secrets);
    }

    private static bool IsAnthropicError(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads a whole reply: straight into one array when its length is known.</summary>
    public static async Task<byte[]> ReadAllAsync(Stream stream, long? contentLength, CancellationToken cancellation)
    {
        if (contentLength > MaxBufferedReplyBytes) throw GatewayFailures.TooLarge("The provider's reply");
        if (contentLength is >= 0)
        {
            var exact = new byte[contentLength.Value];
            await stream.ReadExactlyAsync(exact, cancellation);
            return exact;
        }
        return await ReadAllAsync(stream, cancellation);
    }

    public static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken cancellation)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellation)) > 0)
        {
            if (buffer.Length + read > MaxBufferedReplyBytes) throw GatewayFailures.TooLarge("The provider's reply");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "History adapted for {Provider}: {Repair}")]
    private static partial void LogRepaired(ILogger logger, string provider, string repair);

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
