using ClaudeModelProxy.Cli;

return await CommandLineApp.Build().Parse(args).InvokeAsync();
