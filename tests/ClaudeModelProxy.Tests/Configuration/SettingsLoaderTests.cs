using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Providers;

namespace ClaudeModelProxy.Tests.Configuration;

public class SettingsLoaderTests
{
    private static ProxySettings Load(params (string Key, string? Value)[] variables) =>
        SettingsLoader.Load(variables.ToDictionary(v => v.Key, v => v.Value));

    [Fact]
    public void FamilySlotDefaultsComeFromTheCatalogTheLoaderIsGiven()
    {
        var withoutDeepSeek = new ProviderCatalog([.. ProviderCatalog.All.Where(p => p.Id != "deepseek")]);

        var settings = SettingsLoader.Load(new Dictionary<string, string?>(), catalog: withoutDeepSeek);

        settings.FamilySlots.ShouldBeEmpty("only DeepSeek fills the slots by default");
        new ClaudeModelProxy.Core.Routing.ModelRouter(settings).ResolveSlot("sonnet").Error.ShouldNotBeNull();
        SettingsLoader.Load(new Dictionary<string, string?> { ["CLAUDE_MODEL_MAP"] = "sonnet=claude-gpt-5.5" }, catalog: withoutDeepSeek)
            .FamilySlots.ShouldBe(new Dictionary<string, string> { ["sonnet"] = "claude-gpt-5.5" });
    }

    /// <summary>The original project's default tables, as its README prints them (MODEL_MAP; the aliases and routes follow from it).</summary>
    private static readonly (string Alias, string Upstream, string Provider)[] SeedDefaults =
    [
        ("claude-deepseek-v4-flash", "deepseek-v4-flash", "deepseek"), ("claude-deepseek-v4-pro", "deepseek-v4-pro", "deepseek"),
        ("claude-kimi-k2.6", "kimi-k2.6", "moonshot"),
        ("claude-glm-4.5-air", "glm-4.5-air", "glm"), ("claude-glm-4.6", "glm-4.6", "glm"), ("claude-glm-4.7", "glm-4.7", "glm"),
        ("claude-glm-5", "glm-5", "glm"), ("claude-glm-5.1", "glm-5.1", "glm"),
        ("claude-mimo-v2-flash", "mimo-v2-flash", "xiaomi"), ("claude-mimo-v2-pro", "mimo-v2-pro", "xiaomi"),
        ("claude-mimo-v2.5-pro", "mimo-v2.5-pro", "xiaomi"), ("claude-mimo-v2-omni", "mimo-v2-omni", "xiaomi"),
        ("claude-gpt-5.5", "gpt-5.5", "openai"), ("claude-gpt-5.4", "gpt-5.4", "openai"), ("claude-gpt-5.4-mini", "gpt-5.4-mini", "openai"),
        ("claude-gemini-3.1-pro-preview", "gemini-3.1-pro-preview", "gemini"), ("claude-gemini-3-flash-preview", "gemini-3-flash-preview", "gemini"),
        ("claude-gemini-2.5-pro", "gemini-2.5-pro", "gemini"), ("claude-gemini-2.5-flash", "gemini-2.5-flash", "gemini"),
        ("claude-gemini-3.1-flash-lite-preview", "gemini-3.1-flash-lite-preview", "gemini"), ("claude-gemini-2.0-flash", "gemini-2.0-flash", "gemini"),
        ("claude-qwen-flash", "qwen-flash", "qwen"), ("claude-qwen-plus", "qwen-plus", "qwen"), ("claude-qwen-max", "qwen-max", "qwen"),
        ("claude-haiku-4-5", "claude-haiku-4-5", "anthropic"), ("claude-sonnet-4-6", "claude-sonnet-4-6", "anthropic"),
        ("claude-opus-4-7", "claude-opus-4-7", "anthropic"), ("claude-sonnet-4-5", "claude-sonnet-4-5", "anthropic"),
        ("claude-opus-4-1", "claude-opus-4-1", "anthropic"),
    ];

    [Fact]
    public void DefaultsMatchTheOriginalProject()
    {
        var settings = Load();
        settings.BaseUrl.ShouldBe("http://127.0.0.1:8787");
        settings.Port.ShouldBe(8787);
        settings.RewriteResponses.ShouldBeTrue();
        settings.Problems.ShouldBeEmpty();
        foreach (var (alias, upstream, provider) in SeedDefaults)
        {
            settings.ModelMap[alias].ShouldBe(upstream);
            settings.ModelAliases[upstream].ShouldBe(alias);
            settings.ModelRoutes[upstream].ShouldBe(provider);
        }
        // With nothing set, the tables are the catalog's: the seed's entries and whatever a provider folder added since.
        settings.ModelMap.ShouldBe(ProviderCatalog.All.ModelMap, ignoreOrder: true);
        settings.ModelAliases.ShouldBe(ProviderCatalog.All.ModelAliases, ignoreOrder: true);
        settings.ModelRoutes.ShouldBe(ProviderCatalog.All.ModelRoutes, ignoreOrder: true);
    }

    [Theory]
    [InlineData("deepseek", "https://api.deepseek.com/anthropic", WireFormat.AnthropicMessages, KeyScheme.Bearer)]
    [InlineData("moonshot", "https://api.moonshot.cn/anthropic", WireFormat.AnthropicMessages, KeyScheme.Bearer)]
    [InlineData("glm", "https://api.z.ai/api/anthropic", WireFormat.AnthropicMessages, KeyScheme.Bearer)]
    [InlineData("xiaomi", "https://api.xiaomimimo.com/anthropic", WireFormat.AnthropicMessages, KeyScheme.Bearer)]
    [InlineData("anthropic", "https://api.anthropic.com", WireFormat.AnthropicMessages, KeyScheme.XApiKey)]
    [InlineData("openai", "https://api.openai.com/v1", WireFormat.ChatCompletions, KeyScheme.Bearer)]
    [InlineData("gemini", "https://generativelanguage.googleapis.com/v1beta/openai", WireFormat.ChatCompletions, KeyScheme.Bearer)]
    [InlineData("qwen", "https://dashscope.aliyuncs.com/compatible-mode/v1", WireFormat.ChatCompletions, KeyScheme.Bearer)]
    public void EachProviderHasTheSeedDefaults(string id, string baseUrl, WireFormat format, KeyScheme scheme)
    {
        var provider = Load().FindProvider(id).ShouldNotBeNull();
        provider.BaseUrl.ShouldBe(baseUrl);
        provider.Definition.Format.ShouldBe(format);
        provider.Definition.KeyScheme.ShouldBe(scheme);
        provider.HasApiKey.ShouldBeFalse();
    }

    [Theory]
    [InlineData("ZAI_API_KEY", "glm")]
    [InlineData("ZHIPU_API_KEY", "glm")]
    [InlineData("MIMO_API_KEY", "xiaomi")]
    [InlineData("GOOGLE_API_KEY", "gemini")]
    [InlineData("DASHSCOPE_API_KEY", "qwen")]
    public void KeyAliasesAreAccepted(string variable, string provider)
    {
        Load((variable, "secret")).FindProvider(provider)!.ApiKey.ShouldBe("secret");
    }

    [Fact]
    public void ThePrimaryKeyVariableWinsOverItsAlias()
    {
        Load(("GLM_API_KEY", "primary"), ("ZAI_API_KEY", "alias")).FindProvider("glm")!.ApiKey.ShouldBe("primary");
    }

    [Fact]
    public void BaseUrlOverridesLoseTheirTrailingSlash()
    {
        Load(("DEEPSEEK_BASE_URL", "http://127.0.0.1:9000/anthropic/")).FindProvider("deepseek")!.BaseUrl.ShouldBe("http://127.0.0.1:9000/anthropic");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("${user_config.glm_api_key}")]
    [InlineData("${HOME}")]
    public void EmptyValuesAndUnsubstitutedPlaceholdersCountAsUnset(string value)
    {
        var settings = Load(("GLM_API_KEY", value), ("PORT", value), ("DEEPSEEK_BASE_URL", value));
        settings.FindProvider("glm")!.HasApiKey.ShouldBeFalse();
        settings.Port.ShouldBe(8787);
        settings.FindProvider("deepseek")!.BaseUrl.ShouldBe("https://api.deepseek.com/anthropic");
        settings.Problems.ShouldBeEmpty();
    }

    [Fact]
    public void AdvancedEnvSuppliesVariablesOfAnyKind()
    {
        var settings = Load(("ADVANCED_ENV", """{"GLM_API_KEY":"glm-key","PORT":9999,"REWRITE_RESPONSES":false,"MODEL_MAP":{"claude-fast":"glm-4.7"}}"""));
        settings.FindProvider("glm")!.ApiKey.ShouldBe("glm-key");
        settings.Port.ShouldBe(9999);
        settings.RewriteResponses.ShouldBeFalse();
        settings.ModelMap["claude-fast"].ShouldBe("glm-4.7");
        settings.Problems.ShouldBeEmpty();
    }

    [Fact]
    public void TheEnvironmentWinsOverAdvancedEnv()
    {
        var settings = Load(("ADVANCED_ENV", """{"GLM_API_KEY":"from-advanced","PORT":"9999"}"""), ("GLM_API_KEY", "from-env"));
        settings.FindProvider("glm")!.ApiKey.ShouldBe("from-env");
        settings.Port.ShouldBe(9999);
    }

    [Fact]
    public void AnEmptyEnvironmentValueLetsAdvancedEnvThrough()
    {
        Load(("ADVANCED_ENV", """{"GLM_API_KEY":"from-advanced"}"""), ("GLM_API_KEY", "${user_config.glm_api_key}"))
            .FindProvider("glm")!.ApiKey.ShouldBe("from-advanced");
    }

    [Fact]
    public void PlaceholderAdvancedEnvIsIgnoredQuietly()
    {
        var settings = Load(("ADVANCED_ENV", "${user_config.advanced_env}"));
        settings.Problems.ShouldBeEmpty();
    }

    [Fact]
    public void EnvFileRanksBelowTheEnvironmentAndAboveAdvancedEnv()
    {
        var file = new Dictionary<string, string> { ["GLM_API_KEY"] = "from-file", ["MOONSHOT_API_KEY"] = "file-moonshot", ["ADVANCED_ENV"] = """{"MOONSHOT_API_KEY":"advanced","QWEN_API_KEY":"advanced-qwen"}""" };
        var settings = SettingsLoader.Load(new Dictionary<string, string?> { ["GLM_API_KEY"] = "from-env" }, file);
        settings.FindProvider("glm")!.ApiKey.ShouldBe("from-env");
        settings.FindProvider("moonshot")!.ApiKey.ShouldBe("file-moonshot");
        settings.FindProvider("qwen")!.ApiKey.ShouldBe("advanced-qwen");
    }

    [Fact]
    public void BadAdvancedEnvJsonIsReportedAndTheRestStillLoads()
    {
        var settings = Load(("ADVANCED_ENV", "{not json"), ("DEEPSEEK_API_KEY", "k"));
        settings.FindProvider("deepseek")!.HasApiKey.ShouldBeTrue();
        settings.Problems.ShouldHaveSingleItem().Setting.ShouldBe("ADVANCED_ENV");
        settings.Problems[0].Message.ShouldContain("not valid JSON");
    }

    [Fact]
    public void AdvancedEnvThatIsNotAnObjectIsReported()
    {
        Load(("ADVANCED_ENV", "[1,2]")).Problems.ShouldHaveSingleItem().Message.ShouldContain("JSON object");
    }

    [Fact]
    public void UnknownAdvancedEnvKeysAreReported()
    {
        var settings = Load(("ADVANCED_ENV", """{"GLM_KEY":"typo"}"""));
        settings.Problems.ShouldHaveSingleItem().Message.ShouldContain("GLM_KEY");
    }

    public static TheoryData<string> SettingsOtherThanAdvancedEnv =>
        new(SettingTable.All.Where(s => s != SettingTable.AdvancedEnv).Select(s => s.Name));

    [Theory]
    [MemberData(nameof(SettingsOtherThanAdvancedEnv))]
    public void EverySettingCanBeSetInsideAdvancedEnv(string name)
    {
        var value = SettingTable.All.Single(s => s.Name == name).DocumentedDefault ?? "{}";
        Load(("ADVANCED_ENV", new System.Text.Json.Nodes.JsonObject { [name] = value }.ToJsonString())).Problems.ShouldBeEmpty();
    }

    public static TheoryData<string> SettingsThatRefuseSomeText =>
        new(SettingTable.All.Where(s => s != SettingTable.ProxyAuthToken).Select(s => s.Name));

    [Theory]
    [MemberData(nameof(SettingsThatRefuseSomeText))]
    public void EverySettingInTheTableIsReadAndABadValueKeepsTheDocumentedDefault(string name)
    {
        var problem = Load((name, "not a value")).Problems.ShouldHaveSingleItem();
        problem.Setting.ShouldBe(name);
        if (SettingTable.All.Single(s => s.Name == name).DocumentedDefault is { } documented)
            problem.Message.ShouldEndWith(documented);
    }

    [Fact]
    public void NoRowFollowsARowThatFollowsAnother()
    {
        // The loader reads followers after the rest, one level deep.
        SettingTable.All.Where(s => s.Follows is { } followed && followed.Follows is not null).ShouldBeEmpty();
    }

    [Fact]
    public void ProxyAuthTokenTakesAnyText()
    {
        Load(("PROXY_AUTH_TOKEN", "not a value")).ProxyAuthToken.ShouldBe("not a value");
    }

    [Fact]
    public void AdvancedEnvCannotHoldAnotherAdvancedEnv()
    {
        Load(("ADVANCED_ENV", """{"ADVANCED_ENV":"{}"}""")).Problems.ShouldHaveSingleItem().Message.ShouldContain("\"ADVANCED_ENV\" is not a setting this proxy knows");
    }

    [Fact]
    public void NonNumericPortIsReportedAndTheDefaultUsed()
    {
        var settings = Load(("PORT", "eighty"));
        settings.Port.ShouldBe(8787);
        settings.Problems.ShouldHaveSingleItem().Setting.ShouldBe("PORT");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("70000")]
    public void OutOfRangePortIsReported(string port)
    {
        Load(("PORT", port)).Problems.ShouldHaveSingleItem().Setting.ShouldBe("PORT");
    }

    [Fact]
    public void PortChangesTheDefaultBaseUrl()
    {
        Load(("PORT", "9001")).BaseUrl.ShouldBe("http://127.0.0.1:9001");
    }

    [Fact]
    public void InvalidBooleanIsReported()
    {
        var settings = Load(("REWRITE_RESPONSES", "maybe"));
        settings.RewriteResponses.ShouldBeTrue();
        settings.Problems.ShouldHaveSingleItem().Setting.ShouldBe("REWRITE_RESPONSES");
    }

    [Fact]
    public void InvalidProviderUrlIsReportedWithoutLeakingCredentials()
    {
        var settings = Load(("OPENAI_BASE_URL", "ftp://user:hunter2@example"));
        settings.FindProvider("openai")!.BaseUrl.ShouldBe("https://api.openai.com/v1");
        var problem = settings.Problems.ShouldHaveSingleItem();
        problem.Message.ShouldNotContain("hunter2");
    }

    [Fact]
    public void ModelMapAcceptsJsonAndOverridesOnlyTheNamedEntries()
    {
        var settings = Load(("MODEL_MAP", """{"claude-deepseek-v4-pro":"deepseek-v4-flash","claude-new":"glm-5"}"""));
        settings.ModelMap["claude-deepseek-v4-pro"].ShouldBe("deepseek-v4-flash");
        settings.ModelMap["claude-new"].ShouldBe("glm-5");
        settings.ModelMap["claude-kimi-k2.6"].ShouldBe("kimi-k2.6");
        settings.ModelMap.Count.ShouldBe(ProviderCatalog.All.ModelMap.Count + 1);
    }

    [Fact]
    public void ModelMapAcceptsPairSyntax()
    {
        var settings = Load(("MODEL_MAP", "claude-a=glm-5, claude-b = qwen-max"), ("MODEL_ALIASES", "glm-5=claude-a"), ("MODEL_ROUTES", "my-model=OpenAI"));
        settings.ModelMap["claude-a"].ShouldBe("glm-5");
        settings.ModelMap["claude-b"].ShouldBe("qwen-max");
        settings.ModelAliases["glm-5"].ShouldBe("claude-a");
        settings.ModelRoutes["my-model"].ShouldBe("openai");
    }

    [Fact]
    public void BadModelMapIsReportedAndDefaultsKept()
    {
        var settings = Load(("MODEL_MAP", "{\"a\":"));
        settings.ModelMap.ShouldBe(ProviderCatalog.All.ModelMap, ignoreOrder: true);
        settings.Problems.ShouldHaveSingleItem().Setting.ShouldBe("MODEL_MAP");
    }

    [Fact]
    public void MalformedPairIsReported()
    {
        Load(("MODEL_ALIASES", "just-a-word")).Problems.ShouldHaveSingleItem().Message.ShouldContain("from=to");
    }

    [Fact]
    public void RouteToUnknownProviderIsReportedAndIgnored()
    {
        var settings = Load(("MODEL_ROUTES", """{"glm-5":"no-such-provider"}"""));
        settings.ModelRoutes["glm-5"].ShouldBe("glm");
        settings.Problems.ShouldHaveSingleItem().Message.ShouldContain("unknown provider \"no-such-provider\"");
    }

    [Fact]
    public void MappedModelWithoutRouteIsReported()
    {
        Load(("MODEL_MAP", "claude-x=mystery-model")).Problems.ShouldHaveSingleItem().Message.ShouldContain("MODEL_ROUTES");
    }
}
