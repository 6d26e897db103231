using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Providers;
using ClaudeModelProxy.Gateway;

namespace ClaudeModelProxy.Doctor;

/// <summary>
/// One cheap authenticated call per provider: GET {base}/models for OpenAI-compatible providers (free),
/// a 1-token POST {base}/v1/messages for Anthropic-compatible ones (their model lists are not uniform).
/// The key goes only in the request header; nothing the provider says is shown without redaction.
/// </summary>
public static class ProviderProbe
{
    public static async Task<DoctorCheck> CheckAsync(ProviderSettings provider, string? model, TimeSpan timeout, SecretRedactor secrets, CancellationToken cancellation)
    {
        var definition = provider.Definition;
        var anthropic = definition.Format == WireFormat.AnthropicMessages;
        var url = provider.BaseUrl.TrimEnd('/') + (anthropic ? "/v1/messages" : "/models");
        var call = $"{(anthropic ? "POST" : "GET")} {UrlRedactor.Redact(url)}";
        using var request = new HttpRequestMessage(anthropic ? HttpMethod.Post : HttpMethod.Get, url);
        if (definition.KeyScheme == KeyScheme.XApiKey) request.Headers.TryAddWithoutValidation("x-api-key", provider.ApiKey);
        else request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + provider.ApiKey);
        if (anthropic)
        {
            request.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
            var body = new MemoryStream();
            using (var json = new Utf8JsonWriter(body))
            {
                json.WriteStartObject();
                json.WriteString("model", model ?? "");
                json.WriteNumber("max_tokens", 1);
                json.WriteStartArray("messages");
                json.WriteStartObject();
                json.WriteString("role", "user");
                json.WriteString("content", "ping");
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
            }
            request.Content = new ByteArrayContent(body.ToArray()) { Headers = { ContentType = new("application/json") } };
        }

        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = timeout, UseCookies = false }) { Timeout = Timeout.InfiniteTimeSpan };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await client.SendAsync(request, deadline.Token);
            var text = await response.Content.ReadAsStringAsync(deadline.Token);
            var ms = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);
            return Judge(provider, (int)response.StatusCode, call, ErrorMessage(secrets.Redact(text)), model) with { Milliseconds = ms };
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return new DoctorCheck(provider.Id, Verdict.Fail,
                $"no answer within {timeout.TotalSeconds:0.#} s from {call}. Fix: check {definition.BaseUrlVariable} and your network (or a proxy in HTTPS_PROXY).");
        }
        catch (HttpRequestException e)
        {
            return new DoctorCheck(provider.Id, Verdict.Fail,
                $"cannot connect to {call} ({Describe(e)}). Fix: check {definition.BaseUrlVariable} (default {definition.DefaultBaseUrl}) and your network.");
        }
    }

    private static DoctorCheck Judge(ProviderSettings provider, int status, string call, string? reason, string? model)
    {
        var d = provider.Definition;
        var said = reason is null ? "" : $": {reason}";
        return status switch
        {
            >= 200 and < 300 => new DoctorCheck(provider.Id, Verdict.Ok, $"{d.KeyVariable} works (HTTP {status} from {call}).") { ProviderWorks = true },
            401 or 403 => new DoctorCheck(provider.Id, Verdict.Fail,
                $"{d.KeyVariable} was refused (HTTP {status} from {call}{said}). Fix: put a valid {d.DisplayName} key in {d.KeyVariable}."),
            404 => new DoctorCheck(provider.Id, Verdict.Fail,
                $"HTTP 404 from {call}{said}. Fix: check {d.BaseUrlVariable} (default {d.DefaultBaseUrl}){(model is null ? "" : $" and that the provider serves {model}")}."),
            429 => new DoctorCheck(provider.Id, Verdict.Warn,
                $"{d.KeyVariable} was accepted, but the provider is rate-limiting (HTTP 429 from {call}{said}). Fix: wait, or check your plan's limits.") { ProviderWorks = true },
            >= 500 => new DoctorCheck(provider.Id, Verdict.Warn,
                $"the provider is failing (HTTP {status} from {call}{said}). Fix: try again later; MODEL_FALLBACKS can send requests elsewhere meanwhile."),
            _ => new DoctorCheck(provider.Id, Verdict.Warn, $"unexpected HTTP {status} from {call}{said}."),
        };
    }

    /// <summary>The provider's own error message (Anthropic or OpenAI shape), one line, short.</summary>
    private static string? ErrorMessage(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0) root = root[0];
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error))
            {
                var message = error.ValueKind == JsonValueKind.String ? error.GetString()
                    : error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                if (message is { Length: > 0 }) return message.Length <= 160 ? message.ReplaceLineEndings(" ") : message[..160].ReplaceLineEndings(" ") + "…";
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }

    private static string Describe(HttpRequestException e) => (e.InnerException as SocketException)?.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
        SocketError.TimedOut => "connection timed out",
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "network unreachable",
        _ => e.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "host not found",
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            HttpRequestError.ConnectionError => "connection failed",
            _ => e.Message,
        },
    };
}
