using System.Text.Json;
using ClaudeModelProxy.Status;

namespace ClaudeModelProxy.Hosting;

/// <summary>Who answers on a port: another copy of this proxy (its status), something else, or nobody.</summary>
public sealed record PortOwner(bool Answered, StatusReport? Proxy)
{
    public bool IsProxy => Proxy is not null;
}

/// <summary>Asks 127.0.0.1:PORT/healthz with a short timeout to find out who holds the port.</summary>
public static class PortOwnerProbe
{
    // No pooled connections: each probe asks whoever owns the port now (during a restart's handover that changes).
    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(1) })
    {
        Timeout = TimeSpan.FromSeconds(2),
    };

    public static async Task<PortOwner> ProbeAsync(int port, CancellationToken cancellation)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/healthz") { Headers = { ConnectionClose = true } };
            using var response = await Client.SendAsync(request, cancellation);
            var body = await response.Content.ReadAsByteArrayAsync(cancellation);
            try
            {
                var report = JsonSerializer.Deserialize(body, StatusJsonContext.Default.StatusReport);
                if (response.IsSuccessStatusCode && report?.Service == ProxyVersion.ServiceName) return new PortOwner(true, report);
            }
            catch (JsonException)
            {
            }
            return new PortOwner(true, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // Connection refused or no HTTP answer in time: either nobody, or a program that does not speak HTTP.
            return new PortOwner(false, null);
        }
    }
}
