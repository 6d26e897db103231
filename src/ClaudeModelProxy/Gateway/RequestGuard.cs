using System.Net;
using System.Security.Cryptography;
using System.Text;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ClaudeModelProxy.Gateway;

/// <summary>
/// The gateway holds paid API keys and listens where any web page can reach it, so before any
/// handler runs it refuses: a Host that is not this machine (DNS rebinding), a web page's Origin,
/// the form and text/plain POSTs that skip CORS pre-flight, and — when PROXY_AUTH_TOKEN is set —
/// requests without that token.
/// </summary>
public sealed class RequestGuard(ProxySettings settings)
{
    private readonly byte[]? token = settings.ProxyAuthToken is null ? null : Encoding.UTF8.GetBytes(settings.ProxyAuthToken);

    public ProxyFailure? Check(HttpRequest request)
    {
        if (OversizedHead(request) is { } oversized) return oversized;
        if (HasAmbiguousLength(request))
            return Refuse(400, AnthropicError.InvalidRequest, "The request has both Transfer-Encoding and Content-Length, so its length is ambiguous; send only one of them.");
        if (UnsafePath(request) is { } unsafePath)
            return Refuse(400, AnthropicError.InvalidRequest, $"The path \"{unsafePath}\" has dot segments, backslashes or encoded separators; the gateway routes only plain paths.");
        if (request.Headers.ContainsKey(ForwardedHeaders.HopHeader))
            return Refuse(508, AnthropicError.Api, "This request came from this gateway itself: a provider's base URL points back at the gateway. Check the *_BASE_URL settings.");
        if (settings.IsLoopbackOnly && !IsLocalHost(request.Host))
            return Refuse(403, AnthropicError.Permission, $"Host \"{request.Host.Value}\" is not this machine; the gateway only answers requests addressed to localhost or 127.0.0.1.");
        if (request.Headers.Origin is { Count: > 0 } origin && IsWebOrigin(origin.ToString()))
            return Refuse(403, AnthropicError.Permission, "Requests from web pages are refused: the gateway spends your provider keys.");
        if (HttpMethods.IsOptions(request.Method))
            return Refuse(403, AnthropicError.Permission, "Cross-origin requests are not allowed.");
        if (HttpMethods.IsPost(request.Method) && IsSimpleFormContentType(request.ContentType))
            return Refuse(415, AnthropicError.InvalidRequest, $"Content-Type \"{request.ContentType}\" is not accepted; send the body as application/json.");
        if (token is not null && !IsPublicProbe(request) && !PresentsToken(request))
            return Refuse(401, AnthropicError.Authentication, "This gateway requires its PROXY_AUTH_TOKEN as the API key (Authorization: Bearer or x-api-key).");
        return null;
    }

    /// <summary>The README's header and request-line limits, answered with an Anthropic error (Kestrel itself only stops twice these).</summary>
    private static ProxyFailure Refuse(int status, string type, string message) => new(FailureStage.ClientRequest, status, type, message);

    private ProxyFailure? OversizedHead(HttpRequest request)
    {
        var limits = settings.Limits;
        var headers = request.Headers;
        if (headers.Count > limits.MaxRequestHeaderCount)
            return Refuse(431, AnthropicError.InvalidRequest, $"The request has {headers.Count} header lines; the gateway accepts at most {limits.MaxRequestHeaderCount}.");
        var bytes = 0;
        foreach (var (name, values) in headers)
        {
            bytes += name.Length + 4; // ": " and CRLF
            foreach (var value in values) bytes += value?.Length ?? 0;
        }
        if (bytes > limits.MaxRequestHeadersBytes)
            return Refuse(431, AnthropicError.InvalidRequest, $"The request headers take {bytes / 1024} KiB; the gateway accepts at most {limits.MaxRequestHeadersBytes / 1024} KiB.");
        var target = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "";
        var line = request.Method.Length + target.Length + request.Protocol.Length + 2;
        return line > limits.MaxRequestLineBytes
            ? Refuse(414, AnthropicError.InvalidRequest, $"The request line takes {line / 1024} KiB; the gateway accepts at most {limits.MaxRequestLineBytes / 1024} KiB.")
            : null;
    }

    /// <summary>
    /// Kestrel reads such a request by Transfer-Encoding and moves Content-Length to X-Content-Length
    /// (RFC 9112 §6.3 allows forwarding that); a gateway that holds keys refuses it instead, as nginx and
    /// Node do, because a proxy in front could have read the other length (request smuggling).
    /// </summary>
    private static bool HasAmbiguousLength(HttpRequest request) =>
        request.Headers.TransferEncoding.Count > 0
        && (request.ContentLength is not null || request.Headers.ContainsKey("X-Content-Length"));

    /// <summary>
    /// The request target as sent, when it is one that other servers would normalise differently:
    /// <c>..</c> or <c>.</c> segments (Kestrel removes them before routing), <c>%2e</c>, <c>%2f</c>,
    /// <c>%5c</c> or a backslash. Refused instead, so that what routing sees is what the client wrote.
    /// </summary>
    private static string? UnsafePath(HttpRequest request)
    {
        var raw = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "";
        var query = raw.AsSpan().IndexOf('?');
        var path = query < 0 ? raw.AsSpan() : raw.AsSpan(0, query);
        // The plain path of nearly every request: no backslash, no escape, no segment that starts with a dot.
        if (path.IndexOfAny('\\', '%') < 0 && path.IndexOf("/.") < 0 && !path.StartsWith('.')) return null;
        if (path.Contains('\\') || path.Contains("%2e", StringComparison.OrdinalIgnoreCase)
            || path.Contains("%2f", StringComparison.OrdinalIgnoreCase) || path.Contains("%5c", StringComparison.OrdinalIgnoreCase))
            return path.ToString();
        // Segments without splitting.
        var rest = path;
        while (!rest.IsEmpty)
        {
            var slash = rest.IndexOf('/');
            var segment = slash < 0 ? rest : rest[..slash];
            if (segment is "." or "..") return path.ToString();
            rest = slash < 0 ? default : rest[(slash + 1)..];
        }
        return null;
    }

    private static bool IsLocalHost(HostString host)
    {
        var name = host.Host;
        if (string.IsNullOrEmpty(name)) return true; // HTTP/1.0 without Host: not a browser.
        if (name is "127.0.0.1" || name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(name.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>Pages on the web send http(s) origins, and "null" from sandboxes; desktop apps use their own schemes.</summary>
    private static bool IsWebOrigin(string origin) =>
        origin.Equals("null", StringComparison.OrdinalIgnoreCase)
        || origin.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
        || origin.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    private static bool IsSimpleFormContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType)) return false;
        var parameters = contentType.AsSpan().IndexOf(';');
        var mediaType = (parameters < 0 ? contentType.AsSpan() : contentType.AsSpan(0, parameters)).Trim();
        return mediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The root and /healthz answer local callers without the token, so the MCP host can recognise another copy.
    /// The status page does too, but without the token it shows only a "token required" notice (see StatusPage).
    /// </summary>
    private static bool IsPublicProbe(HttpRequest request)
    {
        var path = request.Path.Value;
        var local = request.HttpContext.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote);
        return path is "/" or ""
            || (local && path is "/healthz" && HttpMethods.IsGet(request.Method))
            || (local && path is "/status" or "/status/" && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)));
    }

    /// <summary>Whether PROXY_AUTH_TOKEN is set.</summary>
    public bool TokenRequired => token is not null;

    /// <summary>True when no token is required or the request presents the right one.</summary>
    public bool IsAuthorized(HttpRequest request) => token is null || PresentsToken(request);

    private bool PresentsToken(HttpRequest request)
    {
        string? presented = request.Headers["x-api-key"].ToString();
        if (string.IsNullOrEmpty(presented))
        {
            var authorization = request.Headers.Authorization.ToString();
            presented = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : null;
        }
        return presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), token);
    }
}
