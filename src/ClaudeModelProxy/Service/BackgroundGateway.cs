using System.Diagnostics;
using System.Globalization;
using System.Text;
using ClaudeModelProxy.Gateway;
using ClaudeModelProxy.Hosting;

namespace ClaudeModelProxy.Service;

/// <summary>What the pid file of <c>start</c> says, and what became of that process.</summary>
/// <param name="IsAlive">The process still runs.</param>
/// <param name="IsOurs">It runs and it is the gateway <c>start</c> launched (same program, same start time), not a later process that got the pid.</param>
/// <param name="EnvFile">The --env-file it was started with, for restart.</param>
public sealed record BackgroundInstance(int Pid, string PidFile, string? Url, string LogPath, bool IsAlive, bool IsOurs, string? ProgramName, string? EnvFile = null);

/// <summary>
/// <c>start</c>, <c>stop</c> and <c>restart</c>: the gateway (<c>serve</c>) as a detached background process
/// whose output goes to a log file, tracked by a pid file in the per-user state folder.
/// </summary>
public sealed class BackgroundGateway(ProxyPaths paths, SelfLauncher launcher, TextWriter output, TextWriter errors)
{
    private const long LogRotationBytes = 10 * 1024 * 1024;

    public static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Waited beyond the gateway's own SHUTDOWN_GRACE_SECONDS before killing it.</summary>
    private static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(10);

    /// <summary>Reads the pid file; null when there is none (or it is unreadable).</summary>
    public static BackgroundInstance? Inspect(ProxyPaths paths, SelfLauncher launcher)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(paths.PidFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var values = lines.Skip(1).Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        if (lines.Length == 0 || !int.TryParse(lines[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            return new BackgroundInstance(0, paths.PidFile, null, paths.GatewayLog, false, false, null);
        var alive = ProcessInspector.IsAlive(pid);
        var program = alive ? ProcessInspector.ProgramName(pid) : null;
        var ours = alive && IsOurProgram(program, launcher)
            && (!values.TryGetValue("start", out var recorded) || ProcessInspector.StartMark(pid) is not { } mark || ProcessInspector.SameStart(recorded, mark));
        return new BackgroundInstance(pid, paths.PidFile, values.GetValueOrDefault("url"), values.GetValueOrDefault("log") ?? paths.GatewayLog, alive, ours, program, values.GetValueOrDefault("env-file"));
    }

    /// <summary>The instance this pid file names, if any.</summary>
    public BackgroundInstance? Current() => Inspect(paths, launcher);

    public async Task<int> StartAsync(FileInfo? envFile, TimeSpan timeout, CancellationToken cancellation)
    {
        var settings = SettingsSource.Load(envFile);
        SettingsSource.ReportProblems(settings, errors);

        if (Inspect(paths, launcher) is { } existing)
        {
            if (existing.IsOurs)
            {
                output.WriteLine($"Already running in the background: pid {existing.Pid}, {existing.Url ?? settings.LocalUrl}, log {existing.LogPath}");
                return 0;
            }
            RemovePidFile();
            errors.WriteLine($"note: removed a stale pid file ({Describe(existing)}).");
        }

        var owner = await PortOwnerProbe.ProbeAsync(settings.Port, cancellation);
        if (owner.Proxy is { } other)
        {
            output.WriteLine($"Claude Model Proxy {other.Version} already answers on {settings.LocalUrl} (pid {other.Pid?.ToString(CultureInfo.InvariantCulture) ?? "?"}), " +
                "started another way (login service, Claude Desktop extension or 'serve'); nothing started.");
            return 0;
        }
        if (owner.Answered)
            throw new UserFacingException($"port {settings.Port} is used by another program, not Claude Model Proxy. Stop that program or set PORT to a free port.");

        await SpawnAndWaitAsync(settings, envFile, timeout, takeOverPort: false, cancellation);
        return 0;
    }

    /// <summary>
    /// restart: where the OS lets two processes share the port (Linux), the new gateway starts next to
    /// the old one, and only once it answers is the old one stopped (it drains its requests and
    /// streams), so clients never see "connection refused". Elsewhere: stop, then start.
    /// </summary>
    public async Task<int> RestartAsync(FileInfo? envFile, TimeSpan timeout, CancellationToken cancellation)
    {
        if (!ListenSocket.CanHandOver || Inspect(paths, launcher) is not { IsOurs: true } old)
        {
            await StopAsync(envFile, cancellation, quietWhenNotRunning: true);
            return await StartAsync(envFile, timeout, cancellation);
        }
        var settings = SettingsSource.Load(envFile);
        SettingsSource.ReportProblems(settings, errors);
        try
        {
            await SpawnAndWaitAsync(settings, envFile, timeout, takeOverPort: true, cancellation);
        }
        catch (UserFacingException e) when (!cancellation.IsCancellationRequested)
        {
            // A gateway from before the handover (its socket lacks SO_REUSEPORT: the first restart after an upgrade) cannot share its port.
            errors.WriteLine($"warning: the new gateway could not join the running one's port ({e.Message}); stopping the old one first instead.");
            await StopAsync(envFile, cancellation, quietWhenNotRunning: true);
            return await StartAsync(envFile, timeout, cancellation);
        }
        // The new gateway answers; the old one stops accepting and drains (the pid file already names the new one).
        await ProcessInspector.RequestStopAsync(old.Pid, cancellation);
        var stopGrace = SettingsSource.Load(old.EnvFile is { } used ? new FileInfo(used) : null).Limits.ShutdownGrace + StopGracePeriod;
        if (!await ProcessInspector.WaitForExitAsync(old.Pid, stopGrace, cancellation))
        {
            errors.WriteLine($"warning: the old gateway (pid {old.Pid}) did not stop within {stopGrace.TotalSeconds:0} s; killing it.");
            ProcessInspector.Kill(old.Pid);
        }
        output.WriteLine($"Handed the port over without a gap; the old gateway (pid {old.Pid}) finished its requests and stopped.");
        return 0;
    }

    /// <summary>Runs <c>serve</c> in the background and waits until it answers, then writes the pid file.</summary>
    private async Task SpawnAndWaitAsync(Core.Configuration.ProxySettings settings, FileInfo? envFile, TimeSpan timeout, bool takeOverPort, CancellationToken cancellation)
    {
        Directory.CreateDirectory(paths.StateDirectory);
        Directory.CreateDirectory(paths.LogDirectory);
        var log = paths.GatewayLog;
        RotateLog(log);
        var arguments = new List<string> { "serve" };
        if (envFile is not null) arguments.AddRange(["--env-file", envFile.FullName]);
        if (takeOverPort) arguments.Add("--take-over-port");
        var commandLine = launcher.CommandLine([.. arguments]);
        File.AppendAllText(log, $"--- {DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss zzz} claude-model-proxy {(takeOverPort ? "restart" : "start")}: {CommandQuoting.Join(commandLine, CommandQuoting.Posix)}{Environment.NewLine}");
        var logStart = new FileInfo(log).Length;

        using var child = Spawn(commandLine, log);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (child.HasExited)
                throw new UserFacingException(
                    $"the gateway exited (code {child.ExitCode}) before answering on {settings.LocalUrl}; see the log {log}{LogTail(log, logStart)}");
            // While two gateways share the port, the kernel spreads new connections over both: probe until the new one answers.
            var probe = await PortOwnerProbe.ProbeAsync(settings.Port, cancellation);
            if (probe.Proxy is { Pid: { } pid } && IsTheChild(pid, child))
            {
                WritePidFile(pid, settings.LocalUrl, log, envFile?.FullName);
                output.WriteLine($"Started in the background: pid {pid}, {settings.LocalUrl}, log {log}");
                output.WriteLine("Stop it with 'claude-model-proxy stop'.");
                return;
            }
            if (DateTime.UtcNow >= deadline)
            {
                try { child.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                throw new UserFacingException(
                    $"the gateway did not answer on {settings.LocalUrl}/healthz within {timeout.TotalSeconds:0} s and was stopped; see the log {log}{LogTail(log, logStart)}");
            }
            await Task.Delay(takeOverPort ? 20 : 200, cancellation);
        }
    }

    /// <param name="quietWhenNotRunning">For restart: say nothing when there is nothing to stop.</param>
    public async Task<int> StopAsync(FileInfo? envFile, CancellationToken cancellation, bool quietWhenNotRunning = false)
    {
        var instance = Inspect(paths, launcher);
        if (instance is null)
        {
            if (quietWhenNotRunning) return 0;
            var settings = SettingsSource.Load(envFile);
            var owner = await PortOwnerProbe.ProbeAsync(settings.Port, cancellation);
            output.WriteLine(owner.Proxy is { } other
                ? $"No gateway started with 'claude-model-proxy start' (no pid file {paths.PidFile}). The gateway on {settings.LocalUrl} (pid {other.Pid?.ToString(CultureInfo.InvariantCulture) ?? "?"}) was started another way: stop it there (login service, Claude Desktop extension or 'serve')."
                : $"Not running (no pid file {paths.PidFile}).");
            return 0;
        }
        if (!instance.IsOurs)
        {
            RemovePidFile();
            output.WriteLine($"Not running: removed the stale pid file ({Describe(instance)}).");
            return 0;
        }

        await ProcessInspector.RequestStopAsync(instance.Pid, cancellation);
        // The gateway drains for up to SHUTDOWN_GRACE_SECONDS, then ends what is left on its own.
        var stopGrace = SettingsSource.Load(envFile ?? (instance.EnvFile is { } used ? new FileInfo(used) : null)).Limits.ShutdownGrace + StopGracePeriod;
        if (!await ProcessInspector.WaitForExitAsync(instance.Pid, stopGrace, cancellation))
        {
            errors.WriteLine($"warning: pid {instance.Pid} did not stop within {stopGrace.TotalSeconds:0} s; killing it.");
            ProcessInspector.Kill(instance.Pid);
            if (!await ProcessInspector.WaitForExitAsync(instance.Pid, TimeSpan.FromSeconds(5), cancellation))
                throw new UserFacingException($"cannot stop pid {instance.Pid}; the pid file {paths.PidFile} is kept.");
        }
        RemovePidFile();
        output.WriteLine($"Stopped the background gateway (pid {instance.Pid}). Log: {instance.LogPath}");
        return 0;
    }

    /// <summary>Lines for the <c>status</c> command about the instance <c>start</c> launched, if any.</summary>
    public static IReadOnlyList<string> StatusLines(ProxyPaths paths, SelfLauncher launcher, int? answeringPid)
    {
        if (Inspect(paths, launcher) is not { } instance) return [];
        if (!instance.IsOurs)
            return [$"Background instance: none running; the pid file is stale ({Describe(instance)}); 'claude-model-proxy stop' removes it. Last log: {instance.LogPath}"];
        var line = $"Background instance (claude-model-proxy start): pid {instance.Pid}, {instance.Url ?? "?"}, log {instance.LogPath}";
        if (answeringPid is { } pid && pid != instance.Pid) line += $" (the port is answered by pid {pid})";
        return [line];
    }

    private static bool IsOurProgram(string? program, SelfLauncher launcher)
    {
        if (program is null) return false;
        var expected = Path.GetFileName(launcher.FileName);
        var comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        if (string.Equals(program, expected, comparison) || string.Equals(program, Path.GetFileNameWithoutExtension(expected), comparison)) return true;
        // Linux truncates a process's command name to 15 characters when the executable cannot be read.
        return program.Length == 15 && expected.StartsWith(program, comparison);
    }

    private static string Describe(BackgroundInstance instance) =>
        instance.Pid <= 0 ? $"{instance.PidFile} holds no process id"
        : !instance.IsAlive ? $"pid {instance.Pid} is no longer running"
        : $"pid {instance.Pid} now belongs to another program ({instance.ProgramName ?? "unknown"}), which was left alone";

    private bool IsTheChild(int pid, Process child) =>
        pid == child.Id
        // On Windows the gateway runs under cmd.exe, which writes its output to the log.
        || (OperatingSystem.IsWindows() && IsOurProgram(ProcessInspector.ProgramName(pid), launcher));

    /// <summary>Runs the gateway detached from this console, stdin from nowhere, stdout and stderr appended to the log.</summary>
    private static Process Spawn(IReadOnlyList<string> commandLine, string log)
    {
        ProcessStartInfo info;
        if (OperatingSystem.IsWindows())
        {
            var command = CommandQuoting.Join(commandLine, a => CommandQuoting.Windows(a, forceQuotes: true));
            info = new ProcessStartInfo(Environment.GetEnvironmentVariable("ComSpec") ?? "cmd.exe")
            {
                Arguments = $"/d /s /c \"{command} <NUL >> \"{log}\" 2>&1\"",
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
        }
        else
        {
            // exec keeps the pid; SIGHUP stays ignored across exec, so closing the terminal does not end it.
            info = new ProcessStartInfo("/bin/sh");
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("log=$1; shift; trap '' HUP; exec \"$@\" </dev/null >>\"$log\" 2>&1");
            info.ArgumentList.Add("claude-model-proxy-start");
            info.ArgumentList.Add(log);
            foreach (var argument in commandLine) info.ArgumentList.Add(argument);
        }
        info.UseShellExecute = false;
        info.CreateNoWindow = true;
        info.WorkingDirectory = Path.GetDirectoryName(log)!;
        var process = Process.Start(info) ?? throw new UserFacingException("cannot start the gateway process");
        if (OperatingSystem.IsWindows())
        {
            process.StandardInput.Close();
            process.StandardOutput.Close();
            process.StandardError.Close();
        }
        return process;
    }

    private void WritePidFile(int pid, string url, string log, string? envFile)
    {
        var text = new StringBuilder().Append(pid.ToString(CultureInfo.InvariantCulture)).Append('\n');
        if (ProcessInspector.StartMark(pid) is { } mark) text.Append("start=").Append(mark).Append('\n');
        text.Append("url=").Append(url).Append('\n');
        text.Append("log=").Append(log).Append('\n');
        if (envFile is not null) text.Append("env-file=").Append(envFile).Append('\n');
        var temporary = paths.PidFile + ".tmp";
        File.WriteAllText(temporary, text.ToString());
        File.Move(temporary, paths.PidFile, overwrite: true);
    }

    private void RemovePidFile()
    {
        try
        {
            File.Delete(paths.PidFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"cannot remove the pid file {paths.PidFile}: {e.Message}");
        }
    }

    private static void RotateLog(string log)
    {
        try
        {
            if (File.Exists(log) && new FileInfo(log).Length > LogRotationBytes) File.Move(log, log + ".1", overwrite: true);
        }
        catch (IOException)
        {
            // A log that cannot be rotated keeps growing; not a reason to refuse to start.
        }
    }

    /// <summary>The last lines the gateway wrote, to show with a start failure.</summary>
    private static string LogTail(string log, long from)
    {
        try
        {
            using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Max(from, stream.Length - 4000), SeekOrigin.Begin);
            var lines = new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return lines.Length == 0 ? "" : Environment.NewLine + string.Join(Environment.NewLine, lines.TakeLast(10).Select(l => "  | " + l));
        }
        catch (IOException)
        {
            return "";
        }
    }
}
