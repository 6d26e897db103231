using System.Buffers;
using BenchmarkDotNet.Attributes;
using ClaudeModelProxy.Core.OpenAi;
using ClaudeModelProxy.Core.Responses;

namespace ClaudeModelProxy.Benchmarks.Micro;

/// <summary>The Responses route's hot paths, beside <see cref="TranslationBenchmarks"/> for Chat Completions.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class ResponsesTranslationBenchmarks
{
    private readonly ResponsesTranslator translator = new();
    private readonly TranslationTarget target = new("openai", "gpt-5.4", Workloads.TranslatedAlias);
    private readonly ArrayBufferWriter<byte> output = new(64 * 1024);
    private byte[] conversation = [];
    private byte[][] events = [];
    private TranslatedRequest smallRequest = null!;
    private byte[] smallBody = [];

    [GlobalSetup]
    public void Setup()
    {
        conversation = Workloads.ConversationRequest(Workloads.TranslatedAlias, true);
        smallBody = Workloads.SmallRequest(Workloads.TranslatedAlias, true);
        smallRequest = translator.TranslateRequest(smallBody.AsMemory(), target);
        // Each event's data line, as the relay loop hands it over.
        events = System.Text.Encoding.UTF8.GetString(Workloads.ResponsesStreamReply)
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => System.Text.Encoding.UTF8.GetBytes(e[(e.IndexOf("\ndata: ", StringComparison.Ordinal) + "\ndata: ".Length)..]))
            .ToArray();
    }

    [Benchmark(Description = "Anthropic → Responses request, 2 MiB conversation with 50 tools")]
    public int TranslateConversation() => translator.TranslateRequest(conversation.AsMemory(), target).Body.Length;

    [Benchmark(Description = "Anthropic → Responses request, small (the load driver's)")]
    public int TranslateSmallRequest() => translator.TranslateRequest(smallBody.AsMemory(), target).Body.Length;

    [Benchmark(Description = "Responses → Anthropic reply, small JSON")]
    public int TranslateSmallReply() => translator.TranslateResponse(Workloads.ResponsesReply, smallRequest, target, out _).Length;

    /// <summary>A whole 20-delta stream; divide by the event count (28) for the cost per streamed event.</summary>
    [Benchmark(Description = "Responses → Anthropic stream, 28 events (20 text deltas)")]
    public int TranslateStream()
    {
        output.ResetWrittenCount();
        var stream = translator.CreateStreamTranslator(smallRequest, target);
        foreach (var data in events) stream.OnData(data, output);
        stream.OnEnd(output, connectionBroken: false);
        return output.WrittenCount;
    }
}
