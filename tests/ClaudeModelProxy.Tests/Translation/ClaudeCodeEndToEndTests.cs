using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Translation;

/// <summary>
/// Claude Code itself (the real CLI, <c>@anthropic-ai/claude-code</c> at the version pinned in
/// <c>tests/claude-code/run.sh</c>) through the translated route: a fake OpenAI upstream answers with a Bash
/// tool call, Claude Code runs it and sends the tool_result back through the gateway (see that script); then the
/// same on a Gemini alias with the gateway restarted between the tool call and the tool result, where the fake
/// Gemini must get back the real thought signature it issued.
/// </summary>
/// <remarks>
/// Opt-in: it runs only when <c>CLAUDE_MODEL_PROXY_E2E_CLAUDE_CODE=1</c> is set, because the first run installs
/// Claude Code from npm — a download of about 190 MB (a 400 MB native binary) that would land on every CI run,
/// whose machines start without it. Otherwise it only checks that the script is there. Once installed, a run
/// takes about two seconds.
/// </remarks>
public class ClaudeCodeEndToEndTests
{
    private static string Folder => Path.Combine(NodeTools.RepositoryRoot, "tests", "claude-code");

    [Fact]
    public async Task ClaudeCodeRunsBashThroughTheTranslatedRouteAndSendsTheToolResultBack()
    {
        var script = Path.Combine(Folder, "run.sh");
        File.Exists(script).ShouldBeTrue();
        File.Exists(Path.Combine(Folder, "fake-openai.mjs")).ShouldBeTrue();
        if (Environment.GetEnvironmentVariable("CLAUDE_MODEL_PROXY_E2E_CLAUDE_CODE") != "1") return;

        var run = await NodeTools.RunAsync("bash", [script], workingDirectory: Folder, environment: GatewayUnderTest(), timeout: TimeSpan.FromMinutes(5));

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Stdout.ShouldContain("PASS: Claude Code", Case.Sensitive, run.ToString());
        run.Stdout.ShouldContain("ok   tool message for call_e2e_", Case.Sensitive, run.ToString());
        // The default OpenAI wire is the Responses API: reasoning requested, and turn 1's encrypted reasoning sent back.
        run.Stdout.ShouldContain("ok   reasoning requested with the tools", Case.Sensitive, run.ToString());
        run.Stdout.ShouldContain("exactly as minted) before the function_call", Case.Sensitive, run.ToString());
        run.Stdout.ShouldContain("ok   every tool call came back with the real thought signature it was issued", Case.Sensitive, run.ToString());
        run.Stdout.ShouldContain("the gateway restarted in between", Case.Sensitive, run.ToString());
    }

    [Fact]
    public async Task ClaudeCodeDiscoversTheGatewaysModelsAndRunsBashThroughTheFamilySlots()
    {
        var script = Path.Combine(Folder, "run-slots.sh");
        File.Exists(script).ShouldBeTrue();
        File.Exists(Path.Combine(Folder, "fake-anthropic.mjs")).ShouldBeTrue();
        if (Environment.GetEnvironmentVariable("CLAUDE_MODEL_PROXY_E2E_CLAUDE_CODE") != "1") return;

        var run = await NodeTools.RunAsync("bash", [script], workingDirectory: Folder, environment: GatewayUnderTest(), timeout: TimeSpan.FromMinutes(5));

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Stdout.ShouldContain("PASS: Claude Code", Case.Sensitive, run.ToString());
        run.Stdout.ShouldContain("ok   the upstream saw only deepseek-v4-pro", Case.Sensitive, run.ToString());
        run.Stdout.ShouldContain("ok   the upstream saw only deepseek-v4-flash", Case.Sensitive, run.ToString());
        run.Stdout.ShouldContain("ok   Claude Code discovered exactly what GET /v1/models lists", Case.Sensitive, run.ToString());
    }

    /// <summary>The gateway built in the same configuration as these tests, so a run checks the code under test.</summary>
    private static Dictionary<string, string?> GatewayUnderTest()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var gateway = Path.Combine(NodeTools.RepositoryRoot, "src", "ClaudeModelProxy", "bin", output.Parent!.Name, output.Name, "claude-model-proxy");
        var environment = new Dictionary<string, string?>();
        if (File.Exists(gateway)) environment["CLAUDE_MODEL_PROXY_BIN"] = gateway;
        return environment;
    }
}
