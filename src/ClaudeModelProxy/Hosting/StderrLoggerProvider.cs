using Microsoft.Extensions.Logging;

namespace ClaudeModelProxy.Hosting;

/// <summary>
/// One line per message on stderr, in the console logger's single-line shape
/// (<c>14:03:27 info: gateway[0] POST /v1/messages …</c>), written through <see cref="StderrLineWriter"/>.
/// </summary>
public sealed class StderrLoggerProvider(StderrLineWriter writer) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new StderrLogger(categoryName, writer);

    /// <summary>Lines logged while shutting down still reach stderr.</summary>
    public void Dispose() => writer.Flush(TimeSpan.FromSeconds(2));

    private sealed class StderrLogger(string category, StderrLineWriter writer) : ILogger
    {
        /// <summary>"info: gateway[0] " and the like: per level, the head of the last event id logged at it (a logger logs few).</summary>
        private readonly CachedHead?[] heads = new CachedHead?[(int)LogLevel.None];

        /// <summary>A reference, so that threads logging at once swap whole entries, never half of one.</summary>
        private sealed record CachedHead(int EventId, string Text);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            if (exception is not null) message = message.Length == 0 ? exception.ToString() : message + " " + exception;
            // One line per message, whatever it contains.
            if (message.Contains('\n')) message = message.ReplaceLineEndings(" ");
            writer.WriteLine(DateTime.UtcNow, Head(logLevel, eventId.Id), message);
        }

        private string Head(LogLevel level, int eventId)
        {
            if (heads[(int)level] is { } last && last.EventId == eventId) return last.Text;
            var head = $"{Level(level)}: {category}[{eventId}] ";
            heads[(int)level] = new CachedHead(eventId, head);
            return head;
        }

        private static string Level(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }
}
