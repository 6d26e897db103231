using System.Text.Json.Nodes;
using ClaudeModelProxy.Core.Providers;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Providers;

/// <summary>The README's provider table and the bundle's manifest say what the provider folders define.</summary>
public class ProviderDocsTests
{
    private static string Repository(string file) => File.ReadAllText(Path.Combine(NodeTools.RepositoryRoot, file));

    /// <summary>The README's provider table: each row's cells, by provider display name.</summary>
    private static Dictionary<string, string[]> ReadmeProviderRows()
    {
        var lines = Repository("README.md").Split('\n');
        var header = Array.FindIndex(lines, l => l.StartsWith("| provider | variables | default base URL |", StringComparison.Ordinal));
        header.ShouldBeGreaterThan(0, "the README has a provider table");
        return lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Trim().Trim('|').Split(" | ").Select(c => c.Trim()).ToArray())
            .ToDictionary(cells => cells[0], StringComparer.Ordinal);
    }

    [Fact]
    public void TheReadmeProviderTableHasOneRowPerCatalogProviderWithItsVariablesBaseUrlWireAndKeyScheme()
    {
        var rows = ReadmeProviderRows();
        rows.Keys.ShouldBe(ProviderCatalog.All.Select(p => p.DisplayName), "one row per provider, in catalog order");
        foreach (var provider in ProviderCatalog.All)
        {
            var cells = rows[provider.DisplayName];
            cells[1].ShouldStartWith($"`{provider.EnvPrefix}_*`");
            foreach (var alias in provider.KeyAliases) cells[1].ShouldContain($"`{alias}`");
            cells[2].ShouldBe($"`{provider.DefaultBaseUrl}`");
            cells[3].ShouldStartWith(provider.Format == WireFormat.AnthropicMessages ? "Anthropic (pass-through)"
                : provider.ServesResponsesApi ? "Responses API (translated" : "Chat Completions (translated)");
            cells[4].ShouldBe(provider.KeyScheme == KeyScheme.XApiKey ? "`x-api-key`" : "Bearer");
        }
    }

    [Fact]
    public void TheReadmesFirstLineNamesEveryCatalogProviderWithAnthropicLast()
    {
        Repository("README.md").Split('\n')[2].ShouldContain($"can run on {ProviderCatalog.All.DisplayNames} models");
        // The wording help and the manifest have always used; a provider added later joins before Anthropic.
        ProviderCatalog.All.ShortNames.ShouldStartWith("DeepSeek, Kimi, GLM, MiMo, OpenAI, Gemini, Qwen", Case.Sensitive);
        ProviderCatalog.All.ShortNames.ShouldEndWith(" or Anthropic", Case.Sensitive);
    }

    [Fact]
    public void AProseListOfNoneOrOneProviderIsJustTheirNames()
    {
        new ProviderCatalog([]).ShortNames.ShouldBe("");
        new ProviderCatalog([ProviderCatalog.All[0]]).ShortNames.ShouldBe(ProviderCatalog.All[0].ShortName);
    }

    [Fact]
    public void TheManifestNamesEveryCatalogProviderAndItsProviderFieldsUseTheCatalogsVariablesAndDefaults()
    {
        var manifest = JsonNode.Parse(Repository("manifest.json"))!.AsObject();
        manifest["description"]!.GetValue<string>().ShouldContain(ProviderCatalog.All.ShortNames);
        var env = manifest["server"]!["mcp_config"]!["env"]!.AsObject();
        var fields = manifest["user_config"]!.AsObject();
        var offered = 0;
        foreach (var provider in ProviderCatalog.All)
        {
            var baseUrlField = provider.Id + "_base_url";
            if (!fields.ContainsKey(baseUrlField)) continue;
            offered++;
            env[provider.BaseUrlVariable]!.GetValue<string>().ShouldBe($"${{user_config.{baseUrlField}}}");
            env[provider.KeyVariable]!.GetValue<string>().ShouldBe($"${{user_config.{provider.Id}_api_key}}");
            fields[baseUrlField]!["default"]!.GetValue<string>().ShouldBe(provider.DefaultBaseUrl);
        }
        offered.ShouldBeGreaterThan(0, "the install form offers at least one provider");
        foreach (var (name, _) in env)
            if (name.EndsWith("_API_KEY", StringComparison.Ordinal) || name.EndsWith("_BASE_URL", StringComparison.Ordinal) && name != "BASE_URL")
                ProviderCatalog.All.ShouldContain(p => p.KeyVariable == name || p.BaseUrlVariable == name, $"{name} is not a catalog provider's variable");
    }

    [Fact]
    public void TheMcpInstructionsInTheManifestAreTheServersAndNameEveryProvider()
    {
        ClaudeModelProxy.Cli.McpCommand.Instructions.ShouldContain(ProviderCatalog.All.ShortNames);
        Repository("manifest.json").ShouldContain(ClaudeModelProxy.Cli.McpCommand.Instructions);
    }
}
