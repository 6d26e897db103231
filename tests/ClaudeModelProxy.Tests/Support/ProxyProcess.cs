using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClaudeModelProxy.Tests.Support;

/// <summary>The real claude-model-proxy executable, with its stdio captured.</summary>
public sealed class ProxyProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode>> pending = new();
    private readonly StringBuilder stdout = new();
    private readonly StringBuilder stderr = new();
    private readonly Task stdoutPump;
    private int nextId;

    private ProxyProcess(Process process)
    {
        this.process = process;
        stdoutPump = Task.Run(PumpStdoutAsync);
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
    }

    public static string ExecutablePath => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "claude-model-proxy.exe" : "claude-model-proxy");

    public Process Process => process;

    /// <summary>Every line the process wrote to stdout.</summary>
    public string Stdout { get { lock (stdout) return stdout.ToString(); } }

    public string Stderr { get { lock (stderr) return stderr.ToString(); } }

    public static ProxyProcess Start(IDictionary<string, string?> environment, params string[] arguments) =>
        Start(ExecutablePath, environment, arguments);

    public static ProxyProcess Start(string executable, IDictionary<string, string?> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        ProxyEnvironment.Scrub(info);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        return new ProxyProcess(Process.Start(info)!);
    }

    /// <summary>Sends a JSON-RPC request and waits for its answer.</summary>
    public async Task<JsonNode> RequestAsync(string method, JsonNode? parameters = null, TimeSpan? timeout = null)
    {
        var id = Interlocked.Increment(ref nextId);
        var answer = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[id] = answer;
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method };
        if (parameters is not null) message["params"] = parameters;
        await SendAsync(message);
        var response = await answer.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(20));
        if (response["error"] is { } error) throw new InvalidOperationException($"{method} failed: {error.ToJsonString()}");
        return response["result"]!;
    }

    public async Task NotifyAsync(string method) =>
        await SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method });

    public async Task<JsonNode> InitializeAsync()
    {
        var result = await RequestAsync("initialize", JsonNode.Parse("""{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"tests","version":"1.0"}}"""));
        await NotifyAsync("notifications/initialized");
        return result;
    }

    /// <summary>Calls model_proxy_status and returns its JSON report.</summary>
    public async Task<JsonNode> StatusAsync()
    {
        var result = await RequestAsync("tools/call", JsonNode.Parse("""{"name":"model_proxy_status","arguments":{}}"""));
        return result["structuredContent"]!;
    }

    private async Task SendAsync(JsonObject message)
    {
        await process.StandardInput.WriteLineAsync(message.ToJsonString());
        await process.StandardInput.FlushAsync();
    }

    public void CloseStdin() => process.StandardInput.Close();

    private async Task PumpStdoutAsync()
    {
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            lock (stdout) stdout.AppendLine(line);
            try
            {
                var node = JsonNode.Parse(line);
                if (node?["id"]?.GetValue<int>() is { } id && pending.TryRemove(id, out var waiter)) waiter.TrySetResult(node);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                // Not JSON-RPC: recorded in Stdout, where tests look for it.
            }
        }
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private bool disposed;

    public async ValueTask DisposeAsync()
    {
        if (disposed) return;
        disposed = true;
        if (!process.HasExited)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync();
        }
        await stdoutPump.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
        process.Dispose();
    }
}
