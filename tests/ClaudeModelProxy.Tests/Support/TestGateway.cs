using System.Net.Http.Headers;
using System.Text;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Providers;
using ClaudeModelProxy.Gateway;

namespace ClaudeModelProxy.Tests.Support;

/// <summary>The real gateway on a loopback port, configured from a dictionary instead of the process environment.</summary>
public sealed class TestGateway : IAsyncDisposable
{
    private TestGateway(GatewayServer server, ProxySettings settings)
    {
        Server = server;
        Settings = settings;
        Client = new HttpClient { BaseAddress = new Uri(settings.LocalUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public GatewayServer Server { get; }

    public ProxySettings Settings { get; }

    public HttpClient Client { get; }

    public string Url => Settings.LocalUrl;

    /// <param name="adjust">Changes the loaded settings, e.g. shorter limits than the settings can express.</param>
    /// <param name="catalog">The providers the gateway knows (<see cref="ProviderCatalog.All"/> by default; a test may add its own).</param>
    public static async Task<TestGateway> StartAsync(IDictionary<string, string?> environment, int? port = null, Func<ProxySettings, ProxySettings>? adjust = null, ProviderCatalog? catalog = null)
    {
        var env = new Dictionary<string, string?>(environment) { ["PORT"] = (port ?? FreePort.Next()).ToString() };
        var settings = SettingsLoader.Load(env, catalog: catalog);
        if (adjust is not null) settings = adjust(settings);
        var server = GatewayServer.Create(settings);
        await server.StartAsync(CancellationToken.None);
        return new TestGateway(server, settings);
    }

    /// <summary>All eight providers pointed at one fake upstream, each with its own key.</summary>
    public static Dictionary<string, string?> AllProvidersAt(FakeUpstream upstream, string basePath = "")
    {
        var env = new Dictionary<string, string?>();
        foreach (var provider in ProviderCatalog.All)
        {
            env[provider.BaseUrlVariable] = upstream.BaseUrl + basePath + "/" + provider.Id;
            env[provider.KeyVariable] = KeyOf(provider.Id);
        }
        return env;
    }

    public static string KeyOf(string providerId) => $"sk-test-{providerId}-secret-123456";

    public static HttpRequestMessage MessagesRequest(string body, string path = "/v1/messages?beta=true")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("x-api-key", "client-placeholder-key");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "client-bearer-placeholder");
        request.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
        request.Headers.TryAddWithoutValidation("anthropic-beta", "claude-code-20250219,interleaved-thinking-2025-05-14");
        request.Headers.TryAddWithoutValidation("Cookie", "session=abc");
        return request;
    }

    private bool disposed;

    public async ValueTask DisposeAsync()
    {
        if (disposed) return;
        disposed = true;
        Client.Dispose();
        await Server.StopAsync(CancellationToken.None);
        await Server.DisposeAsync();
    }
}
