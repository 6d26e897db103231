using System.Collections.Concurrent;
using System.Net;
using ClaudeModelProxy.Core.Configuration;

namespace ClaudeModelProxy.Gateway;

/// <summary>
/// One pooled HttpClient per provider. No overall timeout (long answers must not be cut); the
/// connect timeout is generous and the response-headers timeout is applied per request.
/// </summary>
public sealed class UpstreamClients : IDisposable
{
    private readonly Dictionary<string, HttpClient> clients;
    private readonly ConcurrentDictionary<(string BaseUrl, string Path), Uri> endpoints = new();

    public UpstreamClients(ProxySettings settings) =>
        clients = settings.Providers.ToDictionary(p => p.Id, _ => CreateClient(), StringComparer.OrdinalIgnoreCase);

    public HttpClient For(ProviderSettings provider) => clients[provider.Id];

    /// <summary>The provider's URL for a path, parsed once instead of on every request.</summary>
    public Uri Endpoint(ProviderSettings provider, string path) =>
        endpoints.GetOrAdd((provider.BaseUrl, path), static key => new Uri(key.BaseUrl + key.Path));

    private static HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(30),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        AutomaticDecompression = DecompressionMethods.None,
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = true,
        MaxResponseHeadersLength = 256,
        EnableMultipleHttp2Connections = true,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestVersion = HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact, // HTTP/1.1: a request body is sent whole before its buffer goes back to the pool
    };

    public void Dispose()
    {
        foreach (var client in clients.Values) client.Dispose();
    }
}
