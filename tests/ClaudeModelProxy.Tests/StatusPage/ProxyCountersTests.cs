using ClaudeModelProxy.Status;

namespace ClaudeModelProxy.Tests.StatusPage;

public class ProxyCountersTests
{
    private static RequestRecord Request(int i, string? session = null, int status = 200, double ms = 10) => new()
    {
        At = DateTimeOffset.UnixEpoch.AddSeconds(i),
        Alias = "claude-test",
        Provider = "deepseek",
        UpstreamModel = "deepseek-v4-pro",
        Status = status,
        DurationMs = ms,
        InputTokens = 10,
        CachedInputTokens = 4,
        OutputTokens = 2,
        ErrorType = ProxyCounters.ErrorTypeOf(status, status >= 400 ? $"failure {i}" : null),
        Error = status >= 400 ? $"failure {i}" : null,
        Session = session,
    };

    [Fact]
    public void OnlyTheLastFiftyRequestsAreKeptNewestFirst()
    {
        var counters = new ProxyCounters();
        for (var i = 0; i < 120; i++) counters.Record(Request(i));

        var recent = counters.Recent();

        recent.Count.ShouldBe(ProxyCounters.RecentCapacity);
        recent[0].At.ShouldBe(DateTimeOffset.UnixEpoch.AddSeconds(119));
        recent[^1].At.ShouldBe(DateTimeOffset.UnixEpoch.AddSeconds(70));
        counters.Snapshot()["claude-test"].Requests.ShouldBe(120);
    }

    [Fact]
    public void SessionsAreCappedAndTheLeastRecentlySeenIsDroppedFirst()
    {
        var counters = new ProxyCounters();
        for (var i = 0; i < ProxyCounters.MaxSessions; i++) counters.Record(Request(i, $"session-{i}"));
        counters.Record(Request(1000, "session-0")); // seen again: now the most recent

        counters.Record(Request(1001, "a-new-session"));

        var sessions = counters.Sessions();
        sessions.Count.ShouldBe(ProxyCounters.MaxSessions);
        sessions[0].Session.ShouldBe("a-new-session");
        sessions.ShouldContain(s => s.Session == "session-0");
        sessions.ShouldNotContain(s => s.Session == "session-1");
        sessions.Single(s => s.Session == "session-0").Counters.Requests.ShouldBe(2);
    }

    [Fact]
    public void FailuresAreCountedByTypeWithPercentilesCachedTokensAndTheLastFailure()
    {
        var counters = new ProxyCounters();
        for (var i = 1; i <= 100; i++) counters.Record(Request(i, ms: i));
        counters.Record(Request(200, status: 401, ms: 5));
        counters.Record(Request(201, status: 429, ms: 5));
        counters.Record(Request(202, status: 429, ms: 5));

        var snapshot = counters.Snapshot()["claude-test"];

        snapshot.Requests.ShouldBe(103);
        snapshot.Errors.ShouldBe(3);
        snapshot.ErrorsByType.ShouldBe(new Dictionary<string, long> { ["authentication_error"] = 1, ["rate_limit_error"] = 2 }, ignoreOrder: true);
        snapshot.CachedInputTokens.ShouldBe(103 * 4);
        snapshot.InputTokens.ShouldBe(103 * 10);
        snapshot.MedianLatencyMs.ShouldBe(49);
        snapshot.P95LatencyMs.ShouldBe(95);
        snapshot.Target.ShouldBe("deepseek/deepseek-v4-pro");
        counters.LastFailure!.Status.ShouldBe(429);
        counters.LastFailure.Error.ShouldBe("failure 202");
    }

    [Fact]
    public void ASuccessAfterAFailureLeavesTheLastFailureInPlace()
    {
        var counters = new ProxyCounters();
        counters.Record(Request(1, status: 502));
        counters.Record(Request(2));
        counters.LastFailure!.Status.ShouldBe(502);
    }
}
