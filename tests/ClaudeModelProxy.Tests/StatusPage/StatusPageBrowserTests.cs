using System.Text.Json.Nodes;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.StatusPage;

/// <summary>The status page in Debian's headless Chromium, driven by playwright-core (tests/js/status-page.mjs).</summary>
public class StatusPageBrowserTests
{
    private const string ProxyToken = "browser-page-token-7788";

    [ChromiumFact]
    public async Task InABrowserThePageListsEveryProviderAndAliasUpdatesItsCountersAndNeverShowsAKey()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json("""{"id":"msg_1","type":"message","role":"assistant","model":"deepseek-v4-pro","content":[{"type":"text","text":"hi"}],"usage":{"input_tokens":21,"output_tokens":4,"cache_read_input_tokens":7}}""");
        var env = TestGateway.AllProvidersAt(upstream);
        env["DEEPSEEK_BASE_URL"] = upstream.BaseUrl;
        env["PROXY_AUTH_TOKEN"] = ProxyToken;
        await using var gateway = await TestGateway.StartAsync(env);
        var screenshot = Path.Combine(AppContext.BaseDirectory, "status-page.png");
        File.Delete(screenshot);

        var run = await NodeTools.RunAsync("node",
            [Path.Combine(NodeTools.JsFolder, "status-page.mjs"), $"{gateway.Url}/status#token={ProxyToken}", $"{gateway.Url}/v1/messages", ProxyToken, "claude-deepseek-v4-pro", screenshot],
            workingDirectory: NodeTools.JsFolder, timeout: TimeSpan.FromMinutes(2));
        run.ExitCode.ShouldBe(0, run.ToString());
        var seen = JsonNode.Parse(run.Stdout)!;

        seen["gatewayStatus"]!.GetValue<int>().ShouldBe(200);
        var before = seen["before"]!;
        before["providers"]!.AsArray().Select(p => p!.GetValue<string>()).ShouldBe(gateway.Settings.Providers.Select(p => p.Id), ignoreOrder: true);
        before["aliases"]!.AsArray().Select(a => a!.GetValue<string>()).ShouldBe(gateway.Settings.ModelMap.Keys, ignoreOrder: true);
        before["slots"]!.AsArray().Select(a => a!.GetValue<string>()).ShouldBe(
            ClaudeModelProxy.Core.Routing.ClaudeModelIds.Families.Select(ClaudeModelProxy.Core.Routing.ClaudeModelIds.SlotId), ignoreOrder: true);
        before["addressBar"]!.GetValue<string>().ShouldNotContain(ProxyToken, customMessage: "the script removes the token from the address bar");
        before["total"]!.GetValue<string>().ShouldBe("0");

        var after = seen["after"]!;
        after["total"]!.GetValue<string>().ShouldBe("1");
        after["modelRequests"]!.GetValue<string>().ShouldBe("1");
        after["sessions"]!.AsArray().Select(s => s!.GetValue<string>()).ShouldBe(["browser-test-session"]);
        after["recentRows"]!.AsArray().ShouldHaveSingleItem()!.GetValue<string>().ShouldContain("claude-deepseek-v4-pro → deepseek/deepseek-v4-pro");
        after["live"]!.GetValue<string>().ShouldStartWith("Live: updated");
        seen["consoleErrors"]!.AsArray().ShouldBeEmpty("no CSP violation or script error");

        // Neither the page nor any request or response the browser made carries a provider key.
        var everything = seen.ToJsonString();
        foreach (var provider in gateway.Settings.Providers) everything.ShouldNotContain(provider.ApiKey!);
        seen["requests"]!.AsArray().ShouldAllBe(r => r!["url"]!.GetValue<string>().StartsWith(gateway.Url + "/status"));

        var locked = seen["lockedView"]!;
        locked["status"]!.GetValue<int>().ShouldBe(401);
        locked["text"]!.GetValue<string>().ShouldContain("Token required");
        locked["providerRows"]!.GetValue<int>().ShouldBe(0);

        File.Exists(screenshot).ShouldBeTrue();
        new FileInfo(screenshot).Length.ShouldBeGreaterThan(10_000);
    }
}
