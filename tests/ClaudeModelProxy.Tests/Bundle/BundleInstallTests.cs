using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Bundle;

[Collection(BundleCollection.Name)]
public partial class BundleInstallTests(PackedBundle bundle)
{
    [Fact]
    public void PackingPrintsThePathSizeAndContents()
    {
        bundle.PackResult.ExitCode.ShouldBe(0, bundle.PackResult.ToString());
        bundle.BundlePath.ShouldEndWith($"claude-model-proxy-{ManifestVersion()}.mcpb");
        bundle.PackResult.Stdout.ShouldContain(bundle.BundlePath);
        bundle.PackResult.Stdout.ShouldContain("Size:");
        bundle.PackResult.Stdout.ShouldContain("server/linux-x64/claude-model-proxy");
    }

    [Fact]
    public void EveryNonWindowsBinaryIsExecutableAndNamesDoNotClashByCase()
    {
        using var zip = ZipFile.OpenRead(bundle.BundlePath);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        names.ShouldContain("manifest.json");
        names.ShouldContain("icon.png");
        names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).ShouldAllBe(g => g.Count() == 1);
        var binaries = zip.Entries.Where(e => e.FullName.StartsWith("server/", StringComparison.Ordinal) && !e.FullName.EndsWith(".exe", StringComparison.Ordinal)).ToList();
        binaries.ShouldNotBeEmpty();
        foreach (var binary in binaries)
            ((binary.ExternalAttributes >> 16) & 0b111_101_101).ShouldBe(0b111_101_101, $"{binary.FullName} must be 0755");
    }

    [Fact]
    public async Task TheOfficialValidatorAcceptsTheRepositoryAndBundledManifests()
    {
        var repository = await NodeTools.RunAsync(NodeTools.Bin("mcpb"), ["validate", "manifest.json"]);
        repository.ExitCode.ShouldBe(0, repository.ToString());
        repository.Stdout.ShouldContain("Manifest schema validation passes");

        var installed = bundle.Unpack();
        var bundled = await NodeTools.RunAsync(NodeTools.Bin("mcpb"), ["validate", "manifest.json"], workingDirectory: installed);
        bundled.ExitCode.ShouldBe(0, bundled.ToString());
        bundled.Stdout.ShouldContain("Manifest schema validation passes");
    }

    [Fact]
    public async Task TheBinaryReportsTheManifestVersion()
    {
        var installed = bundle.Unpack();
        var result = await NodeTools.RunAsync(Path.Combine(installed, "server", "linux-x64", "claude-model-proxy"), ["--version"]);
        result.Stdout.Trim().ShouldBe(ManifestVersion());
    }

    [Fact]
    public async Task InstalledLikeClaudeDesktopItAnswersMcpAndServesTheGateway()
    {
        var installed = bundle.Unpack();
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(installed, "manifest.json")))!;
        manifest["compatibility"]!["platforms"]!.AsArray().Select(p => p!.GetValue<string>()).ShouldBe(["linux"]);
        var port = FreePort.Next();
        var userValues = new Dictionary<string, string>
        {
            ["port"] = port.ToString(),
            ["deepseek_api_key"] = "sk-deepseek-from-install-form",
            ["advanced_env"] = """{"GLM_API_KEY":"glm-from-advanced","MODEL_MAP":"claude-fast=glm-4.7"}""",
            // moonshot_api_key is left empty: Claude Desktop then passes the literal placeholder.
        };
        var (command, arguments, environment) = ClaudeDesktopInstall.Resolve(manifest, installed, userValues, "linux");
        environment["MOONSHOT_API_KEY"].ShouldBe("${user_config.moonshot_api_key}");

        await using var proxy = ProxyProcess.Start(command, environment.ToDictionary(p => p.Key, p => (string?)p.Value), [.. arguments]);
        var initialize = await proxy.InitializeAsync();
        initialize["serverInfo"]!["version"]!.GetValue<string>().ShouldBe(ManifestVersion());

        var tools = (await proxy.RequestAsync("tools/list"))["tools"]!.AsArray();
        var declared = manifest["tools"]!.AsArray();
        tools.Select(t => t!["name"]!.GetValue<string>()).ShouldBe(declared.Select(t => t!["name"]!.GetValue<string>()));
        tools.Select(t => t!["description"]!.GetValue<string>()).ShouldBe(declared.Select(t => t!["description"]!.GetValue<string>()), "the static tool list in manifest.json must match what the server reports");

        var status = await proxy.StatusAsync();
        status["listening"]!.GetValue<bool>().ShouldBeTrue();
        status["localUrl"]!.GetValue<string>().ShouldBe($"http://127.0.0.1:{port}");
        var providers = status["providers"]!.AsArray().ToDictionary(p => p!["id"]!.GetValue<string>());
        providers["deepseek"]!["hasApiKey"]!.GetValue<bool>().ShouldBeTrue();
        providers["glm"]!["hasApiKey"]!.GetValue<bool>().ShouldBeTrue();
        providers["moonshot"]!["hasApiKey"]!.GetValue<bool>().ShouldBeFalse();
        status["modelMap"]!["claude-fast"]!.GetValue<string>().ShouldBe("glm-4.7");
        status["problems"]!.AsArray().ShouldBeEmpty();

        using var client = new HttpClient();
        var health = JsonNode.Parse(await client.GetStringAsync($"http://127.0.0.1:{port}/healthz"))!;
        health["service"]!.GetValue<string>().ShouldBe("claude-model-proxy");
        health.ToJsonString().ShouldNotContain("sk-deepseek-from-install-form");
        proxy.Stdout.ShouldNotContain("sk-deepseek-from-install-form");
    }

    [Fact]
    public async Task TheBundledBinaryAnswersExactlyTheManifestsWindowsStaticResponses()
    {
        // The published binary (trimmed / Native AOT) must generate the same tool schema as the test build.
        var installed = bundle.Unpack();
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(installed, "manifest.json")))!;
        var responses = manifest["_meta"]!["com.microsoft.windows"]!["static_responses"]!;
        await using var proxy = ProxyProcess.Start(Path.Combine(installed, "server", "linux-x64", "claude-model-proxy"),
            new Dictionary<string, string?> { ["PORT"] = FreePort.Next().ToString() }, "mcp");
        var initialize = await proxy.RequestAsync("initialize", new JsonObject
        {
            ["protocolVersion"] = responses["initialize"]!["protocolVersion"]!.GetValue<string>(),
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = "windows-host", ["version"] = "1.0" },
        });
        await proxy.NotifyAsync("notifications/initialized");
        var tools = await proxy.RequestAsync("tools/list");

        JsonNode.DeepEquals(initialize, responses["initialize"]).ShouldBeTrue($"the bundled binary answers initialize with:\n{initialize.ToJsonString()}");
        JsonNode.DeepEquals(tools, responses["tools/list"]).ShouldBeTrue($"the bundled binary answers tools/list with:\n{tools.ToJsonString()}");
    }

    private static string ManifestVersion() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(NodeTools.RepositoryRoot, "manifest.json")))!["version"]!.GetValue<string>();
}

/// <summary>What Claude Desktop does with a manifest: pick the platform's command and substitute the variables.</summary>
public static partial class ClaudeDesktopInstall
{
    public static (string Command, List<string> Arguments, Dictionary<string, string> Environment) Resolve(
        JsonNode manifest, string installFolder, IReadOnlyDictionary<string, string> userValues, string platform)
    {
        var config = manifest["server"]!["mcp_config"]!;
        var chosen = config["platform_overrides"]?[platform] ?? config;
        var userConfig = manifest["user_config"]!.AsObject();
        string Substitute(string text) => Variable().Replace(text, match =>
        {
            var name = match.Groups[1].Value;
            if (name == "__dirname") return installFolder;
            if (!name.StartsWith("user_config.", StringComparison.Ordinal)) return match.Value;
            var key = name["user_config.".Length..];
            if (userValues.TryGetValue(key, out var value)) return value;
            var fallback = userConfig[key]?["default"];
            // Values are stringified; an empty optional field without a default stays a literal placeholder.
            return fallback is null ? match.Value : fallback.ToJsonString().Trim('"');
        });
        var command = Substitute(chosen["command"]!.GetValue<string>());
        var arguments = (chosen["args"]?.AsArray() ?? []).Select(a => Substitute(a!.GetValue<string>())).ToList();
        var environment = (chosen["env"]?.AsObject() ?? []).ToDictionary(p => p.Key, p => Substitute(p.Value!.GetValue<string>()));
        return (command, arguments, environment);
    }

    [GeneratedRegex(@"\$\{([^}]+)\}")]
    private static partial Regex Variable();
}
