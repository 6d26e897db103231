using System.Diagnostics;

namespace ClaudeModelProxy.Benchmarks;

/// <summary>
/// A floor (tests/PlatformFloor), published as Native AOT the way the gateway is, in front of the mock's pass-through
/// path: a bare Kestrel + SocketsHttpHandler forwarder, or the same relay with HTTP/1.1 by hand on bare sockets
/// (<see cref="FloorKind.Sockets"/>) or on Kestrel's connections (<see cref="FloorKind.KestrelTransport"/>). Beside
/// nginx they show what the platform costs; beside the gateway, what this project adds. Published by the benchmark when
/// missing or older than its source.
/// </summary>
public sealed class FloorProcess : IAsyncDisposable
{
    private readonly GatewayProcess process;

    private FloorProcess(GatewayProcess process, FloorKind kind)
    {
        this.process = process;
        Kind = kind;
    }

    public FloorKind Kind { get; }

    /// <summary>How the report names the floor.</summary>
    public string Label => Kind switch
    {
        FloorKind.Kestrel => "platform floor (bare Kestrel + HttpClient, Native AOT)",
        FloorKind.KestrelTransport => "transport floor (Kestrel's connections, HTTP/1.1 by hand on both sides, Native AOT)",
        _ => "sockets floor (bare sockets, HTTP/1.1 by hand on both sides, Native AOT)",
    };

    public int Port => process.Port;

    /// <summary>User + system CPU time the process has used.</summary>
    public TimeSpan CpuTime => process.CpuTime;

    public static async Task<FloorProcess> StartAsync(string repositoryRoot, FloorKind kind, int port, int mockPort)
    {
        var executable = await EnsurePublishedAsync(repositoryRoot);
        var environment = new Dictionary<string, string> { ["PORT"] = port.ToString(), ["UPSTREAM_URL"] = $"http://127.0.0.1:{mockPort}/anthropic" };
        if (kind != FloorKind.Kestrel) environment["FLOOR"] = kind == FloorKind.Sockets ? "sockets" : "kestrel-transport";
        return new FloorProcess(await GatewayProcess.StartBareAsync(executable, port, environment), kind);
    }

    private static async Task<string> EnsurePublishedAsync(string repositoryRoot)
    {
        var project = Path.Combine(repositoryRoot, "tests", "PlatformFloor");
        var output = Path.Combine(project, "bin", "publish-linux-x64");
        var executable = Path.Combine(output, "platform-floor");
        var newestSource = Directory.GetFiles(project, "*.cs*", SearchOption.TopDirectoryOnly).Max(File.GetLastWriteTimeUtc);
        if (File.Exists(executable) && File.GetLastWriteTimeUtc(executable) >= newestSource) return executable;
        Console.Error.WriteLine("Publishing the platform floor (Native AOT, about a minute)");
        // Its output goes to stderr: stdout carries the report.
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var argument in new[] { "publish", Path.Combine(project, "PlatformFloor.csproj"), "-r", "linux-x64", "-c", "Release", "-p:PublishAot=true", "-o", output, "-v", "q" })
            info.ArgumentList.Add(argument);
        using var publish = Process.Start(info)!;
        await publish.StandardOutput.BaseStream.CopyToAsync(Console.OpenStandardError());
        await publish.WaitForExitAsync();
        if (publish.ExitCode != 0 || !File.Exists(executable)) throw new InvalidOperationException($"publishing the platform floor failed ({publish.ExitCode})");
        return executable;
    }

    public ValueTask DisposeAsync() => process.DisposeAsync();
}

public enum FloorKind
{
    /// <summary>Kestrel and SocketsHttpHandler, as the gateway uses them.</summary>
    Kestrel,

    /// <summary>Bare sockets, HTTP/1.1 by hand on both sides.</summary>
    Sockets,

    /// <summary>Kestrel's connections (transport and pipes) without its HTTP layer; HTTP/1.1 by hand on both sides.</summary>
    KestrelTransport,
}
