using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClaudeModelProxy.Core.Anthropic;

namespace ClaudeModelProxy.Core.OpenAi;

/// <summary>
/// Upstream error → Anthropic error (protocol §3.5). Context-window errors are reworded the way Claude Code
/// recognises them (§0.5): <c>prompt is too long: M tokens &gt; N maximum</c>, or
/// <c>input length and `max_tokens` exceed context limit: A + B &gt; C</c> when the prompt alone still fits.
/// </summary>
internal static partial class ErrorTranslation
{
    private const int MaxMessageLength = 2000;

    public static ProxyFailure FromHttp(int upstreamStatus, ReadOnlySpan<byte> body, string provider)
    {
        var details = Parse(body);
        return Build(upstreamStatus, details, provider);
    }

    /// <summary>An error object met inside a 2xx body or a stream (<c>{"error":…}</c> or Gemini's array form).</summary>
    public static ProxyFailure FromErrorPayload(JsonElement payload, string provider)
    {
        var details = Details(payload);
        var status = details.NumericCode is >= 400 and < 600 ? details.NumericCode.Value : StatusFromCodes(details) ?? 500;
        return Build(status, details, provider);
    }

    private readonly record struct ErrorDetails(string? Message, string? Code, string? Type, string? Status, int? NumericCode);

    private static ErrorDetails Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
            using var document = JsonDocument.ParseValue(ref reader);
            return Details(document.RootElement);
        }
        catch (JsonException)
        {
            var text = Encoding.UTF8.GetString(body).Trim();
            return new ErrorDetails(text.Length > 0 ? text : null, null, null, null, null);
        }
    }

    private static ErrorDetails Details(JsonElement root)
    {
        // Gemini's compatible endpoint can answer [{"error":{…}}].
        if (root.ValueKind == JsonValueKind.Array)
            root = root.EnumerateArray().FirstOrDefault(e => e.ValueKind == JsonValueKind.Object);
        if (root.ValueKind != JsonValueKind.Object)
            return new ErrorDetails(root.ValueKind == JsonValueKind.String ? root.Text() : null, null, null, null, null);
        var error = root.Property("error") is { } e ? e : root;
        if (error.ValueKind == JsonValueKind.String)
            return new ErrorDetails(error.Text(), root.String("code"), root.String("type"), null, null);
        var codeValue = error.Property("code");
        int? numeric = codeValue is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var c) ? c
            : codeValue is { ValueKind: JsonValueKind.String } cs && int.TryParse(cs.Text(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed
            : null;
        var message = error.String("message") ?? root.String("message") ?? root.String("detail");
        // Gemini lists the original errors under metadata.raw / details; the top message is enough.
        return new ErrorDetails(message, codeValue is { ValueKind: JsonValueKind.String } s ? s.Text() : null, error.String("type"), error.String("status"), numeric);
    }

    private static int? StatusFromCodes(ErrorDetails d)
    {
        var all = $"{d.Code} {d.Type} {d.Status}".ToLowerInvariant();
        if (all.Contains("context_length")) return 400;
        if (all.Contains("insufficient_quota")) return 402;
        if (all.Contains("rate_limit") || all.Contains("resource_exhausted")) return 429;
        if (all.Contains("unavailable") || all.Contains("overloaded")) return 503;
        if (all.Contains("deadline_exceeded") || all.Contains("timeout")) return 504;
        if (all.Contains("unauthenticated") || all.Contains("invalid_api_key") || all.Contains("authentication")) return 401;
        if (all.Contains("permission")) return 403;
        if (all.Contains("not_found")) return 404;
        if (all.Contains("invalid_argument") || all.Contains("invalid_request") || all.Contains("failed_precondition")) return 400;
        return null;
    }

    private static ProxyFailure Build(int upstreamStatus, ErrorDetails details, string provider)
    {
        var upstreamMessage = Redact(details.Message);
        if (IsContextLengthError(details, upstreamMessage))
        {
            var reworded = ContextLengthMessage(upstreamMessage ?? "");
            return new ProxyFailure(FailureStage.UpstreamStatus, 400, AnthropicError.InvalidRequest, reworded);
        }
        var quota = details.Code == "insufficient_quota" || details.Type == "insufficient_quota";
        var status = quota ? 402 : AnthropicError.StatusForForeignStatus(upstreamStatus);
        var message = upstreamMessage is { Length: > 0 }
            ? $"{provider}: {upstreamMessage}"
            : $"{provider} returned HTTP {upstreamStatus}";
        return ProxyFailure.Of(FailureStage.UpstreamStatus, status, message);
    }

    // ---- context length ----

    private static bool IsContextLengthError(ErrorDetails details, string? message)
    {
        if (details.Code is "context_length_exceeded" || details.Type is "context_length_exceeded") return true;
        return message is not null && ContextLengthWording().IsMatch(message);
    }

    internal static string ContextLengthMessage(string upstreamMessage)
    {
        long? maximum = FirstNumber(MaximumPatterns(), upstreamMessage);
        long? requested = FirstNumber(RequestedPatterns(), upstreamMessage);
        var split = MessagesAndCompletion().Match(upstreamMessage);
        if (split.Success && maximum is { } max && ParseNumber(split.Groups[1].Value) is { } prompt && ParseNumber(split.Groups[2].Value) is { } completion && prompt < max)
            return $"input length and `max_tokens` exceed context limit: {prompt} + {completion} > {max}, decrease input length or `max_tokens` and try again";
        if (split.Success && ParseNumber(split.Groups[1].Value) is { } promptOnly) requested = promptOnly;
        if (requested is { } m && maximum is { } n) return $"prompt is too long: {m} tokens > {n} maximum";
        var original = upstreamMessage.Length > MaxMessageLength ? upstreamMessage[..MaxMessageLength] : upstreamMessage;
        return maximum is { } limit
            ? $"prompt is too long: the request exceeds the model's {limit}-token context window ({original})"
            : $"prompt is too long: {original}";
    }

    private static long? FirstNumber(Regex regex, string text)
    {
        var match = regex.Match(text);
        if (!match.Success) return null;
        foreach (var group in match.Groups.Cast<Group>().Skip(1))
            if (group.Success && ParseNumber(group.Value) is { } number) return number;
        return null;
    }

    private static long? ParseNumber(string digits) =>
        long.TryParse(digits.Replace(",", "").Replace("_", ""), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    [GeneratedRegex(@"context[ _-]?length|context[ _-]?window|maximum context|prompt is too long|input token count.*exceeds|exceeds the maximum number of tokens|too many (input )?tokens|range of input length|input (is )?too long|reduce the length of the (messages|prompt)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ContextLengthWording();

    [GeneratedRegex(@"maximum context length is (\d[\d,]*)|maximum number of tokens allowed(?: is)? \(?(\d[\d,]*)|context (?:window|length|limit) (?:of|is) (\d[\d,]*)|range of input length should be \[\d+,\s*(\d[\d,]*)\]|limit (?:of|is) (\d[\d,]*) tokens|tokens?\s*>\s*(\d[\d,]*)|max(?:imum)? (?:input |prompt )?tokens?(?: is|:)? (\d[\d,]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MaximumPatterns();

    [GeneratedRegex(@"requested (\d[\d,]*) tokens|resulted in (\d[\d,]*) tokens|input token count \(?(\d[\d,]*)|prompt (?:has|contains|is) (\d[\d,]*) tokens|(\d[\d,]*) (?:input )?tokens?\s*>|(?:input|prompt|messages?) (?:has|have|contains?|is|are|of) (\d[\d,]*) tokens", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RequestedPatterns();

    [GeneratedRegex(@"\((\d[\d,]*) in the messages?,\s*(\d[\d,]*) in the completion\)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MessagesAndCompletion();

    // ---- hygiene ----

    [GeneratedRegex(@"\b(sk-[A-Za-z0-9_\-\*]{6,}|AIza[0-9A-Za-z_\-]{20,}|Bearer\s+[A-Za-z0-9._\-]{8,})", RegexOptions.CultureInvariant)]
    private static partial Regex SecretLike();

    /// <summary>Removes anything shaped like an API key and keeps the message to a sensible length.</summary>
    private static string? Redact(string? message)
    {
        if (string.IsNullOrWhiteSpace(message)) return null;
        var cleaned = SecretLike().Replace(message.Trim(), "[redacted]");
        return cleaned.Length > MaxMessageLength ? cleaned[..MaxMessageLength] + "…" : cleaned;
    }
}
