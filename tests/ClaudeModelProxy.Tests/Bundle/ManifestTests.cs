using System.Text.Json.Nodes;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Providers;
using ClaudeModelProxy.Packer;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Bundle;

public class ManifestTests
{
    private static JsonObject Manifest() => JsonNode.Parse(File.ReadAllText(Path.Combine(NodeTools.RepositoryRoot, "manifest.json")))!.AsObject();

    [Fact]
    public void ManifestVersionIsTheExecutablesVersion()
    {
        Manifest()["version"]!.GetValue<string>().ShouldBe(ClaudeModelProxy.Hosting.ProxyVersion.Current);
    }

    [Fact]
    public void EveryUserConfigReferenceResolvesAndKeysAreOptionalAndSensitive()
    {
        var manifest = Manifest();
        var fields = manifest["user_config"]!.AsObject();
        var text = manifest["server"]!.ToJsonString();
        foreach (System.Text.RegularExpressions.Match reference in System.Text.RegularExpressions.Regex.Matches(text, @"\$\{user_config\.([a-z_]+)\}"))
            fields.ContainsKey(reference.Groups[1].Value).ShouldBeTrue($"{reference.Value} has no user_config entry");
        foreach (var (name, field) in fields)
        {
            field!["required"]?.GetValue<bool>().ShouldBe(false, $"{name} must be optional so a user with one provider can install");
            if (name.EndsWith("_api_key", StringComparison.Ordinal)) field["sensitive"]!.GetValue<bool>().ShouldBeTrue();
        }
        fields["port"]!["min"]!.GetValue<int>().ShouldBe(1024);
        fields["port"]!["max"]!.GetValue<int>().ShouldBe(65535);
        fields["port"]!["default"]!.GetValue<int>().ShouldBe(8787);
    }

    /// <summary>Variable → the install-form field <c>mcp_config.env</c> fills it from.</summary>
    private static Dictionary<string, string> FormFields() =>
        Manifest()["server"]!["mcp_config"]!["env"]!.AsObject().ToDictionary(
            entry => entry.Key,
            entry => System.Text.RegularExpressions.Regex.Match(entry.Value!.GetValue<string>(), @"^\$\{user_config\.([a-z_]+)\}$").Groups[1].Value,
            StringComparer.Ordinal);

    /// <summary>The default the table gives a variable, as the install form writes it (null: none).</summary>
    private static string? TableDefault(string variable) =>
        SettingTable.All.SingleOrDefault(s => s.Name == variable)?.DocumentedDefault
        ?? ProviderCatalog.All.SingleOrDefault(p => p.BaseUrlVariable == variable)?.DefaultBaseUrl;

    [Fact]
    public void TheInstallFormShowsExactlyTheSettingsAndProvidersTheTableMarksForIt()
    {
        var shown = SettingTable.All.Where(s => s.InInstallForm).Select(s => s.Name)
            .Concat(ProviderCatalog.All.Where(p => p.InInstallForm).SelectMany(p => new[] { p.BaseUrlVariable, p.KeyVariable }));
        var fields = FormFields();
        fields.Keys.Order(StringComparer.Ordinal).ShouldBe(shown.Order(StringComparer.Ordinal));
        fields.Values.ShouldAllBe(field => field.Length > 0, "every variable is filled from one install-form field");
        fields.Values.Order(StringComparer.Ordinal).ShouldBe(Manifest()["user_config"]!.AsObject().Select(f => f.Key).Order(StringComparer.Ordinal), "every field fills one variable");
    }

    [Fact]
    public void TheInstallFormOffersTheTablesDefaults()
    {
        var form = Manifest()["user_config"]!.AsObject();
        foreach (var (variable, field) in FormFields())
        {
            var offered = form[field]!["default"];
            (offered is null ? null : offered.ToString()).ShouldBe(TableDefault(variable), $"{field} ({variable})");
        }
    }

    [Fact]
    public void EveryPlatformRepeatsTheWholeEnvironment()
    {
        var config = Manifest()["server"]!["mcp_config"]!;
        var env = config["env"]!.ToJsonString();
        foreach (var (platform, entry) in config["platform_overrides"]!.AsObject())
        {
            entry!["env"]!.ToJsonString().ShouldBe(env, $"{platform} replaces env whole, so it must repeat it");
            entry["args"]!.ToJsonString().ShouldBe("[\"mcp\"]");
        }
    }

    [Fact]
    public void MacOnlyBundleStartsTheLauncherByDefault()
    {
        var manifest = Manifest();
        BundleWriter.ManifestForRuntimes(manifest, ["osx-arm64", "osx-x64"]);
        manifest["compatibility"]!["platforms"]!.ToJsonString().ShouldBe("[\"darwin\"]");
        manifest["server"]!["mcp_config"]!["command"]!.GetValue<string>().ShouldBe("${__dirname}/server/claude-model-proxy-macos");
        manifest["server"]!["entry_point"]!.GetValue<string>().ShouldBe("server/claude-model-proxy-macos");
        manifest["server"]!["mcp_config"]!["platform_overrides"].ShouldBeNull();
    }

    [Fact]
    public void FullBundleKeepsEveryPlatform()
    {
        var manifest = Manifest();
        var before = manifest.ToJsonString();
        BundleWriter.ManifestForRuntimes(manifest, PackOptions.AllRids);
        manifest.ToJsonString().ShouldBe(before);
    }

    [Fact]
    public void MacLauncherPicksTheBinaryByProcessor()
    {
        BundleWriter.MacLauncher.ShouldStartWith("#!/bin/sh");
        BundleWriter.MacLauncher.ShouldContain("arm64|aarch64) exec \"$here/osx-arm64/claude-model-proxy\" \"$@\"");
        BundleWriter.MacLauncher.ShouldContain("exec \"$here/osx-x64/claude-model-proxy\" \"$@\"");
    }
}
