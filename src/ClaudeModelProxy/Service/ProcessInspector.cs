using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace ClaudeModelProxy.Service;

/// <summary>Looks at other processes by id: alive or not, which program, when started; ends them.</summary>
public static class ProcessInspector
{
    /// <summary>True while the process runs (on Linux a zombie nobody has reaped yet counts as gone).</summary>
    public static bool IsAlive(int pid)
    {
        if (pid <= 0) return false;
        if (OperatingSystem.IsLinux())
        {
            var stat = LinuxStat(pid);
            return stat is not null && stat.Value.State is not ('Z' or 'X' or 'x');
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception)
        {
            return false;
        }
    }

    /// <summary>The file name of the program the process runs, or null when it cannot be read.</summary>
    public static string? ProgramName(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                if (new FileInfo($"/proc/{pid}/exe").LinkTarget is { } target)
                    return Path.GetFileName(target.EndsWith(" (deleted)", StringComparison.Ordinal) ? target[..^" (deleted)".Length] : target);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
            return LinuxStat(pid)?.Command;
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            try
            {
                if (process.MainModule?.FileName is { } path) return Path.GetFileName(path);
            }
            catch (Exception e) when (e is Win32Exception or InvalidOperationException or NotSupportedException)
            {
            }
            return process.ProcessName;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception)
        {
            return null;
        }
    }

    /// <summary>
    /// A stable mark of when the process started, to tell it from a later process that got the same id:
    /// the start time in clock ticks on Linux, the start time (UTC) elsewhere.
    /// </summary>
    public static string? StartMark(int pid)
    {
        if (OperatingSystem.IsLinux()) return LinuxStat(pid)?.StartTicks is { } ticks ? "ticks:" + ticks : null;
        try
        {
            using var process = Process.GetProcessById(pid);
            return "utc:" + process.StartTime.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Whether two start marks name the same start (times may differ by rounding).</summary>
    public static bool SameStart(string recorded, string current)
    {
        if (recorded == current) return true;
        if (recorded.StartsWith("utc:", StringComparison.Ordinal) && current.StartsWith("utc:", StringComparison.Ordinal)
            && DateTime.TryParse(recorded[4..], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var a)
            && DateTime.TryParse(current[4..], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var b))
            return Math.Abs((a - b).TotalSeconds) < 1;
        return false;
    }

    /// <summary>Asks the process to stop: SIGTERM on Unix (the gateway shuts down cleanly), TerminateProcess on Windows.</summary>
    public static async Task RequestStopAsync(int pid, CancellationToken cancellation)
    {
        if (OperatingSystem.IsWindows())
        {
            Kill(pid);
            return;
        }
        // The shell's built-in kill: present wherever /bin/sh is, without native interop.
        var result = await new ProcessCommandRunner().RunAsync(new ExternalCommand("/bin/sh", ["-c", "kill -TERM \"$1\"", "sh", pid.ToString(CultureInfo.InvariantCulture)]), cancellation);
        if (!result.Succeeded && IsAlive(pid)) Kill(pid);
    }

    /// <summary>Ends the process at once (SIGKILL on Unix).</summary>
    public static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception)
        {
        }
    }

    /// <summary>Waits until the process is gone; false on timeout.</summary>
    public static async Task<bool> WaitForExitAsync(int pid, TimeSpan timeout, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (IsAlive(pid))
        {
            if (DateTime.UtcNow >= deadline) return false;
            await Task.Delay(100, cancellation);
        }
        return true;
    }

    private readonly record struct Stat(string Command, char State, ulong StartTicks);

    /// <summary>/proc/PID/stat: "pid (comm) state ppid ... starttime(22nd field) ...".</summary>
    private static Stat? LinuxStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var open = text.IndexOf('(');
        var close = text.LastIndexOf(')');
        if (open < 0 || close < open) return null;
        var fields = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is the state (field 3); starttime is field 22, so fields[19].
        if (fields.Length < 20 || fields[0].Length != 1 || !ulong.TryParse(fields[19], CultureInfo.InvariantCulture, out var start)) return null;
        return new Stat(text[(open + 1)..close], fields[0][0], start);
    }
}
