using System.Buffers;
using BenchmarkDotNet.Attributes;
using ClaudeModelProxy.Core.OpenAi;
using ClaudeModelProxy.Core.Responses;

namespace ClaudeModelProxy.Benchmarks.Micro;

/// <summary>
/// The translated route's hot paths on both OpenAI wires (<see cref="Wire"/>): a big request into Chat Completions or
/// the Responses API, and stream events back.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class TranslationBenchmarks
{
    private readonly TranslationTarget target = new(ClaudeModelProxy.Core.Providers.OpenAi.OpenAiProvider.Definition, "gpt-5.4", Workloads.TranslatedAlias);
    private readonly ArrayBufferWriter<byte> output = new(64 * 1024);
    private IMessagesTranslator translator = null!;
    private byte[] conversation = [];
    private byte[][] chunks = [];
    private byte[] reply = [];
    private TranslatedRequest smallRequest = null!;
    private byte[] smallBody = [];

    /// <summary><c>chat</c>: /chat/completions (24 chunks per stream); <c>responses</c>: /responses (28 events per stream).</summary>
    [Params("chat", "responses")]
    public string Wire { get; set; } = "chat";

    [GlobalSetup]
    public void Setup()
    {
        var responses = Wire == "responses";
        translator = responses ? new ResponsesTranslator() : new ChatCompletionsTranslator();
        conversation = Workloads.ConversationRequest(Workloads.TranslatedAlias, true);
        smallBody = Workloads.SmallRequest(Workloads.TranslatedAlias, true);
        smallRequest = translator.TranslateRequest(smallBody.AsMemory(), target);
        reply = responses ? Workloads.ResponsesReply : Workloads.OpenAiReply;
        // Each event's data, as the relay loop hands it over.
        chunks = System.Text.Encoding.UTF8.GetString(responses ? Workloads.ResponsesStreamReply : Workloads.OpenAiStreamReply)
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => System.Text.Encoding.UTF8.GetBytes(e[(e.IndexOf("data: ", StringComparison.Ordinal) + "data: ".Length)..]))
            .ToArray();
    }

    [Benchmark(Description = "Anthropic → OpenAI request, 2 MiB conversation with 50 tools")]
    public int TranslateConversation()
    {
        using var request = translator.TranslateRequest(conversation.AsMemory(), target);
        return request.Body.Length;
    }

    [Benchmark(Description = "Anthropic → OpenAI request, small (the load driver's)")]
    public int TranslateSmallRequest()
    {
        using var request = translator.TranslateRequest(smallBody.AsMemory(), target);
        return request.Body.Length;
    }

    [Benchmark(Description = "OpenAI → Anthropic reply, small JSON")]
    public int TranslateSmallReply() => translator.TranslateResponse(reply, smallRequest, target, out _).Length;

    /// <summary>A whole 20-delta stream; divide by the event count (24 chat chunks, 28 Responses events) for the cost per event.</summary>
    [Benchmark(Description = "OpenAI → Anthropic stream, 20 text deltas")]
    public int TranslateStream()
    {
        output.ResetWrittenCount();
        var stream = translator.CreateStreamTranslator(smallRequest, target);
        foreach (var chunk in chunks) stream.OnData(chunk, output);
        stream.OnEnd(output, connectionBroken: false);
        return output.WrittenCount;
    }
}
