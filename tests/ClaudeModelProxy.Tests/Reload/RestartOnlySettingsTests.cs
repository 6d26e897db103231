using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Hosting;
using ClaudeModelProxy.Status;
using ClaudeModelProxy.Tests.Service;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClaudeModelProxy.Tests.Reload;

/// <summary>A reload asks for a restart exactly for the settings the table says take effect only then.</summary>
public class RestartOnlySettingsTests
{
    /// <summary>For each restart-only setting: a changed file line (what the gateway keeps comes from the table's row).</summary>
    private static readonly Dictionary<string, string> RestartOnly = new(StringComparer.Ordinal)
    {
        ["PORT"] = "PORT=9911",
        ["BIND_ADDRESS"] = "BIND_ADDRESS=0.0.0.0\nPROXY_AUTH_TOKEN=secret",
        ["MAX_CONNECTIONS"] = "MAX_CONNECTIONS=7",
    };

    public static TheoryData<string> RestartOnlyNames => new(RestartOnly.Keys);

    public static TheoryData<string> LiveNames => new(SettingTable.All.Where(s => s.TakesEffect == SettingTakesEffect.OnReload).Select(s => s.Name));

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
        var row = SettingTable.All.Single(s => s.Name == name);
        var (applied, status) = await ReloadAsync(RestartOnly[name] + "\nUPSTREAM_RETRIES=5\n");
        status.ShouldNotBeNull().RestartNeeded.ShouldNotBeNull().ShouldContain(name);
        var running = SettingsLoader.Load(new Dictionary<string, string?>());
        row.ValueIn(applied.ShouldNotBeNull().Values).ShouldBe(row.ValueIn(running.Values).ShouldNotBeNull("a restart-only row is one plain value"));
        applied.UpstreamRetries.ShouldBe(5, "the rest of the file still applies");
    }

    [Theory]
    [MemberData(nameof(LiveNames))]
    public async Task ChangingAnyOtherSettingAppliesWithoutARestart(string name)
    {
        // Any value will do: a valid one applies, an invalid one is reported; neither may ask for a restart.
        var (applied, status) = await ReloadAsync($"{name}=3\n" + (name == "UPSTREAM_RETRIES" ? "" : "UPSTREAM_RETRIES=5\n"));
        status.ShouldNotBeNull().RestartNeeded.ShouldBeNull();
        applied.ShouldNotBeNull().UpstreamRetries.ShouldBe(name == "UPSTREAM_RETRIES" ? 3 : 5, "the file was applied");
    }

    [Fact]
    public async Task TheGatewayUrlStaysWithTheRunningPort()
    {
        SettingTable.BaseUrl.Follows.ShouldBe(SettingTable.Port);
        var (applied, _) = await ReloadAsync("PORT=9911\n");
        applied.ShouldNotBeNull().BaseUrl.ShouldBe(SettingTable.LocalUrl(SettingTable.Port.Default));
    }

    [Fact]
    public async Task TwoRestartOnlySettingsChangedAtOnceAreBothKept()
    {
        var (applied, status) = await ReloadAsync("PORT=9911\nMAX_CONNECTIONS=7\n");
        status.ShouldNotBeNull().RestartNeeded.ShouldNotBeNull().ShouldContain("PORT");
        applied.ShouldNotBeNull().Port.ShouldBe(SettingTable.Port.Default);
        applied.Limits.MaxConnections.ShouldBe(SettingTable.MaxConnections.Default, "it was applied live when PORT changed too");
    }
}
