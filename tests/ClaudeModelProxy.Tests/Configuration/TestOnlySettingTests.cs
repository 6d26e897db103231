using ClaudeModelProxy.Core.Configuration;

namespace ClaudeModelProxy.Tests.Configuration;

/// <summary>
/// A plain setting is one row: these exist only in this test project, are handed to the loader as extra rows, and are
/// read back with <see cref="ProxySettings.Get{T}"/> without a property or a loader line of their own.
/// </summary>
public class TestOnlySettingTests
{
    private static readonly Setting<int> WidgetCount = new("TEST_WIDGET_COUNT", 3, SettingParsers.Count(1, 9), "widgets per request");

    /// <summary>A default that follows another row, as BASE_URL's follows PORT.</summary>
    private static readonly Setting<int> SpareWidgets = new("TEST_SPARE_WIDGETS", 6, SettingParsers.Count(0, 99), "spares kept, twice the count unless set")
    {
        DefaultFollowing = FollowingDefault.Of(WidgetCount, count => 2 * count),
    };

    private static readonly Setting[] Extra = [SpareWidgets, WidgetCount];

    private static ProxySettings Load(params (string Key, string? Value)[] variables) =>
        SettingsLoader.Load(variables.ToDictionary(v => v.Key, v => v.Value), extraSettings: Extra);

    [Fact]
    public void AnUnsetRowHasItsDefault()
    {
        var settings = Load();
        settings.Get(WidgetCount).ShouldBe(3);
        settings.Problems.ShouldBeEmpty();
        SettingsLoader.Load(new Dictionary<string, string?>()).Get(WidgetCount).ShouldBe(3, "a bag that never read the row has its default too");
    }

    [Fact]
    public void ASetRowIsReadFromTheEnvironmentTheEnvFileAndAdvancedEnv()
    {
        Load(("TEST_WIDGET_COUNT", "7")).Get(WidgetCount).ShouldBe(7);
        SettingsLoader.Load(new Dictionary<string, string?>(), new Dictionary<string, string> { ["TEST_WIDGET_COUNT"] = "5" }, extraSettings: Extra).Get(WidgetCount).ShouldBe(5);
        var advanced = Load(("ADVANCED_ENV", """{"TEST_WIDGET_COUNT":4}"""));
        advanced.Problems.ShouldBeEmpty();
        advanced.Get(WidgetCount).ShouldBe(4);
    }

    [Fact]
    public void ABadValueIsAProblemAndKeepsTheDefault()
    {
        var settings = Load(("TEST_WIDGET_COUNT", "lots"));
        settings.Get(WidgetCount).ShouldBe(3);
        var problem = settings.Problems.ShouldHaveSingleItem();
        problem.Setting.ShouldBe("TEST_WIDGET_COUNT");
        problem.Message.ShouldBe("\"lots\" is not a whole number from 1 to 9; using 3");
    }

    [Fact]
    public void ADefaultThatFollowsAnotherRowIsReadAfterIt()
    {
        Load(("TEST_WIDGET_COUNT", "8")).Get(SpareWidgets).ShouldBe(16, "listed first, it is still read after the row it follows");
        Load(("TEST_WIDGET_COUNT", "8"), ("TEST_SPARE_WIDGETS", "1")).Get(SpareWidgets).ShouldBe(1);
    }

    [Fact]
    public void WithWritesANewBagAndLeavesTheOldOne()
    {
        var settings = Load();
        var changed = settings with { Values = settings.Values.With(WidgetCount, 9) };
        changed.Get(WidgetCount).ShouldBe(9);
        settings.Get(WidgetCount).ShouldBe(3);
        changed.Port.ShouldBe(settings.Port, "the other rows are untouched");
    }

    [Fact]
    public void TheRowIsNotInTheProductionTable()
    {
        SettingTable.All.ShouldNotContain(WidgetCount);
        SettingsLoader.Load(new Dictionary<string, string?> { ["ADVANCED_ENV"] = """{"TEST_WIDGET_COUNT":4}""" })
            .Problems.ShouldHaveSingleItem().Message.ShouldContain("not a setting this proxy knows");
    }
}
