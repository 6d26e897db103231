using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Status;
using Microsoft.Extensions.Logging;

namespace ClaudeModelProxy.Hosting;

/// <summary>
/// Watches the --env-file and applies a change within a second: the file is polled every
/// <see cref="DefaultInterval"/> (its size and time; the text decides), parsed and validated, and the
/// whole new settings object is handed to <c>apply</c> at once. A file that cannot be read or has a
/// malformed line keeps the previous settings; the settings <see cref="SettingTable"/> marks
/// <see cref="SettingTakesEffect.OnRestart"/> (PORT, BIND_ADDRESS, MAX_CONNECTIONS) belong to the listener,
/// so a change to them is reported as "restart needed" and the rest of the file still applies. Nothing
/// here runs on the request path.
/// </summary>
public sealed class SettingsWatcher : IAsyncDisposable
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(500);

    private readonly FileInfo file;
    private readonly ProxySettings listening;
    private readonly Action<ProxySettings> apply;
    private readonly Action<SettingsReloadStatus> report;
    private readonly ILogger logger;
    private readonly Func<IReadOnlyDictionary<string, string>, ProxySettings> load;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;
    private (bool Exists, DateTime Written, long Length) stamp;
    private (bool Exists, DateTime Written, long Length) settling;
    private string? lastText;
    private DateTimeOffset lastApplied = DateTimeOffset.UtcNow;

    /// <param name="running">The settings the gateway started with (its listener).</param>
    /// <param name="load">Turns the file's values into settings; the real environment still wins over them unless a test says otherwise.</param>
    public SettingsWatcher(
        FileInfo file, ProxySettings running, Action<ProxySettings> apply, Action<SettingsReloadStatus> report, ILogger logger, TimeSpan? interval = null,
        Func<IReadOnlyDictionary<string, string>, ProxySettings>? load = null)
    {
        this.load = load ?? (values => SettingsLoader.FromProcess(values));
        this.file = file;
        listening = running;
        this.apply = apply;
        this.report = report;
        this.logger = logger;
        stamp = Stamp();
        lastText = ReadOrNull();
        report(new SettingsReloadStatus(file.FullName, lastApplied, null, null));
        loop = PollAsync(interval ?? DefaultInterval, stopping.Token);
    }

    private async Task PollAsync(TimeSpan interval, CancellationToken cancellation)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellation))
            {
                // Applied only once the file has stopped changing for one interval: an editor that truncates and
                // then writes must not get its half-written file applied.
                var now = Stamp();
                if (now == stamp) continue;
                if (now != settling)
                {
                    settling = now;
                    continue;
                }
                stamp = now;
                Check();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Reads the file and applies it if its text changed. Public for tests and a future 'reload' command.</summary>
    public void Check()
    {
        string text;
        try
        {
            text = File.ReadAllText(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Reject($"cannot read {file.FullName} ({e.Message}); the previous settings stay in effect");
            lastText = null;
            return;
        }
        if (text == lastText) return;
        lastText = text;

        var (values, fileProblems) = EnvFileParser.Parse(text, file.FullName);
        if (fileProblems.Count > 0)
        {
            Reject($"{file.FullName} was not applied, the previous settings stay in effect: {string.Join("; ", fileProblems.Select(p => p.Message))}");
            return;
        }
        var next = load(values);
        string? restart = null;
        foreach (var setting in SettingTable.All)
        {
            if (setting.TakesEffect != SettingTakesEffect.OnRestart) continue;
            var (was, now) = (setting.ValueIn(listening.Values), setting.ValueIn(next.Values));
            if (Equals(was, now)) continue;
            var what = $"{setting.Name} changed from {was} to {now} in {file.FullName}";
            restart ??= setting.MovesTheListener
                ? $"{what}: restart the gateway to listen there ('claude-model-proxy restart', or restart the login service); it keeps listening on {listening.BindAddress}:{listening.Port}, and the other settings were applied"
                : $"{what}: restart the gateway to apply it ('claude-model-proxy restart', or restart the login service); the other settings were applied";
            next = next with { Values = KeepRunning(setting, next.Values) };
        }
        if (!next.IsLoopbackOnly && next.ProxyAuthToken is null)
        {
            Reject($"{file.FullName} was not applied: the gateway listens on {next.BindAddress}, which needs PROXY_AUTH_TOKEN; the previous settings stay in effect");
            return;
        }
        apply(next);
        lastApplied = DateTimeOffset.UtcNow;
        report(new SettingsReloadStatus(file.FullName, lastApplied, null, restart));
        logger.LogInformation("Settings reloaded from {File}: {Aliases} models, providers with keys: {Providers}", file.FullName, next.ModelMap.Count,
            string.Join(", ", next.Providers.Where(p => p.HasApiKey).Select(p => p.Id)) is { Length: > 0 } ids ? ids : "none");
        foreach (var problem in next.Problems) logger.LogWarning("configuration: {Problem}", problem);
        if (restart is not null) logger.LogWarning("Restart needed: {Reason}", restart);
    }

    /// <summary>The reloaded values with the running value of <paramref name="setting"/>, and of the rows whose default follows it (BASE_URL follows PORT).</summary>
    private SettingValues KeepRunning(Setting setting, SettingValues reloaded) =>
        SettingTable.All.Where(row => row == setting || row.Follows == setting).Aggregate(reloaded, (values, row) => row.CopyValue(listening.Values, values));

    private void Reject(string reason)
    {
        logger.LogWarning("Settings not reloaded: {Reason}", reason);
        report(new SettingsReloadStatus(file.FullName, lastApplied, reason, null));
    }

    private (bool, DateTime, long) Stamp()
    {
        file.Refresh();
        return file.Exists ? (true, file.LastWriteTimeUtc, file.Length) : (false, default, 0);
    }

    private string? ReadOrNull()
    {
        try
        {
            return File.ReadAllText(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await loop;
        stopping.Dispose();
    }
}
