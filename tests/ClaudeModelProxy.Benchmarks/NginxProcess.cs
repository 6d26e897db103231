using System.Diagnostics;

namespace ClaudeModelProxy.Benchmarks;

/// <summary>
/// nginx as a plain reverse proxy in front of the mock's pass-through path: the practical ceiling of a proxy that
/// terminates HTTP on both sides and does nothing else (upstream keepalive, HTTP/1.1, no response buffering, no access
/// log). Installed from Debian's packages when missing; its configuration is written at run time for free loopback ports.
/// </summary>
public sealed class NginxProcess : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/nginx";
    private readonly string folder;

    private NginxProcess(Process process, int port, string folder)
    {
        Process = process;
        Port = port;
        this.folder = folder;
    }

    public Process Process { get; }

    public int Port { get; }

    /// <summary>How long from exec to the first answered request.</summary>
    public TimeSpan TimeToListen { get; private init; }

    public static async Task<NginxProcess> StartAsync(int port, int mockPort)
    {
        await EnsureInstalledAsync();
        var folder = Directory.CreateTempSubdirectory("claude-model-proxy-nginx-").FullName;
        var config = Path.Combine(folder, "nginx.conf");
        await File.WriteAllTextAsync(config, Config(folder, port, mockPort));
        var info = new ProcessStartInfo(Binary) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-p", folder, "-c", config, "-e", Path.Combine(folder, "error.log") }) info.ArgumentList.Add(argument);
        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(info) ?? throw new InvalidOperationException("nginx did not start");
        await GatewayProcess.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(10));
        using (var client = new HttpClient())
            (await client.GetAsync($"http://127.0.0.1:{port}/healthz")).EnsureSuccessStatusCode();
        return new NginxProcess(process, port, folder) { TimeToListen = Stopwatch.GetElapsedTime(started) };
    }

    /// <summary>User + system CPU time of the master and its workers, from /proc (the workers are its children).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            var ticks = 0L;
            foreach (var pid in new[] { Process.Id }.Concat(Children(Process.Id)))
            {
                try
                {
                    var stat = File.ReadAllText($"/proc/{pid}/stat");
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    ticks += long.Parse(fields[11]) + long.Parse(fields[12]); // utime, stime (fields 14 and 15)
                }
                catch (IOException)
                {
                }
            }
            return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
        }
    }

    public long RssBytes => new[] { Process.Id }.Concat(Children(Process.Id)).Sum(pid => GatewayProcess.ProcStatus(pid, "VmRSS:"));

    private static IEnumerable<int> Children(int parent) =>
        Directory.GetDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => name!.All(char.IsAsciiDigit))
            .Select(name => int.Parse(name!))
            .Where(pid =>
            {
                try
                {
                    var stat = File.ReadAllText($"/proc/{pid}/stat");
                    return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]) == parent;
                }
                catch (IOException)
                {
                    return false;
                }
            })
            .ToList();

    private static string Config(string folder, int port, int mockPort) => $$"""
        worker_processes auto;
        daemon off;
        user root;
        pid {{folder}}/nginx.pid;
        events { worker_connections 4096; }
        http {
            access_log off;
            client_body_temp_path {{folder}}/body;
            proxy_temp_path {{folder}}/proxy;
            fastcgi_temp_path {{folder}}/fastcgi;
            uwsgi_temp_path {{folder}}/uwsgi;
            scgi_temp_path {{folder}}/scgi;
            client_max_body_size 64m;
            client_body_buffer_size 1m;
            upstream mock {
                server 127.0.0.1:{{mockPort}};
                keepalive 128;
            }
            server {
                listen 127.0.0.1:{{port}} reuseport;
                location = /healthz { return 200 "ok\n"; }
                location / {
                    proxy_pass http://mock/anthropic/;
                    proxy_http_version 1.1;
                    proxy_set_header Connection "";
                    proxy_buffering off;
                }
            }
        }
        """;

    private static async Task EnsureInstalledAsync()
    {
        if (File.Exists(Binary)) return;
        Console.Error.WriteLine("nginx is missing: installing Debian's nginx package");
        foreach (var command in new[] { "apt-get update -qq", "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx" })
        {
            using var shell = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", command]) { UseShellExecute = false })!;
            await shell.WaitForExitAsync();
            if (shell.ExitCode != 0) throw new InvalidOperationException($"'{command}' failed ({shell.ExitCode}); install nginx yourself to compare against it");
        }
        if (!File.Exists(Binary)) throw new InvalidOperationException($"no {Binary} after installing nginx");
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }
        Process.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
