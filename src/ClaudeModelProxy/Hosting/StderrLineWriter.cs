using System.Buffers;
using System.Text;
using System.Threading.Channels;

namespace ClaudeModelProxy.Hosting;

/// <summary>
/// Writes log lines to stderr off the request path, on a thread of its own, as many per write as
/// have queued up: under load one system call carries a batch instead of one line each. A stderr
/// nobody reads cannot stall requests: past <see cref="Capacity"/> waiting lines, new ones are
/// counted and dropped.
/// </summary>
public sealed class StderrLineWriter
{
    public const int Capacity = 10_000;
    private const int MaxBatchBytes = 64 * 1024;

    /// <summary>How long a flush waits for a write that makes no progress (stderr blocked) before giving up.</summary>
    private static readonly TimeSpan StalledAfter = TimeSpan.FromMilliseconds(500);

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
    private long batchesWritten;

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
        // A thread of its own: a blocked stderr then holds no thread-pool thread.
        new Thread(Drain) { IsBackground = true, Name = "stderr log writer" }.Start();
    }

    /// <summary>The process's one writer, so that every logger factory's lines share one order.</summary>
    public static StderrLineWriter Shared => SharedWriter.Value;

    /// <summary>Queues one line (without its line break).</summary>
    public void WriteLine(string line)
    {
        Interlocked.Increment(ref pending);
        if (!lines.Writer.TryWrite(line)) Interlocked.Decrement(ref pending);
    }

    /// <summary>
    /// Waits until no line is waiting to be written, or the timeout passes, or writing has stalled
    /// (stderr is not being read) for half a second.
    /// </summary>
    public void Flush(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var progress = Interlocked.Read(ref batchesWritten);
        var progressSeen = DateTime.UtcNow;
        while (Interlocked.Read(ref pending) > 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(1);
            if (Interlocked.Read(ref batchesWritten) is var now && now != progress)
            {
                progress = now;
                progressSeen = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - progressSeen > StalledAfter)
            {
                return;
            }
        }
    }

    private void Drain()
    {
        var batch = new ArrayBufferWriter<byte>(4096);
        while (lines.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
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
            catch (Exception)
            {
                // stderr is closed or broken: the lines have nowhere to go, and logging must never fail the process.
            }
            batch.ResetWrittenCount();
            if (batch.Capacity > 4 * MaxBatchBytes) batch = new ArrayBufferWriter<byte>(4096);
            Interlocked.Add(ref pending, -taken);
            Interlocked.Increment(ref batchesWritten);
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
