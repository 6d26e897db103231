using System.Text;
using ClaudeModelProxy.Hosting;
using Microsoft.Extensions.Logging;

namespace ClaudeModelProxy.Tests.Logging;

public class StderrLoggingTests
{
    [Fact]
    public void LinesArriveWholeAndInOrder()
    {
        var output = new MemoryStream();
        var writer = new StderrLineWriter(output);
        Parallel.For(0, 4, worker =>
        {
            for (var i = 0; i < 2_000; i++) writer.WriteLine($"worker {worker} line {i} é");
        });
        writer.Flush(TimeSpan.FromSeconds(10));

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(8_000);
        for (var worker = 0; worker < 4; worker++)
        {
            var own = lines.Where(l => l.StartsWith($"worker {worker} ", StringComparison.Ordinal)).ToList();
            own.ShouldBe(Enumerable.Range(0, 2_000).Select(i => $"worker {worker} line {i} é"), "each writer's lines keep their order");
        }
    }

    [Fact]
    public async Task AStderrNobodyReadsCostsLinesNotRequests()
    {
        using var stuck = new StuckStream();
        var writer = new StderrLineWriter(stuck);
        writer.WriteLine("first");
        stuck.WriteEntered.Wait(TimeSpan.FromSeconds(10)).ShouldBeTrue();

        // The writer is stuck in its first write: the queue fills up, then lines are dropped without blocking.
        var queueing = Task.Run(() =>
        {
            for (var i = 0; i < StderrLineWriter.Capacity + 500; i++) writer.WriteLine($"line {i}");
        });
        (await Task.WhenAny(queueing, Task.Delay(TimeSpan.FromSeconds(10)))).ShouldBe(queueing, "logging must never wait for stderr");

        stuck.Release();
        writer.Flush(TimeSpan.FromSeconds(10));
        var lines = stuck.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("first");
        lines.Count(l => l.StartsWith("line ", StringComparison.Ordinal)).ShouldBe(StderrLineWriter.Capacity);
        lines.ShouldContain(l => l.EndsWith("warn: logging[0] 500 log lines were dropped: stderr is not being read fast enough.", StringComparison.Ordinal));
    }

    [Fact]
    public void MessagesKeepTheConsoleLoggersSingleLineShape()
    {
        var output = new MemoryStream();
        var writer = new StderrLineWriter(output);
        using (var factory = LoggerFactory.Create(logging => logging.AddStderrConsole(writer)))
        {
            var logger = factory.CreateLogger("gateway");
            logger.LogInformation("POST /v1/messages {Status}", 200);
            logger.LogWarning("two\nlines");
            logger.LogError(new InvalidOperationException("boom"), "failed");
            logger.LogInformation(new EventId(7), "with an event id, é");
            logger.LogInformation("POST /v1/messages {Status}", 201);
            factory.CreateLogger("Microsoft.AspNetCore.Server.Kestrel").LogInformation("below the Warning floor for Microsoft.*");
            factory.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").LogCritical("hosting's per-request category is off");
        }

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(5, "the factory's disposal flushed every line, each on one line");
        lines[0].ShouldMatch(@"^\d\d:\d\d:\d\d info: gateway\[0\] POST /v1/messages 200$");
        lines[1].ShouldMatch(@"^\d\d:\d\d:\d\d warn: gateway\[0\] two lines$");
        lines[2].ShouldMatch(@"^\d\d:\d\d:\d\d fail: gateway\[0\] failed System.InvalidOperationException: boom$");
        lines[3].ShouldMatch(@"^\d\d:\d\d:\d\d info: gateway\[7\] with an event id, é$");
        lines[4].ShouldMatch(@"^\d\d:\d\d:\d\d info: gateway\[0\] POST /v1/messages 201$");

    }

    /// <summary>A stderr whose reader has stopped: the first write blocks until released.</summary>
    private sealed class StuckStream : MemoryStream
    {
        private readonly ManualResetEventSlim released = new();

        public ManualResetEventSlim WriteEntered { get; } = new();

        public string Text => Encoding.UTF8.GetString(ToArray());

        public void Release() => released.Set();

        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

        public override void Write(byte[] buffer, int offset, int count)
        {
            WriteEntered.Set();
            released.Wait();
            base.Write(buffer, offset, count);
        }

        protected override void Dispose(bool disposing)
        {
            released.Set();
            base.Dispose(disposing);
        }
    }
}
