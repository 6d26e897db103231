using BenchmarkDotNet.Attributes;
using ClaudeModelProxy.Core.Anthropic;

namespace ClaudeModelProxy.Benchmarks.Micro;

/// <summary>
/// The pass-through hot paths: the request's model rewrite and the reply's rewrite, JSON and SSE. The small-request pair is
/// the gateway's own work on each request of the nginx comparison, apart from HTTP: what any transport would still pay.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class PassThroughBenchmarks
{
    private readonly ToolIdSanitizer toolIds = new();
    private byte[] body = [];
    private byte[] smallBody = [];
    private byte[] smallReply = [];
    private byte[] messageStart = [];
    private byte[] textDelta = [];

    [GlobalSetup]
    public void Setup()
    {
        body = Workloads.ConversationRequest(Workloads.PassThroughAlias, true);
        smallBody = Workloads.SmallRequest(Workloads.PassThroughAlias, false);
        smallReply = Workloads.AnthropicMessageReply;
        var events = System.Text.Encoding.UTF8.GetString(Workloads.AnthropicStreamReply).Split("\n\n");
        messageStart = System.Text.Encoding.UTF8.GetBytes(events[0] + "\n\n");
        textDelta = System.Text.Encoding.UTF8.GetBytes(events[2] + "\n\n");
    }

    [Benchmark(Description = "request model rewrite, 2 MiB Claude Code body (scan + splice)")]
    public long RewriteRequestModel() => RewriteModel(body);

    [Benchmark(Description = "request model rewrite, small request of the nginx comparison (scan + splice)")]
    public long RewriteSmallRequestModel() => RewriteModel(smallBody);

    [Benchmark(Description = "reply rewrite, JSON reply of the nginx comparison (model and usage read, then splice)")]
    public long RewriteSmallReply()
    {
        var usage = new TokenUsage();
        long length = 0;
        foreach (var segment in ByteEdits.Segments(smallReply, ReplyRewriter.Rewrite(smallReply, Workloads.PassThroughAlias, toolIds, ref usage))) length += segment.Length;
        return length;
    }

    [Benchmark(Description = "SSE rewrite, message_start event")]
    public int RewriteMessageStart()
    {
        var usage = new TokenUsage();
        return StreamEventRewriter.Rewrite(messageStart, Workloads.PassThroughAlias, toolIds, ref usage)?.Count ?? 0;
    }

    [Benchmark(Description = "SSE rewrite, text delta event (passes untouched)")]
    public int RewriteTextDelta()
    {
        var usage = new TokenUsage();
        return StreamEventRewriter.Rewrite(textDelta, Workloads.PassThroughAlias, toolIds, ref usage)?.Count ?? 0;
    }

    /// <summary>What the gateway does to a request body on the way out: scan it, then splice in the upstream model.</summary>
    private long RewriteModel(byte[] request)
    {
        var scanned = MessagesRequestScanner.Scan(request, toolIds);
        long length = 0;
        foreach (var segment in ByteEdits.Segments(request, MessagesRequestScanner.UpstreamEdits(scanned, "deepseek-v4-pro"))) length += segment.Length;
        return length;
    }
}
