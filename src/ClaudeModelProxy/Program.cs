using System.CommandLine;
using ClaudeModelProxy.Cli;

// SIGTERM and Ctrl+C cancel the command's token; the gateway then drains for up to SHUTDOWN_GRACE_SECONDS
// and bounds that itself, so System.CommandLine must not end the process after its default 2 s.
return await CommandLineApp.Build().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromDays(2) });
