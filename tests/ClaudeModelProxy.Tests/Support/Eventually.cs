namespace ClaudeModelProxy.Tests.Support;

public static class Eventually
{
    /// <summary>Polls until the condition holds, or fails with the message after the timeout.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string because)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        throw new ShouldAssertException($"Timed out after {timeout.TotalSeconds} s waiting until {because}");
    }

    /// <summary>
    /// The gateway on <paramref name="port"/> still serves <c>/healthz</c>: polled for up to 15 s, because one 1-second
    /// try fails whenever a loaded 2-core machine stalls the test process for a second (it did on a CI run).
    /// </summary>
    public static Task ServesAsync(int port) => TrueAsync(() => PortAnswersAsync(port), TimeSpan.FromSeconds(15), $"the gateway on port {port} answers /healthz");

    public static async Task<bool> PortAnswersAsync(int port)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        try
        {
            using var response = await client.GetAsync($"http://127.0.0.1:{port}/healthz");
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
