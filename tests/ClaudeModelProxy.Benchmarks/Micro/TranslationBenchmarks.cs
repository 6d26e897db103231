using System.Buffers;
using BenchmarkDotNet.Attributes;
using ClaudeModelProxy.Core.OpenAi;

namespace ClaudeModelProxy.Benchmarks.Micro;

/// <summary>The translated route's hot paths: a big request into Chat Completions, and stream chunks back.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class TranslationBenchmarks
{
    private readonly ChatCompletionsTranslator translator = new();
    private readonly TranslationTarget target = new("openai", "gpt-5.4", Workloads.TranslatedAlias);
    private readonly ArrayBufferWriter<byte> output = new(64 * 1024);
    private byte[] conversation = [];
    private byte[][] chunks = [];
    private TranslatedRequest smallRequest = null!;
    private byte[] smallBody = [];

    [GlobalSetup]
    public void Setup()
    {
        conversation = Workloads.ConversationRequest(Workloads.TranslatedAlias, true);
        smallBody = Workloads.SmallRequest(Workloads.TranslatedAlias, true);
        smallRequest = translator.TranslateRequest(smallBody, target);
        chunks = System.Text.Encoding.UTF8.GetString(Workloads.OpenAiStreamReply)
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => System.Text.Encoding.UTF8.GetBytes(e["data: ".Length..]))
            .ToArray();
    }

    [Benchmark(Description = "Anthropic → OpenAI request, 2 MiB conversation with 50 tools")]
    public int TranslateConversation() => translator.TranslateRequest(conversation.AsMemory(), target).Body.Length;

    [Benchmark(Description = "Anthropic → OpenAI request, small (the load driver's)")]
    public int TranslateSmallRequest() => translator.TranslateRequest(smallBody.AsMemory(), target).Body.Length;

    [Benchmark(Description = "OpenAI → Anthropic reply, small JSON")]
    public int TranslateSmallReply() => translator.TranslateResponse(Workloads.OpenAiReply, smallRequest, target, out _).Length;

    /// <summary>A whole 20-delta stream; divide by the chunk count (24) for the cost per chunk.</summary>
    [Benchmark(Description = "OpenAI → Anthropic stream, 24 chunks (20 text deltas)")]
    public int TranslateStream()
    {
        output.ResetWrittenCount();
        var stream = translator.CreateStreamTranslator(smallRequest, target);
        foreach (var chunk in chunks) stream.OnData(chunk, output);
        stream.OnEnd(output, connectionBroken: false);
        return output.WrittenCount;
    }
}
