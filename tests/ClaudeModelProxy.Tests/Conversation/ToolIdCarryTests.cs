using System.Text.Json;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Tests.Support;
using CsCheck;

namespace ClaudeModelProxy.Tests.Conversation;

/// <summary>Kimi's tool ids, made valid for Anthropic clients, carry the original: no process has to remember it.</summary>
public class ToolIdCarryTests
{
    [Fact]
    public async Task AKimiToolIdIssuedByOneGatewayIsRestoredByAnotherOne()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json("""{"id":"msg_1","type":"message","role":"assistant","model":"kimi-k2.6","content":[{"type":"tool_use","id":"functions.Bash:0","name":"Bash","input":{"command":"ls"}}],"stop_reason":"tool_use","usage":{"input_tokens":1,"output_tokens":1}}""");
        string id;
        await using (var first = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream)))
        {
            using var reply = await first.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-kimi-k2.6","messages":[{"role":"user","content":"ls"}]}"""));
            id = JsonDocument.Parse(await reply.Content.ReadAsStringAsync()).RootElement.GetProperty("content")[0].GetProperty("id").GetString()!;
        }
        id.ShouldMatch("^[A-Za-z0-9_-]+$");

        await using var second = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));
        var followUp = $$$"""{"model":"claude-kimi-k2.6","messages":[{"role":"user","content":"ls"},{"role":"assistant","content":[{"type":"tool_use","id":"{{{id}}}","name":"Bash","input":{"command":"ls"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"{{{id}}}","content":"a.txt"}]}]}""";
        using var _ = await second.Client.SendAsync(TestGateway.MessagesRequest(followUp));

        var sent = upstream.LastRequest.BodyText;
        sent.ShouldContain("\"id\":\"functions.Bash:0\"");
        sent.ShouldContain("\"tool_use_id\":\"functions.Bash:0\"");
    }

    [Fact]
    public void AnyInvalidIdRoundTripsAndAnIdThatOnlyLooksLikeOursIsLeftAlone()
    {
        var sanitizer = new ToolIdSanitizer();
        Gen.String[1, 60].Where(s => !s.Any(char.IsSurrogate) && !ToolIdSanitizer.IsValid(System.Text.Encoding.UTF8.GetBytes(s))).Sample(original =>
        {
            var id = sanitizer.Sanitize(original);
            ToolIdSanitizer.IsValid(System.Text.Encoding.UTF8.GetBytes(id)).ShouldBeTrue();
            new ToolIdSanitizer().OriginalOf(id).ShouldBe(original);
        }, iter: 5_000);
        sanitizer.OriginalOf("toolu_mine_cmptZnVuY3Rpb25zLkJhc2g6MA").ShouldBeNull("the readable part does not match the carried id");
        sanitizer.OriginalOf("toolu_01ABC").ShouldBeNull();
        sanitizer.OriginalOf("x_cmpt!!").ShouldBeNull();
    }

    [Fact]
    public void AnIdThatOnlyLooksLikeOursNeverThrows()
    {
        var sanitizer = new ToolIdSanitizer();
        // Base64Url.IsValid passes these and its decoder throws on them.
        sanitizer.OriginalOf("call_cmptJ0").ShouldBeNull();
        sanitizer.OriginalOf("call_cmpthg %").ShouldBeNull();
        Gen.String.Select(s => "x_cmpt" + s).Sample(id => { sanitizer.OriginalOf(id); }, iter: 20_000);
    }

    [Fact]
    public async Task AClientIdThatOnlyLooksLikeOursIsForwardedAsItIs()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json("""{"id":"msg_1","type":"message","role":"assistant","model":"kimi-k2.6","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}""");
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));
        const string followUp = """{"model":"claude-kimi-k2.6","messages":[{"role":"user","content":"ls"},{"role":"assistant","content":[{"type":"tool_use","id":"call_cmpthg %","name":"Bash","input":{"command":"ls"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"call_cmpthg %","content":"a.txt"}]}]}""";
        using var reply = await gateway.Client.SendAsync(TestGateway.MessagesRequest(followUp));

        ((int)reply.StatusCode).ShouldBe(200, await reply.Content.ReadAsStringAsync());
        upstream.LastRequest.BodyText.ShouldContain("\"tool_use_id\":\"call_cmpthg %\"");
    }
}
