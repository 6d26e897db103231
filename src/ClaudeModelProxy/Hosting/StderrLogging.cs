using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClaudeModelProxy.Hosting;

/// <summary>Every log line goes to stderr: stdout belongs to the MCP channel.</summary>
public static class StderrLogging
{
    /// <param name="logging">The builder.</param>
    /// <param name="writer">Where lines go: the process's stderr unless a test says otherwise.</param>
    public static ILoggingBuilder AddStderrConsole(this ILoggingBuilder logging, StderrLineWriter? writer = null)
    {
        logging.ClearProviders();
        // Registered as a factory so that the container owns it and disposing the host flushes it.
        logging.Services.AddSingleton<ILoggerProvider>(_ => new StderrLoggerProvider(writer ?? StderrLineWriter.Shared));
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        // While this category is enabled at any level, hosting opens a log scope and starts an Activity (with fresh random
        // ids) for every request. It carries hosting's per-request lines and start-up errors, and the latter reach the
        // gateway as exceptions anyway.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
        logging.AddFilter("ModelContextProtocol", LogLevel.Warning);
        return logging;
    }
}
