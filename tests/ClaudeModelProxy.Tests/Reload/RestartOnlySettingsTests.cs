using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Hosting;
using ClaudeModelProxy.Status;
using ClaudeModelProxy.Tests.Service;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClaudeModelProxy.Tests.Reload;

/// <summary>A reload asks for a restart exactly for the settings the table says take effect only then.</summary>
public class RestartOnlySettingsTests
{
    /// <summary>For each restart-only setting: a changed file line, and what the running gateway must keep.</summary>
    private static readonly Dictionary<string, (string Line, Func<ProxySettings, object> Kept)> RestartOnly = new(StringComparer.Ordinal)
    {
        ["PORT"] = ("PORT=9911", s => s.Port),
        ["BIND_ADDRESS"] = ("BIND_ADDRESS=0.0.0.0\nPROXY_AUTH_TOKEN=secret", s => s.BindAddress),
        ["MAX_CONNECTIONS"] = ("MAX_CONNECTIONS=7", s => s.Limits.MaxConnections),
    };

    public static TheoryData<string> RestartOnlyNames => new(RestartOnly.Keys);

    private static async Task<(ProxySettings? Applied, SettingsReloadStatus? Status)> ReloadAsync(string fileText)
    {
        using var home = new TempHome();
        var file = new FileInfo(Path.Combine(home.Path, "proxy.env"));
        File.WriteAllText(file.FullName, "");
        var running = SettingsLoader.Load(new Dictionary<string, string?>());
        ProxySettings? applied = null;
        SettingsReloadStatus? status = null;
        await using var watcher = new SettingsWatcher(file, running, next => applied = next, next => status = next, NullLogger.Instance, TimeSpan.FromHours(1),
            values => SettingsLoader.Load(new Dictionary<string, string?>(), values));
        File.WriteAllText(file.FullName, fileText);
        watcher.Check();
        return (applied, status);
    }

    [Fact]
    public void TheTableMarksExactlyTheListenersSettingsRestartOnly()
    {
        SettingTable.All.Where(s => s.TakesEffect == SettingTakesEffect.OnRestart).Select(s => s.Name).Order(StringComparer.Ordinal)
            .ShouldBe(RestartOnly.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(RestartOnlyNames))]
    public async Task ChangingARestartOnlySettingAsksForARestartAndKeepsTheRunningValue(string name)
    {
        var (line, kept) = RestartOnly[name];
        var (applied, status) = await ReloadAsync(line + "\nUPSTREAM_RETRIES=5\n");
        status.ShouldNotBeNull().RestartNeeded.ShouldNotBeNull().ShouldContain(name);
        var running = SettingsLoader.Load(new Dictionary<string, string?>());
        kept(applied.ShouldNotBeNull()).ShouldBe(kept(running));
        applied.UpstreamRetries.ShouldBe(5, "the rest of the file still applies");
    }

    [Fact]
    public async Task ChangingAnyOtherSettingAppliesWithoutARestart()
    {
        var (applied, status) = await ReloadAsync("UPSTREAM_RETRIES=5\nSTREAM_PING_SECONDS=3\nBASE_URL=http://127.0.0.1:9000\n");
        status.ShouldNotBeNull().RestartNeeded.ShouldBeNull();
        applied.ShouldNotBeNull().UpstreamRetries.ShouldBe(5);
        applied.StreamPingInterval.ShouldBe(TimeSpan.FromSeconds(3));
    }
}
