using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace ClaudeModelProxy.Hosting;

/// <summary>Every log line goes to stderr: stdout belongs to the MCP channel.</summary>
public static class StderrLogging
{
    public static ILoggingBuilder AddStderrConsole(this ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss ";
            options.IncludeScopes = false;
        });
        logging.Services.Configure<ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
        logging.AddFilter("ModelContextProtocol", LogLevel.Warning);
        return logging;
    }
}
