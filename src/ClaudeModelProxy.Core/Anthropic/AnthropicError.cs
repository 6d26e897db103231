using System.Text.Encodings.Web;
using System.Text.Json;

namespace ClaudeModelProxy.Core.Anthropic;

/// <summary>Anthropic error types and the bodies that carry them.</summary>
public static class AnthropicError
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string Billing = "billing_error";
    public const string Permission = "permission_error";
    public const string NotFound = "not_found_error";
    public const string Conflict = "conflict_error";
    public const string RequestTooLarge = "request_too_large";
    public const string RateLimit = "rate_limit_error";
    public const string Api = "api_error";
    public const string Timeout = "timeout_error";
    public const string Overloaded = "overloaded_error";

    /// <summary>The error type Anthropic uses for an HTTP status: the one status → type map.</summary>
    public static string TypeForStatus(int status) => status switch
    {
        401 => Authentication,
        402 => Billing,
        403 => Permission,
        404 => NotFound,
        409 => Conflict,
        413 => RequestTooLarge,
        429 => RateLimit,
        504 => Timeout,
        529 or 503 => Overloaded,
        >= 400 and < 500 => InvalidRequest,
        _ => Api,
    };

    /// <summary>
    /// The status a client gets for a non-Anthropic upstream's status (Chat Completions, Responses, Gemini):
    /// statuses Anthropic does not use become the nearest one it does, so that clients retry the way they
    /// would against Anthropic (502/503 → 529 overloaded, 408 → 504, 422 → 400, other 5xx → 500).
    /// Anthropic-compatible upstreams already speak Anthropic's statuses: pass-through relays theirs as they are.
    /// </summary>
    public static int StatusForForeignStatus(int status) => status switch
    {
        401 or 402 or 403 or 404 or 409 or 413 or 429 => status,
        408 => 504,
        >= 400 and < 500 => 400,
        502 or 503 or 529 => 529,
        504 => 504,
        _ => 500,
    };

    /// <summary><c>{"type":"error","error":{"type":…,"message":…}}</c> as UTF-8.</summary>
    public static byte[] Body(string type, string message)
    {
        using var buffer = new MemoryStream(128 + message.Length);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "error");
            writer.WriteStartObject("error");
            writer.WriteString("type", type);
            writer.WriteString("message", message);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The same error as an SSE <c>error</c> event, for streams that have already begun.</summary>
    public static byte[] SseEvent(string type, string message)
    {
        var body = Body(type, message);
        var prefix = "event: error\ndata: "u8;
        var result = new byte[prefix.Length + body.Length + 2];
        prefix.CopyTo(result);
        body.CopyTo(result.AsSpan(prefix.Length));
        result[^2] = (byte)'\n';
        result[^1] = (byte)'\n';
        return result;
    }
}
