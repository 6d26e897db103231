using System.Text.Json.Nodes;
using ClaudeModelProxy.Packer;

var root = FindRepositoryRoot();
var (options, error) = PackOptions.Parse(args, root);
if (options is null)
{
    if (error is { Length: > 0 }) Console.Error.WriteLine($"pack-mcpb: {error}");
    Console.Error.WriteLine(PackOptions.Usage);
    return error is { Length: > 0 } ? 2 : 0;
}

try
{
    var version = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "manifest.json")))!["version"]!.GetValue<string>();
    var binaries = options.Rids.ToDictionary(rid => rid, rid => Publisher.Publish(rid, options));
    var entries = BundleWriter.Entries(root, binaries);
    var bundle = Path.Combine(options.OutputFolder, $"claude-model-proxy-{version}.mcpb");
    BundleWriter.Write(bundle, entries);

    Console.WriteLine($"Bundle: {bundle}");
    Console.WriteLine($"Size:   {new FileInfo(bundle).Length / 1024.0 / 1024.0:0.0} MB");
    Console.WriteLine("Contents:");
    foreach (var entry in entries)
        Console.WriteLine($"  {(entry.IsExecutable ? "rwxr-xr-x" : "rw-r--r--")}  {entry.Content.Length,12:N0}  {entry.Name}");
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or IOException)
{
    Console.Error.WriteLine($"pack-mcpb: {e.Message}");
    return 1;
}

static string FindRepositoryRoot()
{
    for (var folder = new DirectoryInfo(Directory.GetCurrentDirectory()); folder is not null; folder = folder.Parent)
        if (File.Exists(Path.Combine(folder.FullName, "manifest.json")) && File.Exists(Path.Combine(folder.FullName, "ClaudeModelProxy.sln")))
            return folder.FullName;
    throw new InvalidOperationException("run pack-mcpb from inside the Claude Model Proxy repository");
}
