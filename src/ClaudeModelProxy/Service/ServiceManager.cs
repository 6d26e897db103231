using ClaudeModelProxy.Hosting;

namespace ClaudeModelProxy.Service;

/// <summary>
/// <c>service install | uninstall | status</c>. Files are written under <see cref="ProxyPaths.Home"/>; the
/// service manager (launchctl, systemctl, schtasks) is only called through <paramref name="runner"/>, and only
/// when <paramref name="canRunCommands"/> (the files are for this OS). When a command fails, the rest are
/// printed for the user to run, and the exit code stays 0: the files are in place either way.
/// </summary>
public sealed class ServiceManager(ProxyPaths paths, SelfLauncher launcher, IExternalCommandRunner runner, bool canRunCommands, TextWriter output, TextWriter errors)
{
    private ServicePlatform Platform => paths.Platform;

    /// <summary>The layout as printed for the user (launchctl's domain written as <c>gui/$(id -u)</c>).</summary>
    public ServiceLayout PrintedLayout => ServiceLayout.For(paths, launcher, CommandQuoting.UidExpression);

    public async Task<int> InstallAsync(bool dryRun, CancellationToken cancellation)
    {
        var layout = PrintedLayout;
        if (Platform == ServicePlatform.Windows)
        {
            var task = ServiceFiles.WindowsTaskCommand(layout.CommandLine);
            if (task.Length > ServiceFiles.WindowsTaskCommandLimit)
                throw new UserFacingException($"the logon task's command is {task.Length} characters, over the {ServiceFiles.WindowsTaskCommandLimit} schtasks accepts: move claude-model-proxy (or your home folder) to a shorter path. The command: {task}");
        }
        var update = layout.ServiceFile is not null && File.Exists(layout.ServiceFile);
        var keepEnvFile = File.Exists(layout.EnvFile);

        if (dryRun)
        {
            output.WriteLine("Dry run: nothing is written or run.");
            if (layout.ServiceFile is not null)
            {
                output.WriteLine($"Would {(update ? "update" : "write")} the {layout.Kind} {layout.ServiceFile}:");
                output.WriteLine();
                output.Write(layout.ServiceFileContent);
                output.WriteLine();
            }
            else
            {
                output.WriteLine($"Would register the {layout.Kind} \"{ServiceFiles.WindowsTaskName}\", running: {ServiceFiles.WindowsTaskCommand(layout.CommandLine)}");
            }
            output.WriteLine(keepEnvFile
                ? $"Would keep {layout.EnvFile} as it is (it holds your settings and keys)."
                : $"Would create {layout.EnvFile} (mode 0600) from the settings template, for your API keys.");
            if (layout.LogDirectory is not null && !Directory.Exists(layout.LogDirectory)) output.WriteLine($"Would create the log folder {layout.LogDirectory}");
            output.WriteLine("Would run:");
            foreach (var command in Activation(layout, update)) output.WriteLine("  " + command.Display(Platform));
            PrintFollowUp(layout);
            return 0;
        }

        if (layout.ServiceFile is not null)
        {
            WriteAtomically(layout.ServiceFile, layout.ServiceFileContent!);
            output.WriteLine($"{(update ? "Updated" : "Wrote")} the {layout.Kind} {layout.ServiceFile}");
        }
        if (layout.LogDirectory is not null) Directory.CreateDirectory(layout.LogDirectory);
        if (CreateEnvFile(layout.EnvFile))
            output.WriteLine($"Created {layout.EnvFile} (mode 0600) from the settings template: put your API keys there, then restart the service (below).");
        else
            output.WriteLine($"Kept {layout.EnvFile} as it is (your settings and keys).");
        if (BackgroundGateway.Inspect(paths, launcher) is { IsOurs: true } background)
            errors.WriteLine($"warning: a gateway started with 'claude-model-proxy start' runs (pid {background.Pid}); stop it with 'claude-model-proxy stop' so the service can use the port.");

        await RunAllAsync(layout, update, cancellation);
        PrintFollowUp(layout);
        return 0;
    }

    public async Task<int> UninstallAsync(bool dryRun, CancellationToken cancellation)
    {
        var layout = PrintedLayout;
        var installed = layout.ServiceFile is null || File.Exists(layout.ServiceFile);
        if (dryRun)
        {
            output.WriteLine("Dry run: nothing is removed or run.");
            if (!installed)
            {
                output.WriteLine($"Nothing to remove: {layout.ServiceFile} does not exist.");
            }
            else
            {
                output.WriteLine("Would run:");
                foreach (var command in layout.Deactivate) output.WriteLine("  " + command.Display(Platform));
                if (layout.ServiceFile is not null) output.WriteLine($"Would remove the {layout.Kind} {layout.ServiceFile}");
                foreach (var command in layout.AfterRemoval) output.WriteLine("Would run: " + command.Display(Platform));
            }
            output.WriteLine($"Would keep {layout.EnvFile}: it holds your API keys (delete it yourself if you no longer need it).");
            return 0;
        }

        if (!installed)
        {
            output.WriteLine($"Not installed: {layout.ServiceFile} does not exist; nothing removed.");
        }
        else
        {
            var actual = await ActualLayoutAsync(cancellation);
            var deactivated = await RunCommandsAsync(actual.Deactivate, layout.Deactivate, cancellation);
            if (layout.ServiceFile is not null)
            {
                File.Delete(layout.ServiceFile);
                output.WriteLine($"Removed the {layout.Kind} {layout.ServiceFile}");
                if (layout.EnableLink is not null && IsLink(layout.EnableLink))
                {
                    File.Delete(layout.EnableLink);
                    output.WriteLine($"Removed the link {layout.EnableLink}");
                }
                if (layout.LogDirectory is not null && Directory.Exists(layout.LogDirectory) && !Directory.EnumerateFileSystemEntries(layout.LogDirectory).Any())
                    Directory.Delete(layout.LogDirectory);
                if (deactivated) await RunCommandsAsync(actual.AfterRemoval, layout.AfterRemoval, cancellation);
                else PrintToRun(layout.AfterRemoval);
            }
            else if (deactivated)
            {
                output.WriteLine($"Removed the {layout.Kind} \"{ServiceFiles.WindowsTaskName}\"");
            }
        }
        output.WriteLine($"Kept {layout.EnvFile}: it holds your API keys (delete it yourself if you no longer need it).");
        return 0;
    }

    public async Task<int> StatusAsync(FileInfo? envFile, CancellationToken cancellation)
    {
        var layout = PrintedLayout;
        bool? installed;
        if (layout.ServiceFile is not null)
        {
            installed = File.Exists(layout.ServiceFile);
            if (installed == true)
            {
                var current = await File.ReadAllTextAsync(layout.ServiceFile, cancellation);
                output.WriteLine(current == layout.ServiceFileContent
                    ? $"{layout.Kind}: installed at {layout.ServiceFile} (runs {layout.CommandLine[0]})"
                    : $"{layout.Kind}: installed at {layout.ServiceFile}, but it differs from what this executable writes ({layout.CommandLine[0]}); run 'claude-model-proxy service install' to update it");
            }
            else
            {
                output.WriteLine($"{layout.Kind}: not installed ({layout.ServiceFile} does not exist)");
            }
        }
        else if (canRunCommands && layout.Query is not null)
        {
            installed = (await runner.RunAsync(layout.Query, cancellation)).Succeeded;
            output.WriteLine(installed == true
                ? $"{layout.Kind}: \"{ServiceFiles.WindowsTaskName}\" is registered"
                : $"{layout.Kind}: \"{ServiceFiles.WindowsTaskName}\" is not registered");
        }
        else
        {
            installed = null;
            output.WriteLine($"{layout.Kind}: cannot be checked from this OS");
        }
        output.WriteLine(File.Exists(layout.EnvFile)
            ? $"Env file: {layout.EnvFile}"
            : $"Env file: {layout.EnvFile} (missing; 'claude-model-proxy service install' creates it)");

        var settingsFile = envFile ?? (File.Exists(layout.EnvFile) ? new FileInfo(layout.EnvFile) : null);
        var settings = SettingsSource.Load(settingsFile);
        var owner = await PortOwnerProbe.ProbeAsync(settings.Port, cancellation);
        output.WriteLine(owner switch
        {
            { Proxy: { } report } => $"Gateway: Claude Model Proxy {report.Version} answers on {settings.LocalUrl} (pid {report.Pid?.ToString() ?? "?"})",
            { Answered: true } => $"Gateway: port {settings.Port} answers, but not as Claude Model Proxy (another program uses it)",
            _ => $"Gateway: nothing answers on {settings.LocalUrl}",
        });
        output.WriteLine($"Logs: {layout.LogHint}");
        return installed == true && owner.IsProxy ? 0 : 1;
    }

    private static IReadOnlyList<ExternalCommand> Activation(ServiceLayout layout, bool update) =>
        update ? [.. layout.Activate, .. layout.ActivateAfterUpdate] : layout.Activate;

    private async Task RunAllAsync(ServiceLayout layout, bool update, CancellationToken cancellation)
    {
        var actual = await ActualLayoutAsync(cancellation);
        await RunCommandsAsync(Activation(actual, update), Activation(layout, update), cancellation);
    }

    /// <summary>The layout with launchctl's real user id, when commands will run.</summary>
    private async Task<ServiceLayout> ActualLayoutAsync(CancellationToken cancellation)
    {
        if (!canRunCommands || Platform != ServicePlatform.MacOS) return PrintedLayout;
        var id = await runner.RunAsync(new ExternalCommand("id", ["-u"]), cancellation);
        return id.Succeeded && int.TryParse(id.Output.Trim(), out var uid) ? ServiceLayout.For(paths, launcher, uid.ToString()) : PrintedLayout;
    }

    /// <summary>Runs the commands in order; on the first real failure warns and prints the rest. True when all ran.</summary>
    private async Task<bool> RunCommandsAsync(IReadOnlyList<ExternalCommand> commands, IReadOnlyList<ExternalCommand> printed, CancellationToken cancellation)
    {
        if (!canRunCommands)
        {
            PrintToRun(printed);
            return false;
        }
        for (var i = 0; i < commands.Count; i++)
        {
            var command = commands[i];
            var result = await runner.RunAsync(command, cancellation);
            for (var attempt = 2; attempt <= command.Attempts && !result.Succeeded; attempt++)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
                result = await runner.RunAsync(command, cancellation);
            }
            if (result.Succeeded || command.MayFail)
            {
                output.WriteLine("Ran: " + command.Display(Platform));
                continue;
            }
            var detail = result.Output.Length == 0 ? $"exit code {result.ExitCode}" : result.Output.ReplaceLineEndings(" ");
            errors.WriteLine($"warning: '{command.Display(Platform)}' failed: {detail}");
            if (Platform == ServicePlatform.Linux)
                errors.WriteLine("warning: systemctl --user needs a user session bus (log in normally, or run 'loginctl enable-linger $USER').");
            PrintToRun(printed.Skip(i).ToList());
            return false;
        }
        return true;
    }

    private void PrintToRun(IReadOnlyList<ExternalCommand> commands)
    {
        if (commands.Count == 0) return;
        output.WriteLine(canRunCommands ? "Run these yourself:" : $"Run these on {Platform.Name()}:");
        foreach (var command in commands) output.WriteLine("  " + command.Display(Platform));
    }

    private void PrintFollowUp(ServiceLayout layout)
    {
        output.WriteLine($"After editing {layout.EnvFile}, restart it with:");
        foreach (var command in layout.Restart) output.WriteLine("  " + command.Display(Platform));
        output.WriteLine($"Logs: {layout.LogHint}");
    }

    /// <summary>Creates the env file from the template with mode 0600; never replaces an existing one. True when created.</summary>
    public static bool CreateEnvFile(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var stream = new FileStream(path, options);
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false));
            writer.Write(EnvFileTemplate.Text.ReplaceLineEndings(OperatingSystem.IsWindows() ? "\r\n" : "\n"));
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
        // The umask can only remove bits; set the mode explicitly anyway.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return true;
    }

    private static void WriteAtomically(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, content, new System.Text.UTF8Encoding(false));
        File.Move(temporary, path, overwrite: true);
    }

    private static bool IsLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget is not null;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
