using System.Diagnostics;
using System.Net.Sockets;

namespace ClaudeModelProxy.Benchmarks;

/// <summary>The gateway under test as its own process, with what /proc says about it.</summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private GatewayProcess(Process process, int port)
    {
        Process = process;
        Port = port;
    }

    public Process Process { get; }

    public int Port { get; }

    /// <summary>The published binary from pack-mcpb.sh when there is one, else the Release build.</summary>
    public static string DefaultExecutable(string repositoryRoot)
    {
        var published = Path.Combine(repositoryRoot, "dist", "publish", "linux-x64", "claude-model-proxy");
        return File.Exists(published) ? published : Path.Combine(repositoryRoot, "src", "ClaudeModelProxy", "bin", "Release", "net10.0", "claude-model-proxy");
    }

    public static async Task<GatewayProcess> StartAsync(string executable, int port, int upstreamPort, IReadOnlyDictionary<string, string>? extraEnvironment = null, bool takeOverPort = false)
    {
        var info = new ProcessStartInfo(executable, takeOverPort ? "serve --take-over-port" : "serve") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var (name, value) in extraEnvironment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        info.Environment["PORT"] = port.ToString();
        info.Environment["DEEPSEEK_BASE_URL"] = $"http://127.0.0.1:{upstreamPort}/anthropic";
        info.Environment["DEEPSEEK_API_KEY"] = "bench-key";
        info.Environment["OPENAI_BASE_URL"] = $"http://127.0.0.1:{upstreamPort}/openai";
        info.Environment["OPENAI_API_KEY"] = "bench-key";
        info.Environment["UPSTREAM_RETRIES"] = "0";
        // claude-gpt-5.4 measures Chat Completions as before; the Responses route is measured through a Codex model,
        // which goes to /responses whatever OPENAI_WIRE_API says.
        info.Environment["OPENAI_WIRE_API"] = "chat";
        info.Environment["MODEL_MAP"] = $"{Workloads.ResponsesAlias}={Workloads.ResponsesModel}";
        info.Environment["MODEL_ROUTES"] = $"{Workloads.ResponsesModel}=openai";
        return await StartAsync(info, port, waitUntilListening: !takeOverPort);
    }

    /// <summary>Another program in the gateway's place (the platform floor): only the given environment, no arguments.</summary>
    public static Task<GatewayProcess> StartBareAsync(string executable, int port, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var (name, value) in environment) info.Environment[name] = value;
        return StartAsync(info, port, waitUntilListening: true);
    }

    private static async Task<GatewayProcess> StartAsync(ProcessStartInfo info, int port, bool waitUntilListening)
    {
        var process = Process.Start(info)!;
        // Drain the request log, as a terminal would.
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            if (waitUntilListening) await WaitUntilListeningAsync(port, TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            // A caller that carries on without this process (the nginx run without its floors) must not leave it running.
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
        return new GatewayProcess(process, port);
    }

    public static async Task<TimeSpan> WaitUntilListeningAsync(int port, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync("127.0.0.1", port);
                return clock.Elapsed;
            }
            catch (SocketException)
            {
                await Task.Delay(1);
            }
        }
        throw new TimeoutException($"nothing listened on port {port} within {timeout}");
    }

    public long RssBytes => ProcStatus(Process.Id, "VmRSS:");

    public long PeakRssBytes => ProcStatus(Process.Id, "VmHWM:");

    /// <summary>Starts <see cref="PeakRssBytes"/> afresh from the current RSS (Linux: clear_refs 5), so a peak can be read per run.</summary>
    public void ResetPeakRss() => File.WriteAllText($"/proc/{Process.Id}/clear_refs", "5");

    public int OpenFileDescriptors => Directory.GetFiles($"/proc/{Process.Id}/fd").Length;

    /// <summary>User + system CPU time the process has used.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            Process.Refresh();
            return Process.TotalProcessorTime;
        }
    }

    public static long ProcStatus(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0]) * 1024;
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }
        Process.Dispose();
    }
}
