using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Providers;
using ClaudeModelProxy.Core.Routing;
using ClaudeModelProxy.Gateway.Failures;
using ClaudeModelProxy.Status;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ClaudeModelProxy.Gateway;

/// <summary>POST /v1/messages and /v1/messages/count_tokens: validate, route, forward, log.</summary>
public sealed class MessagesEndpoint(GatewayContext gateway)
{
    public enum Kind
    {
        Create,
        CountTokens,
    }

    public async Task HandleAsync(HttpContext http, Kind kind)
    {
        var started = Stopwatch.GetTimestamp();
        var path = kind == Kind.Create ? "/v1/messages" : "/v1/messages/count_tokens";
        ModelRoute? route = null;
        var stream = false;
        ForwardOutcome outcome;
        var clientAborted = http.RequestAborted;
        CancellationTokenSource? stopLink = null;
        try
        {
            using var body = await RequestBody.ReadAsync(http.Request, http.RequestAborted);
            if (body is null)
            {
                outcome = await RejectAsync(http, 413, $"The request body is larger than {RequestBody.MaxBytes / (1024 * 1024)} MB.");
            }
            else
            {
                var scanned = MessagesRequestScanner.Scan(body.Span, gateway.ToolIds);
                stream = scanned.Stream && kind == Kind.Create;
                // A stream ends itself with an error event when the stop's grace runs out; a JSON request is cancelled then and answered 529.
                if (!stream) http.RequestAborted = (stopLink = CancellationTokenSource.CreateLinkedTokenSource(clientAborted, gateway.GraceOver)).Token;
                var requestClass = RequestClassOf(http);
                var resolved = scanned.Error is null ? gateway.Router.Resolve(scanned.Model!, requestClass) : null;
                if (requestClass is not null) gateway.RequestClasses.Record(requestClass);
                route = resolved?.Route;
                if (scanned.Error is not null)
                    outcome = await RejectAsync(http, 400, scanned.Error);
                else if (route is null)
                    outcome = await RejectAsync(http, 404, resolved!.Error!);
                else if (kind == Kind.CountTokens && CountTokensForwarder.AnswersLocally(route))
                    outcome = await CountTokensForwarder.AnswerLocallyAsync(http, body);
                else if (!route.Provider.HasApiKey)
                    outcome = await RejectAsync(http, 401,
                        $"No API key for {route.Provider.Definition.DisplayName}: set {string.Join(" or ", route.Provider.Definition.KeyVariables)} (environment, --env-file, or the extension's settings).");
                else
                    outcome = await ForwardAlongChainAsync(http, kind, route, body, scanned, path);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && gateway.GraceOver.IsCancellationRequested && !clientAborted.IsCancellationRequested)
        {
            outcome = await FailureResponse.SendAsync(http, GatewayFailures.RequestOutlivedStop(gateway.Settings.Limits.ShutdownGrace));
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            outcome = ForwardOutcome.ClientGone(default);
        }
        catch (IOException) when (http.RequestAborted.IsCancellationRequested)
        {
            outcome = ForwardOutcome.ClientGone(default);
        }
        catch (BadHttpRequestException e)
        {
            // The client's own body was broken (bad chunking, too slow): not the upstream's fault.
            outcome = await FailureResponse.SendAsync(http, new ProxyFailure(FailureStage.ClientRequest, e.StatusCode is 408 ? 408 : 400, AnthropicError.InvalidRequest, $"The request body could not be read: {e.Message}"));
        }
        catch (ProxyFailureException e)
        {
            outcome = await FailureResponse.SendAsync(http, e.Failure, gateway.Secrets);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            // The upstream's reply broke off while it was being read (a stream handles this itself).
            outcome = await FailureResponse.SendAsync(http, new ProxyFailure(FailureStage.UpstreamReply, 502, AnthropicError.Api,
                $"The connection to {route?.Provider.Definition.DisplayName ?? "the upstream"} broke while reading its reply."));
        }
        finally
        {
            stopLink?.Dispose();
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        if (route is not null)
            gateway.Counters.Record(RequestRecords.From(http, route, outcome, elapsed, stream, gateway.Secrets));
        LogRequest(path, route, outcome, elapsed, stream);
    }

    /// <summary>
    /// The attempt loop: the route, then its MODEL_FALLBACKS route when the first stays unavailable before the
    /// client has seen a byte. Nothing below this calls back up.
    /// </summary>
    private Task<ForwardOutcome> ForwardAlongChainAsync(HttpContext http, Kind kind, ModelRoute route, RequestBody body, ScannedRequest scanned, string path)
    {
        var fallback = kind == Kind.Create ? gateway.Router.FallbackRouteFor(route) : null;
        // Without a fallback (most routes) the chain is one attempt, with no frame of its own.
        return fallback is null
            ? DispatchAsync(http, kind, route, body, scanned, path, nextRouteExists: false)
            : ForwardWithFallbackAsync(http, kind, route, fallback, body, scanned, path);
    }

    private async Task<ForwardOutcome> ForwardWithFallbackAsync(HttpContext http, Kind kind, ModelRoute route, ModelRoute fallback, RequestBody body, ScannedRequest scanned, string path)
    {
        var outcome = await DispatchAsync(http, kind, route, body, scanned, path, nextRouteExists: true);
        if (!outcome.Unavailable) return outcome;
        gateway.Logger.LogWarning("{Alias} is unavailable after retries; falling back to {Fallback}", route.Alias, fallback.Alias);
        http.Response.Headers["x-claude-model-proxy-fallback"] = fallback.Alias;
        outcome = await DispatchAsync(http, kind, fallback, body, scanned, path, nextRouteExists: false);
        return outcome with { FellBackTo = fallback.Alias };
    }

    private async Task<ForwardOutcome> DispatchAsync(HttpContext http, Kind kind, ModelRoute route, RequestBody body, ScannedRequest scanned, string path, bool nextRouteExists)
    {
        if (!gateway.UpstreamSlots.TryEnter(route.Provider))
        {
            return await FailureResponse.SendAsync(http, GatewayFailures.Overloaded(
                $"{gateway.UpstreamSlots.PerProvider} requests to {route.Provider.Definition.DisplayName} are already in flight (MAX_UPSTREAM_REQUESTS_PER_PROVIDER); retry shortly."));
        }
        try
        {
            return await DispatchWithinSlotAsync(http, kind, route, body, scanned, path, nextRouteExists);
        }
        finally
        {
            gateway.UpstreamSlots.Exit(route.Provider);
        }
    }

    private Task<ForwardOutcome> DispatchWithinSlotAsync(HttpContext http, Kind kind, ModelRoute route, RequestBody body, ScannedRequest scanned, string path, bool nextRouteExists)
    {
        if (kind == Kind.CountTokens) return CountTokensForwarder.ForwardAsync(http, gateway, route, body, scanned, path);
        return route.Provider.Definition.Format == WireFormat.AnthropicMessages
            ? PassThroughForwarder.ForwardAsync(http, gateway, route, body, scanned, path, nextRouteExists)
            : TranslatingForwarder.ForwardAsync(http, gateway, route, body, scanned, nextRouteExists);
    }

    /// <summary>Claude Code's <c>x-claude-code-request-class</c> (main, subagent, compaction, auxiliary…), or null.</summary>
    private static string? RequestClassOf(HttpContext http) =>
        http.Request.Headers[RequestClasses.Header] is { Count: > 0 } value && value.ToString() is { Length: > 0 } text ? text.Trim().ToLowerInvariant() : null;

    private static Task<ForwardOutcome> RejectAsync(HttpContext http, int status, string message) =>
        FailureResponse.SendAsync(http, GatewayFailures.ClientRequest(status, message));

    /// <summary>
    /// The request's log line, formatted once (it is written for every request):
    /// <c>POST {path} {model} -> {provider}/{upstream model}[ (note)] {status} {milliseconds} ms {json|stream}[ (error)]</c>.
    /// </summary>
    private void LogRequest(string path, ModelRoute? route, ForwardOutcome outcome, TimeSpan elapsed, bool stream)
    {
        if (!gateway.Logger.IsEnabled(LogLevel.Information)) return;
        var line = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[256]);
        line.AppendLiteral("POST ");
        line.AppendFormatted(path);
        if (route is null)
        {
            line.AppendLiteral(" -");
        }
        else
        {
            line.AppendLiteral(" ");
            line.AppendFormatted(route.RequestedModel);
            line.AppendLiteral(" -> ");
            line.AppendFormatted(route.Provider.Id);
            line.AppendLiteral("/");
            line.AppendFormatted(route.UpstreamModel);
            if (route.Note is { } note) Parenthesised(ref line, "", note);
        }
        if (outcome.FellBackTo is { } fallback) Parenthesised(ref line, "fell back to ", fallback);
        line.AppendLiteral(" ");
        line.AppendFormatted(outcome.Status);
        line.AppendLiteral(" ");
        line.AppendFormatted(elapsed.TotalMilliseconds, "F1");
        line.AppendLiteral(stream ? " ms stream" : " ms json");
        if (outcome.Failure is { } failure) Parenthesised(ref line, SideThatBroke(failure), Shorten(gateway.Secrets.Redact(failure.Message)));
        // The line is the message itself: a message template would format it into a copy.
        gateway.Logger.Log(LogLevel.Information, RequestLineEvent, line.ToStringAndClear(), null, static (text, _) => text);
    }

    /// <summary>The event id request lines have always carried (the one the logging generator gave LogRequestLine).</summary>
    private static readonly EventId RequestLineEvent = new(73347628, "LogRequestLine");

    private static void Parenthesised(ref DefaultInterpolatedStringHandler line, string prefix, string text)
    {
        line.AppendLiteral(" (");
        line.AppendFormatted(prefix);
        line.AppendFormatted(text);
        line.AppendLiteral(")");
    }

    /// <summary>Whose side broke, so that a reader of the log knows where to look (a client that left says so itself).</summary>
    private static string SideThatBroke(ProxyFailure failure) => failure.Stage == FailureStage.ClientGone ? "" : failure.Side switch
    {
        FailureSide.Client => "client: ",
        FailureSide.Gateway => "gateway: ",
        _ => "upstream: ",
    };

    private static string Shorten(string error)
    {
        var sentenceEnd = error.IndexOf(". ", StringComparison.Ordinal);
        var shortened = sentenceEnd > 0 ? error[..(sentenceEnd + 1)] : error;
        return shortened.Length <= 200 ? shortened : shortened[..200] + "…";
    }
}
