using System.Buffers;
using System.Text;
using System.Threading.Channels;

namespace ClaudeModelProxy.Hosting;

/// <summary>
/// Writes log lines to stderr off the request path, as many per write as have queued up: under
/// load one system call carries a batch instead of one line each. A stderr nobody reads cannot
/// stall requests: past <see cref="Capacity"/> waiting lines, new ones are counted and dropped.
/// </summary>
public sealed class StderrLineWriter
{
    public const int Capacity = 10_000;
    private const int MaxBatchBytes = 64 * 1024;

    private static readonly Lazy<StderrLineWriter> SharedWriter = new(() =>
    {
        var writer = new StderrLineWriter(Console.OpenStandardError());
        AppDomain.CurrentDomain.ProcessExit += (_, _) => writer.Flush(TimeSpan.FromSeconds(2));
        return writer;
    });

    private readonly Stream output;
    private readonly Channel<string> lines;
    private long pending;
    private long dropped;

    public StderrLineWriter(Stream output)
    {
        this.output = output;
        lines = Channel.CreateBounded<string>(
            new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite },
            _ =>
            {
                Interlocked.Increment(ref dropped);
                Interlocked.Decrement(ref pending);
            });
        _ = Task.Run(DrainAsync);
    }

    /// <summary>The process's one writer, so that every logger factory's lines share one order.</summary>
    public static StderrLineWriter Shared => SharedWriter.Value;

    /// <summary>Queues one line (without its line break).</summary>
    public void WriteLine(string line)
    {
        Interlocked.Increment(ref pending);
        if (!lines.Writer.TryWrite(line)) Interlocked.Decrement(ref pending);
    }

    /// <summary>Waits until everything queued so far is written, or the timeout passes.</summary>
    public void Flush(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Interlocked.Read(ref pending) > 0 && DateTime.UtcNow < deadline) Thread.Sleep(1);
    }

    private async Task DrainAsync()
    {
        var batch = new ArrayBufferWriter<byte>(4096);
        while (await lines.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var taken = 0;
            while (batch.WrittenCount < MaxBatchBytes && lines.Reader.TryRead(out var line))
            {
                Append(batch, line);
                taken++;
            }
            // Dropped lines leave no trace but this one.
            if (Interlocked.Exchange(ref dropped, 0) is var lost and > 0)
                Append(batch, $"{DateTime.Now:HH:mm:ss} warn: logging[0] {lost} log lines were dropped: stderr is not being read fast enough.");
            try
            {
                output.Write(batch.WrittenSpan);
                output.Flush();
            }
            catch (IOException)
            {
                // stderr is gone (the parent closed it): the lines have nowhere to go.
            }
            batch.ResetWrittenCount();
            if (batch.Capacity > 4 * MaxBatchBytes) batch = new ArrayBufferWriter<byte>(4096);
            Interlocked.Add(ref pending, -taken);
        }
    }

    private static void Append(ArrayBufferWriter<byte> batch, string line)
    {
        var span = batch.GetSpan(Encoding.UTF8.GetMaxByteCount(line.Length) + 1);
        var length = Encoding.UTF8.GetBytes(line, span);
        span[length] = (byte)'\n';
        batch.Advance(length + 1);
    }
}
