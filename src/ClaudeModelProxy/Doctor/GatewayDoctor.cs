using System.Net;
using System.Net.Sockets;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Routing;
using ClaudeModelProxy.Gateway;
using ClaudeModelProxy.Hosting;
using ClaudeModelProxy.Service;

namespace ClaudeModelProxy.Doctor;

/// <summary>
/// <c>claude-model-proxy doctor</c>: the port, every provider with a key (one cheap call each, in
/// parallel), base URLs that point back at the gateway, the login service, the env files' mode and
/// problems, and the Claude Code variables of the current shell. Healthy when at least one provider
/// answers with its key and nothing else holds the port.
/// </summary>
public sealed class GatewayDoctor(ProxyPaths paths, SelfLauncher launcher, Func<string, string?> environment)
{
    /// <summary>Claude Code's own variables that pick a model: each must be a name the gateway routes.</summary>
    private static readonly string[] ModelVariables =
        ["ANTHROPIC_MODEL", "ANTHROPIC_DEFAULT_OPUS_MODEL", "ANTHROPIC_DEFAULT_SONNET_MODEL", "ANTHROPIC_DEFAULT_HAIKU_MODEL", "ANTHROPIC_SMALL_FAST_MODEL", "CLAUDE_CODE_SUBAGENT_MODEL"];

    /// <summary>Claude Code variables that send it to another cloud instead of ANTHROPIC_BASE_URL.</summary>
    private static readonly string[] BypassVariables = ["CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX", "CLAUDE_CODE_USE_FOUNDRY"];

    public async Task<DoctorReport> RunAsync(FileInfo? envFile, TimeSpan timeout, CancellationToken cancellation)
    {
        var checks = new List<DoctorCheck>();
        var serviceEnvFile = paths.ServiceEnvFile;
        var settingsFile = envFile ?? (File.Exists(serviceEnvFile) ? new FileInfo(serviceEnvFile) : null);
        var fileValues = ReadEnvFile(settingsFile);
        var settings = SettingsSource.Load(settingsFile);
        var source = settingsFile is null ? "the environment" : $"the environment and {settingsFile.FullName}";

        var (port, running) = await PortAsync(settings, cancellation);
        checks.Add(port);
        if (running?.SettingsReload?.Error is { } reloadError)
            checks.Add(new DoctorCheck("running gateway", Verdict.Warn, $"its env file was not applied: {reloadError}. Fix: correct the file; it applies by itself."));
        if (running?.SettingsReload?.RestartNeeded is { } restart)
            checks.Add(new DoctorCheck("running gateway", Verdict.Warn, $"restart needed: {restart}."));

        var selfPointing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var provider in settings.Providers)
        {
            if (fileValues.GetValueOrDefault(provider.Definition.BaseUrlVariable) is { } url && SettingsLoader.PointsAtThisGateway(url, settings.Port))
            {
                selfPointing.Add(provider.Id);
                checks.Add(new DoctorCheck(provider.Id, Verdict.Fail,
                    $"{provider.Definition.BaseUrlVariable}={UrlRedactor.Redact(url)} in {settingsFile!.FullName} points at this gateway itself, so its requests would loop. " +
                    $"Fix: set it to the provider's address (default {provider.Definition.DefaultBaseUrl}) or remove the line."));
            }
        }

        var router = new ModelRouter(settings);
        var secrets = new SecretRedactor(settings.Providers.Select(p => p.ApiKey));
        var probes = settings.Providers
            .Where(p => p.HasApiKey && !selfPointing.Contains(p.Id))
            .Select(p => ProviderProbe.CheckAsync(p, FirstModelOf(settings, p), timeout, secrets, cancellation))
            .ToList();
        checks.AddRange(await Task.WhenAll(probes));
        var withoutKey = settings.Providers.Where(p => !p.HasApiKey).Select(p => $"{p.Id} ({p.Definition.KeyVariable})").ToList();
        if (withoutKey.Count == settings.Providers.Count)
            checks.Add(new DoctorCheck("keys", Verdict.Fail, $"no provider has an API key. Fix: set one, e.g. DEEPSEEK_API_KEY, in {(settingsFile?.FullName ?? "the environment or an --env-file")}."));
        else if (withoutKey.Count > 0)
            checks.Add(new DoctorCheck("keys", Verdict.Info, $"no key for {string.Join(", ", withoutKey)}; their models are unavailable."));

        foreach (var problem in settings.Problems.Where(p => !IsSelfPointingProblem(p, selfPointing, settings)))
            checks.Add(new DoctorCheck("config", Verdict.Warn, problem.ToString()));

        checks.Add(LoginService(serviceEnvFile));
        foreach (var file in new[] { envFile?.FullName, serviceEnvFile }.Where(f => f is not null && File.Exists(f)).Distinct())
            checks.Add(FileMode(file!));

        checks.AddRange(ClaudeCodeShell(settings, router));

        var working = checks.Where(c => c.ProviderWorks).Select(c => c.Subject).ToList();
        var healthy = working.Count > 0 && checks.Single(c => c.Subject == "port").Verdict != Verdict.Fail;
        return new DoctorReport(ProxyVersion.Current, settings.LocalUrl, source, healthy, checks, working);
    }

    private static async Task<(DoctorCheck Check, Status.StatusReport? Running)> PortAsync(ProxySettings settings, CancellationToken cancellation)
    {
        var where = $"{settings.BindAddress}:{settings.Port}";
        var owner = await PortOwnerProbe.ProbeAsync(settings.Port, cancellation);
        if (owner.Proxy is { } running)
            return (new DoctorCheck("port", Verdict.Ok, $"Claude Model Proxy {running.Version} answers on {settings.LocalUrl} (pid {running.Pid?.ToString() ?? "?"})."), running);
        if (owner.Answered || !CanBind(settings))
            return (new DoctorCheck("port", Verdict.Fail,
                $"{where} is used by another program, not Claude Model Proxy. Fix: stop that program, or set PORT to a free port and use the matching gateway URL."), null);
        return (new DoctorCheck("port", Verdict.Ok, $"{where} is free; the gateway is not running (start it with 'claude-model-proxy start', the login service or Claude Desktop)."), null);
    }

    private static bool CanBind(ProxySettings settings)
    {
        try
        {
            using var socket = new Socket(settings.BindAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(settings.BindAddress, settings.Port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The loader already reported the self-pointing URL it replaced; the doctor's own line says it better.</summary>
    private static bool IsSelfPointingProblem(ConfigurationProblem problem, HashSet<string> selfPointing, ProxySettings settings) =>
        settings.Providers.Any(p => selfPointing.Contains(p.Id) && problem.Setting == p.Definition.BaseUrlVariable);

    private static string? FirstModelOf(ProxySettings settings, ProviderSettings provider) =>
        settings.ModelRoutes.Where(r => r.Value == provider.Id).Select(r => r.Key).Order(StringComparer.Ordinal).FirstOrDefault();

    private DoctorCheck LoginService(string serviceEnvFile)
    {
        var layout = ServiceLayout.For(paths, launcher, CommandQuoting.UidExpression);
        if (layout.ServiceFile is null)
            return new DoctorCheck("login service", Verdict.Info, $"{layout.Kind}: run 'claude-model-proxy service status' to see whether it is registered.");
        if (!File.Exists(layout.ServiceFile))
            return new DoctorCheck("login service", Verdict.Info, $"not installed ({layout.Kind}); 'claude-model-proxy service install' keeps the gateway running from login.");
        var current = File.ReadAllText(layout.ServiceFile);
        return current == layout.ServiceFileContent
            ? new DoctorCheck("login service", Verdict.Ok, $"installed at {layout.ServiceFile}; its settings are in {serviceEnvFile}.")
            : new DoctorCheck("login service", Verdict.Warn, $"installed at {layout.ServiceFile}, but it runs another executable. Fix: run 'claude-model-proxy service install' to update it.");
    }

    private static DoctorCheck FileMode(string file)
    {
        var problems = EnvFileParser.Parse(File.ReadAllText(file), file).Problems;
        var parse = problems.Count == 0 ? "" : $" It has {problems.Count} problem(s): {string.Join("; ", problems.Select(p => p.ToString()))}.";
        if (OperatingSystem.IsWindows())
            return new DoctorCheck("env file", problems.Count == 0 ? Verdict.Ok : Verdict.Warn, $"{file}.{parse}".TrimEnd());
        var mode = File.GetUnixFileMode(file);
        var octal = Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
        if ((mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            return new DoctorCheck("env file", Verdict.Warn, $"{file} is readable by other users (mode {octal}) and holds API keys. Fix: chmod 600 {file}.{parse}");
        return new DoctorCheck("env file", problems.Count == 0 ? Verdict.Ok : Verdict.Warn, $"{file} (mode {octal}).{parse}");
    }

    private IEnumerable<DoctorCheck> ClaudeCodeShell(ProxySettings settings, ModelRouter router)
    {
        const string subject = "claude code";
        var baseUrl = environment("ANTHROPIC_BASE_URL");
        if (string.IsNullOrEmpty(baseUrl))
            yield return new DoctorCheck(subject, Verdict.Info, $"ANTHROPIC_BASE_URL is not set in this shell, so Claude Code started here talks to Anthropic directly. Fix: export ANTHROPIC_BASE_URL={settings.BaseUrl}");
        else if (SettingsLoader.PointsAtThisGateway(baseUrl, settings.Port))
            yield return new DoctorCheck(subject, Verdict.Ok, $"ANTHROPIC_BASE_URL points at this gateway ({UrlRedactor.Redact(baseUrl)}).");
        else
            yield return new DoctorCheck(subject, Verdict.Warn, $"ANTHROPIC_BASE_URL={UrlRedactor.Redact(baseUrl)} bypasses the gateway. Fix: export ANTHROPIC_BASE_URL={settings.BaseUrl}");

        foreach (var name in BypassVariables)
            if (environment(name) is { Length: > 0 } value && value is not "0" and not "false")
                yield return new DoctorCheck(subject, Verdict.Warn, $"{name}={value} makes Claude Code use another cloud and bypass the gateway. Fix: unset {name}");

        if (settings.ProxyAuthToken is { } token)
        {
            var presented = environment("ANTHROPIC_AUTH_TOKEN") ?? environment("ANTHROPIC_API_KEY");
            if (presented != token)
                yield return new DoctorCheck(subject, Verdict.Warn,
                    "the gateway requires PROXY_AUTH_TOKEN, but neither ANTHROPIC_AUTH_TOKEN nor ANTHROPIC_API_KEY in this shell holds it, so Claude Code would get 401. Fix: export ANTHROPIC_AUTH_TOKEN with the token's value");
        }

        var proxy = environment("HTTPS_PROXY") ?? environment("https_proxy") ?? environment("HTTP_PROXY") ?? environment("http_proxy");
        var noProxy = (environment("NO_PROXY") ?? environment("no_proxy") ?? "").Split(',', StringSplitOptions.TrimEntries);
        if (!string.IsNullOrEmpty(proxy) && !noProxy.Any(n => n is "127.0.0.1" or "localhost" or "*" or "::1"))
            yield return new DoctorCheck(subject, Verdict.Warn, $"HTTP(S)_PROXY is set ({UrlRedactor.Redact(proxy)}) and NO_PROXY does not name 127.0.0.1, so clients may send gateway requests through that proxy. Fix: export NO_PROXY=127.0.0.1,localhost");

        foreach (var name in ModelVariables)
            if (environment(name) is { Length: > 0 } model && router.Resolve(model).Route is null)
                yield return new DoctorCheck(subject, Verdict.Warn, $"{name}={model} is not a model this gateway routes, so those requests get 404. Fix: use a name from 'claude-model-proxy models' or add it to MODEL_MAP");
    }

    private static Dictionary<string, string> ReadEnvFile(FileInfo? file)
    {
        if (file is null || !file.Exists) return [];
        try
        {
            return EnvFileParser.Parse(File.ReadAllText(file.FullName), file.FullName).Values.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
