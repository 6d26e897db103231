using System.Net;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Gateway.Failures;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Gateway;

/// <summary>
/// Sends one upstream request and waits for its headers, within the headers timeout. A connect
/// failure, 429, 503 or 529 — all of which happen before the client has seen a byte — is retried
/// with jittered backoff that honours Retry-After, at most UPSTREAM_RETRIES times.
/// </summary>
public static class UpstreamSender
{
    /// <summary>A Retry-After longer than this is relayed to the client instead of waited out here.</summary>
    private static readonly TimeSpan LongestWorthWaiting = TimeSpan.FromSeconds(20);

    public static bool IsRetryableStatus(HttpStatusCode status) => (int)status is 429 or 503 or 529;

    /// <summary>
    /// Sends with retries. Either a response to relay comes back, or the outcome of a request already answered,
    /// or — when <paramref name="nextRouteExists"/> and the upstream stayed unavailable — an
    /// <see cref="ForwardOutcome.Unavailable"/> outcome with nothing written, for the endpoint to try its next route.
    /// </summary>
    public static async Task<(HttpResponseMessage? Response, ForwardOutcome? Finished)> SendAsync(
        HttpContext http, GatewayContext gateway, ProviderSettings provider, Func<HttpRequestMessage> buildRequest, bool nextRouteExists)
    {
        // Waiting for the upstream's headers also ends when a stop's grace runs out (the endpoint then answers 529).
        var (response, failure) = await SendAsync(gateway.Upstreams.For(provider), buildRequest, provider, gateway.Settings, http.RequestAborted, gateway.GraceOver);
        if (nextRouteExists && failure?.NeverReachedUpstream == true) return (null, ForwardOutcome.UnavailableBecause(failure));
        if (nextRouteExists && response is not null && IsRetryableStatus(response.StatusCode))
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            return (null, ForwardOutcome.UnavailableBecause(ProxyFailure.Of(FailureStage.UpstreamStatus, status, $"{provider.Definition.DisplayName} answered HTTP {status}")));
        }
        if (failure is null) return (response, null);
        return (null, await FailureResponse.SendAsync(http, failure));
    }

    /// <returns>The response (headers read, body not yet), or the failure the client should see.</returns>
    /// <param name="graceOver">Ends the wait too, like the client leaving: a stop's grace has run out.</param>
    /// <exception cref="OperationCanceledException">The client went away, or <paramref name="graceOver"/> fired.</exception>
    public static async Task<(HttpResponseMessage? Response, ProxyFailure? Failure)> SendAsync(
        HttpClient client, Func<HttpRequestMessage> buildRequest, ProviderSettings provider, ProxySettings settings, CancellationToken clientAborted, CancellationToken graceOver = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = buildRequest();
            var (response, failure) = await SendOnceAsync(client, request, provider, settings.UpstreamHeadersTimeout, clientAborted, graceOver);
            var lastAttempt = attempt >= settings.UpstreamRetries;
            if (failure is not null)
            {
                if (lastAttempt || !failure.NeverReachedUpstream) return (null, failure);
                await WaitAsync(Backoff(attempt), clientAborted, graceOver);
                continue;
            }
            if (lastAttempt || !IsRetryableStatus(response!.StatusCode)) return (response, null);
            var wait = RetryAfter(response) ?? Backoff(attempt);
            if (wait > LongestWorthWaiting) return (response, null);
            response.Dispose();
            await WaitAsync(wait, clientAborted, graceOver);
        }
    }

    /// <summary>
    /// One attempt, within the headers timeout. One token source per attempt carries the deadline, the client and the
    /// stop's grace together: it is on every request's path.
    /// </summary>
    private static async Task<(HttpResponseMessage?, ProxyFailure?)> SendOnceAsync(
        HttpClient client, HttpRequestMessage request, ProviderSettings provider, TimeSpan headersTimeout, CancellationToken clientAborted, CancellationToken graceOver)
    {
        using var headersDeadline = CancellationTokenSource.CreateLinkedTokenSource(clientAborted, graceOver);
        headersDeadline.CancelAfter(headersTimeout);
        try
        {
            return (await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headersDeadline.Token), null);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !clientAborted.IsCancellationRequested && !graceOver.IsCancellationRequested)
        {
            return (null, UpstreamConnectFailures.Classify(e, provider, headersDeadline.IsCancellationRequested, headersTimeout));
        }
    }

    /// <summary>A retry's wait, which the client leaving or the stop's grace running out cuts short.</summary>
    private static async Task WaitAsync(TimeSpan wait, CancellationToken clientAborted, CancellationToken graceOver)
    {
        using var waitEnds = CancellationTokenSource.CreateLinkedTokenSource(clientAborted, graceOver);
        await Task.Delay(wait, waitEnds.Token);
    }

    /// <summary>0.5 s, 1 s, 2 s … (capped at 8 s), each ±50% so that clients retrying together spread out.</summary>
    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(8_000, 500 * Math.Pow(2, attempt)) * (0.5 + Random.Shared.NextDouble()));

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out var ms) && double.TryParse(ms.FirstOrDefault(), out var milliseconds))
            return TimeSpan.FromMilliseconds(Math.Max(0, milliseconds));
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta) return delta;
        if (retryAfter?.Date is { } date) return date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        return null;
    }
}
