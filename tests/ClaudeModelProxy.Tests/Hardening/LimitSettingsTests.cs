using ClaudeModelProxy.Core.Configuration;

namespace ClaudeModelProxy.Tests.Hardening;

public class LimitSettingsTests
{
    [Fact]
    public void TheLimitSettingsDefaultToTheDocumentedNumbers()
    {
        var limits = SettingsLoader.Load(new Dictionary<string, string?>()).Limits;
        limits.MaxConnections.ShouldBe(512);
        limits.MaxUpstreamRequestsPerProvider.ShouldBe(64);
        limits.ShutdownGrace.ShouldBe(TimeSpan.FromSeconds(30));
        GatewayLimits.MaxUpstreamReplyBytes.ShouldBe(16 * 1024 * 1024);
    }

    [Fact]
    public void TheLimitSettingsAreReadFromTheEnvironmentAndAdvancedEnv()
    {
        var settings = SettingsLoader.Load(new Dictionary<string, string?>
        {
            ["MAX_CONNECTIONS"] = "100",
            ["ADVANCED_ENV"] = """{"MAX_UPSTREAM_REQUESTS_PER_PROVIDER":"8","SHUTDOWN_GRACE_SECONDS":"2.5"}""",
        });
        settings.Problems.ShouldBeEmpty();
        settings.Limits.MaxConnections.ShouldBe(100);
        settings.Limits.MaxUpstreamRequestsPerProvider.ShouldBe(8);
        settings.Limits.ShutdownGrace.ShouldBe(TimeSpan.FromSeconds(2.5));
    }

    [Theory]
    [InlineData("MAX_CONNECTIONS", "0")]
    [InlineData("MAX_CONNECTIONS", "many")]
    [InlineData("MAX_UPSTREAM_REQUESTS_PER_PROVIDER", "-1")]
    [InlineData("SHUTDOWN_GRACE_SECONDS", "0")]
    public void ABadLimitKeepsTheDefaultAndIsReportedAsAProblem(string name, string value)
    {
        var settings = SettingsLoader.Load(new Dictionary<string, string?> { [name] = value });
        settings.Limits.ShouldBe(new GatewayLimits());
        settings.Problems.ShouldContain(p => p.Setting == name);
    }
}
