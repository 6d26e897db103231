using System.CommandLine;
using ClaudeModelProxy.Core.Providers;
using ClaudeModelProxy.Hosting;

namespace ClaudeModelProxy.Cli;

/// <summary>The command tree: one small class per command.</summary>
public static class CommandLineApp
{
    public static readonly Option<FileInfo?> EnvFileOption = new("--env-file")
    {
        Description = "Read KEY=VALUE settings from this file (# comments allowed); real environment variables win over it.",
        Recursive = true,
    };

    public static RootCommand Build()
    {
        var root = new RootCommand(
            "Claude Model Proxy: a local Anthropic Messages gateway that routes Claude Desktop and Claude Code " +
            $"to {ProviderCatalog.All.ShortNames} by model name.");
        root.Options.Add(EnvFileOption);
        root.Subcommands.Add(McpCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(DesktopCommand.Create());
        root.Subcommands.Add(StartCommand.Create());
        root.Subcommands.Add(StopCommand.Create());
        root.Subcommands.Add(RestartCommand.Create());
        root.Subcommands.Add(ServiceCommand.Create());
        root.Subcommands.Add(DoctorCommand.Create());
        return root;
    }

    /// <summary>Runs a command body, turning user-facing failures into one line on stderr and exit code 1.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (UserFacingException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
