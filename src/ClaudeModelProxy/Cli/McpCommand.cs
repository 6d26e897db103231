using System.CommandLine;

namespace ClaudeModelProxy.Cli;

/// <summary><c>mcp</c>: what Claude Desktop runs from the bundle.</summary>
public static class McpCommand
{
    public static Command Create()
    {
        var command = new Command("mcp", "Run the MCP stdio server (tool model_proxy_status) and host the gateway in the same process; this is what the Claude Desktop extension starts.");
        command.SetAction((_, _) =>
        {
            Console.Error.WriteLine("error: the mcp command is not implemented yet; use 'serve' to run the gateway.");
            return Task.FromResult(1);
        });
        return command;
    }
}
