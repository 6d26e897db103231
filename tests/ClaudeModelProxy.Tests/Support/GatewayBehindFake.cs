namespace ClaudeModelProxy.Tests.Support;

/// <summary>
/// A test class's own gateway with every provider pointed at one fake upstream (answering a minimal message
/// unless a test sets another handler), started before each test and stopped after it.
/// </summary>
public abstract class GatewayBehindFake : IAsyncLifetime
{
    protected FakeUpstream upstream = null!;
    protected TestGateway gateway = null!;

    /// <summary>How the gateway starts; a class that needs other settings or limits starts it its own way.</summary>
    protected virtual Task<TestGateway> StartGatewayAsync(FakeUpstream fake) => TestGateway.StartAsync(TestGateway.AllProvidersAt(fake));

    public async Task InitializeAsync()
    {
        upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json("""{"type":"message","model":"glm-5.1","content":[]}""");
        gateway = await StartGatewayAsync(upstream);
    }

    public async Task DisposeAsync()
    {
        await gateway.DisposeAsync();
        await upstream.DisposeAsync();
    }
}
