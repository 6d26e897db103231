using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

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

    /// <summary>
    /// How long the writer lets lines gather after the first one wakes it. Waking once per line
    /// cost a context switch per request under load; a few milliseconds of delay on a log line costs nothing.
    /// </summary>
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(5);

    /// <summary>How long a flush waits for a write that makes no progress (stderr blocked) before giving up.</summary>
    private static readonly TimeSpan StalledAfter = TimeSpan.FromMilliseconds(500);

    private static readonly Lazy<StderrLineWriter> SharedWriter = new(() =>
    {
        var writer = new StderrLineWriter(Console.OpenStandardError());
        AppDomain.CurrentDomain.ProcessExit += (_, _) => writer.Flush(TimeSpan.FromSeconds(2));
        return writer;
    });

    private readonly Stream output;
    private readonly ConcurrentQueue<Line> lines = new();
    // No spinning before the wait: a spinning writer thread burns the core the requests need.
    private readonly ManualResetEventSlim linesArrived = new(initialState: false, spinCount: 0);
    private int asleep;
    private long queued;
    private long unwritten;
    private long dropped;
    private long batchesWritten;

    public StderrLineWriter(Stream output)
    {
        this.output = output;
        // A thread of its own: a blocked stderr then holds no thread-pool thread.
        new Thread(Drain) { IsBackground = true, Name = "stderr log writer" }.Start();
    }

    /// <summary>The process's one writer, so that every logger factory's lines share one order.</summary>
    public static StderrLineWriter Shared => SharedWriter.Value;

    /// <summary>Queues one line (without its line break).</summary>
    public void WriteLine(string line) => Enqueue(new Line(default, null, line));

    /// <summary>
    /// Queues <c>HH:mm:ss {head}{text}</c>, the time in local time. It is formatted on the writer's thread, straight
    /// into the batch: a log line per request then costs the request no string of its own.
    /// </summary>
    public void WriteLine(DateTime loggedAtUtc, string head, string text) => Enqueue(new Line(loggedAtUtc, head, text));

    /// <summary>A line waiting to be written: <see cref="Text"/> alone, or after its time and <see cref="Head"/>.</summary>
    private readonly record struct Line(DateTime LoggedAtUtc, string? Head, string Text);

    private void Enqueue(Line line)
    {
        if (Interlocked.Increment(ref queued) > Capacity)
        {
            Interlocked.Decrement(ref queued);
            Interlocked.Increment(ref dropped);
            return;
        }
        Interlocked.Increment(ref unwritten);
        lines.Enqueue(line);
        // Only a sleeping writer needs the (costly) signal; a busy one will find the line.
        if (Volatile.Read(ref asleep) == 1 && Interlocked.Exchange(ref asleep, 0) == 1) linesArrived.Set();
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
        while (Interlocked.Read(ref unwritten) > 0 && DateTime.UtcNow < deadline)
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
        while (true)
        {
            WaitForLines();
            var taken = 0;
            while (batch.WrittenCount < MaxBatchBytes && lines.TryDequeue(out var line))
            {
                Interlocked.Decrement(ref queued);
                Append(batch, line);
                taken++;
            }
            // Dropped lines leave no trace but this one.
            if (Interlocked.Exchange(ref dropped, 0) is var lost and > 0)
                Append(batch, new Line(DateTime.UtcNow, "warn: logging[0] ", $"{lost} log lines were dropped: stderr is not being read fast enough."));
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
            Interlocked.Add(ref unwritten, -taken);
            Interlocked.Increment(ref batchesWritten);
        }
    }

    /// <summary>Returns once lines are queued, having let more gather for one batch window.</summary>
    private void WaitForLines()
    {
        while (lines.IsEmpty && Interlocked.Read(ref dropped) == 0)
        {
            linesArrived.Reset();
            // A full fence: a line queued between the check above and the flag is seen just below.
            Interlocked.Exchange(ref asleep, 1);
            if (!lines.IsEmpty) { Volatile.Write(ref asleep, 0); break; }
            linesArrived.Wait();
        }
        Thread.Sleep(BatchWindow);
    }

    private static void Append(ArrayBufferWriter<byte> batch, Line line)
    {
        if (line.Head is { } head)
        {
            var time = batch.GetSpan(9);
            line.LoggedAtUtc.ToLocalTime().TryFormat(time, out var written, "HH:mm:ss", CultureInfo.InvariantCulture);
            time[written] = (byte)' ';
            batch.Advance(written + 1);
            Append(batch, head);
        }
        Append(batch, line.Text);
        batch.GetSpan(1)[0] = (byte)'\n';
        batch.Advance(1);
    }

    private static void Append(ArrayBufferWriter<byte> batch, string text)
    {
        var span = batch.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        batch.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
