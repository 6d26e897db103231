using ClaudeModelProxy.Core.Configuration;

namespace ClaudeModelProxy.Gateway;

/// <summary>Sends one upstream request and waits for its headers, within the headers timeout.</summary>
public static class UpstreamSender
{
    /// <returns>The response (headers read, body not yet), or the failure the client should see.</returns>
    /// <exception cref="OperationCanceledException">The client went away.</exception>
    public static async Task<(HttpResponseMessage? Response, UpstreamFailure? Failure)> SendAsync(
        HttpClient client, HttpRequestMessage request, ProviderSettings provider, TimeSpan headersTimeout, CancellationToken clientAborted)
    {
        using var headersDeadline = CancellationTokenSource.CreateLinkedTokenSource(clientAborted);
        headersDeadline.CancelAfter(headersTimeout);
        try
        {
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headersDeadline.Token);
            return (response, null);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !clientAborted.IsCancellationRequested)
        {
            return (null, UpstreamFailure.Classify(e, provider, headersDeadline.IsCancellationRequested, headersTimeout));
        }
    }
}
