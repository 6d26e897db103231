using System.Text.RegularExpressions;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Providers;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Configuration;

/// <summary>The README's configuration table and <c>.env.example</c> say what <see cref="SettingTable"/> says.</summary>
public class SettingDocsTests
{
    private static IReadOnlyDictionary<string, string> EnvExample()
    {
        var (values, problems) = EnvFileParser.Parse(File.ReadAllText(Path.Combine(NodeTools.RepositoryRoot, ".env.example")), ".env.example");
        problems.ShouldBeEmpty();
        return values;
    }

    /// <summary>Variable → default cell of the README table headed <c>| variable | default | meaning |</c>.</summary>
    private static IReadOnlyDictionary<string, string> ReadmeTable()
    {
        var lines = File.ReadAllLines(Path.Combine(NodeTools.RepositoryRoot, "README.md"));
        var header = Array.IndexOf(lines, "| variable | default | meaning |");
        header.ShouldBeGreaterThan(0, "the README has the configuration table");
        return lines.Skip(header + 2).TakeWhile(line => line.StartsWith('|'))
            .Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .ToDictionary(cells => cells[1].Trim('`'), cells => cells[2], StringComparer.Ordinal);
    }

    /// <summary>Variable → meaning cell of the same table, as plain text (no code spans, link text only).</summary>
    private static IReadOnlyDictionary<string, string> ReadmeMeanings()
    {
        var lines = File.ReadAllLines(Path.Combine(NodeTools.RepositoryRoot, "README.md"));
        var header = Array.IndexOf(lines, "| variable | default | meaning |");
        return lines.Skip(header + 2).TakeWhile(line => line.StartsWith('|'))
            .Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .ToDictionary(cells => cells[1].Trim('`'), cells => Regex.Replace(cells[3], @"\[([^\]]*)\]\([^)]*\)", "$1").Replace("`", ""), StringComparer.Ordinal);
    }

    /// <summary>Every name a setting or a provider variable may be set under.</summary>
    private static readonly HashSet<string> Known =
        SettingTable.AcceptedInAdvancedEnv(ProviderCatalog.All).Append(SettingTable.AdvancedEnv.Name).ToHashSet(StringComparer.Ordinal);

    public static TheoryData<string> Settings => new(SettingTable.All.Select(s => s.Name));

    private static Setting Row(string name) => SettingTable.All.Single(s => s.Name == name);

    [Theory]
    [MemberData(nameof(Settings))]
    public void EnvExampleListsEverySettingWithItsDefaultOrEmpty(string name)
    {
        var example = EnvExample();
        example.ShouldContainKey(name, $".env.example has no {name}= line");
        var documented = Row(name).DocumentedDefault;
        if (example[name].Length > 0)
            example[name].ShouldBe(documented, $".env.example sets {name} to something other than its default");
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void ReadmeTableListsEverySettingWithItsDefault(string name)
    {
        var readme = ReadmeTable();
        readme.ShouldContainKey(name, $"the README's configuration table has no {name} row");
        if (Row(name).DocumentedDefault is { } documented)
            readme[name].ShouldBe($"`{documented}`");
        else
            Regex.IsMatch(readme[name], "^`[^`]*`$").ShouldBeFalse($"the README gives {name} a plain default ({readme[name]}), which the table does not have");
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void ReadmeTableMeaningIsTheSettingsDescription(string name) =>
        ReadmeMeanings()[name].ShouldBe(Row(name).Description, "the README's wording is the one users read; the row's description copies it");

    [Fact]
    public void EnvExampleHasNoVariableTheProxyDoesNotRead()
    {
        EnvExample().Keys.Where(name => !Known.Contains(name)).ShouldBeEmpty();
    }

    [Fact]
    public void ReadmeTableHasNoVariableTheProxyDoesNotRead()
    {
        ReadmeTable().Keys.Where(name => !Known.Contains(name)).ShouldBeEmpty();
    }

    [Fact]
    public void EnvExampleGivesEveryProviderItsDefaultBaseUrlAndAnEmptyKey()
    {
        var example = EnvExample();
        foreach (var provider in ProviderCatalog.All)
        {
            example.GetValueOrDefault(provider.BaseUrlVariable).ShouldBe(provider.DefaultBaseUrl, provider.BaseUrlVariable);
            example.GetValueOrDefault(provider.KeyVariable).ShouldBe("", provider.KeyVariable);
        }
    }
}
