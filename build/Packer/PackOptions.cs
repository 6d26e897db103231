namespace ClaudeModelProxy.Packer;

/// <summary>What to pack, from the command line.</summary>
public sealed record PackOptions(IReadOnlyList<string> Rids, bool AotEverywhere, bool NoAot, string OutputFolder, string RepositoryRoot)
{
    public static readonly string[] AllRids = ["linux-x64", "osx-arm64", "osx-x64", "win-x64"];

    public const string Usage = """
        Usage: pack-mcpb [--rid RID]... [--aot | --no-aot] [--output DIR]

        Publishes claude-model-proxy as a self-contained single file for each runtime and zips
        manifest.json, icon.png and the binaries into DIR/claude-model-proxy-<version>.mcpb.

          --rid RID   Only this runtime (repeatable): linux-x64, osx-arm64, osx-x64, win-x64.
                      Default: all four. A bundle holds the platforms of the runtimes it contains.
          --aot       Native AOT for every runtime of this machine's OS (AOT cannot cross-compile).
                      By default only linux-x64, when packed on Linux x64, uses Native AOT; the rest
                      use trimmed ReadyToRun.
          --no-aot    Trimmed ReadyToRun everywhere.
          --output    Output folder (default: dist).
        """;

    /// <summary>Parses arguments; null with a message when they are wrong.</summary>
    public static (PackOptions? Options, string? Error) Parse(string[] args, string repositoryRoot)
    {
        var rids = new List<string>();
        var aot = false;
        var noAot = false;
        var output = Path.Combine(repositoryRoot, "dist");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rid" when i + 1 < args.Length:
                    var rid = args[++i];
                    if (!AllRids.Contains(rid)) return (null, $"unknown runtime '{rid}' (known: {string.Join(", ", AllRids)})");
                    rids.Add(rid);
                    break;
                case "--aot": aot = true; break;
                case "--no-aot": noAot = true; break;
                case "--output" when i + 1 < args.Length: output = Path.GetFullPath(args[++i]); break;
                case "-h" or "--help" or "-?": return (null, "");
                default: return (null, $"unknown argument '{args[i]}'");
            }
        }
        if (aot && noAot) return (null, "--aot and --no-aot contradict each other");
        return (new PackOptions(rids.Count == 0 ? AllRids : rids.Distinct().ToList(), aot, noAot, output, repositoryRoot), null);
    }
}
