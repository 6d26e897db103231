using System.IO.Compression;
using System.Text.Json.Nodes;

namespace ClaudeModelProxy.Packer;

/// <summary>Writes the .mcpb: a ZIP with manifest.json at its root, the icon and one binary per runtime.</summary>
public static class BundleWriter
{
    private const int Executable = 0b111_101_101; // 0755
    private const int Regular = 0b110_100_100;    // 0644
    private const int RegularFileType = 0x8000;   // S_IFREG

    /// <summary>Picks the Mac binary by CPU: the manifest has no architecture selector.</summary>
    public const string MacLauncher = """
        #!/bin/sh
        # Claude Model Proxy: run the binary built for this Mac's processor.
        here="$(cd "$(dirname "$0")" && pwd)"
        case "$(uname -m)" in
          arm64|aarch64) exec "$here/osx-arm64/claude-model-proxy" "$@" ;;
          *) exec "$here/osx-x64/claude-model-proxy" "$@" ;;
        esac

        """;

    public sealed record Entry(string Name, byte[] Content, bool IsExecutable);

    public static List<Entry> Entries(string repositoryRoot, IReadOnlyDictionary<string, string> binariesByRid)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(repositoryRoot, "manifest.json")))!.AsObject();
        ManifestForRuntimes(manifest, binariesByRid.Keys.ToList());
        var entries = new List<Entry>
        {
            new("manifest.json", System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString(new() { WriteIndented = true })), false),
            new("icon.png", File.ReadAllBytes(Path.Combine(repositoryRoot, "icon.png")), false),
            new("README.md", File.ReadAllBytes(Path.Combine(repositoryRoot, "README.md")), false),
            new("LICENSE", File.ReadAllBytes(Path.Combine(repositoryRoot, "LICENSE")), false),
        };
        foreach (var (rid, binary) in binariesByRid.OrderBy(p => p.Key, StringComparer.Ordinal))
            entries.Add(new($"server/{rid}/{Publisher.BinaryName(rid)}", File.ReadAllBytes(binary), true));
        if (binariesByRid.Keys.Any(r => r.StartsWith("osx-", StringComparison.Ordinal)))
            entries.Add(new("server/claude-model-proxy-macos", System.Text.Encoding.UTF8.GetBytes(MacLauncher.ReplaceLineEndings("\n")), true));
        var clash = entries.GroupBy(e => e.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null) throw new InvalidOperationException($"two entries differ only by case: {clash.Key}");
        return entries;
    }

    /// <summary>A bundle lists only the platforms it can run on, and starts the right binary on each.</summary>
    public static void ManifestForRuntimes(JsonObject manifest, IReadOnlyCollection<string> rids)
    {
        var platforms = new List<string>();
        if (rids.Any(r => r.StartsWith("osx-", StringComparison.Ordinal))) platforms.Add("darwin");
        if (rids.Contains("win-x64")) platforms.Add("win32");
        if (rids.Contains("linux-x64")) platforms.Add("linux");
        manifest["compatibility"]!["platforms"] = new JsonArray(platforms.Select(p => (JsonNode)p).ToArray());

        var config = manifest["server"]!["mcp_config"]!.AsObject();
        var overrides = config["platform_overrides"]!.AsObject();
        if (!platforms.Contains("darwin")) overrides.Remove("darwin");
        if (!platforms.Contains("win32")) overrides.Remove("win32");
        if (!platforms.Contains("linux"))
        {
            // The default command is the Linux one: let the first remaining platform's become the default.
            var first = overrides.First();
            config["command"] = first.Value!["command"]!.GetValue<string>();
            manifest["server"]!["entry_point"] = first.Value["command"]!.GetValue<string>().Replace("${__dirname}/", "");
            overrides.Remove(first.Key);
        }
        if (overrides.Count == 0) config.Remove("platform_overrides");
    }

    public static void Write(string path, IEnumerable<Entry> entries)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path)) File.Delete(path);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var entry in entries)
        {
            var zipEntry = zip.CreateEntry(entry.Name, CompressionLevel.SmallestSize);
            // Unix mode bits live in the high 16 bits of the external attributes; without 0755 a Mac or Linux binary never starts.
            zipEntry.ExternalAttributes = (RegularFileType | (entry.IsExecutable ? Executable : Regular)) << 16;
            zipEntry.LastWriteTime = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
            using var stream = zipEntry.Open();
            stream.Write(entry.Content);
        }
    }
}
