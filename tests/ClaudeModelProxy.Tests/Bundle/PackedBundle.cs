using System.IO.Compression;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Bundle;

/// <summary>Packs the linux-x64 bundle once with the real pack-mcpb.sh, for every test in the collection.</summary>
public sealed class PackedBundle : IAsyncLifetime
{
    public string OutputFolder { get; } = Path.Combine(Path.GetTempPath(), "cmp-bundle-" + Guid.NewGuid().ToString("N"));

    public string BundlePath { get; private set; } = "";

    public NodeTools.Result PackResult { get; private set; } = new(0, "", "");

    public async Task InitializeAsync()
    {
        PackResult = await NodeTools.RunAsync(Path.Combine(NodeTools.RepositoryRoot, "pack-mcpb.sh"), ["--rid", "linux-x64", "--output", OutputFolder], timeout: TimeSpan.FromMinutes(10));
        BundlePath = Directory.GetFiles(OutputFolder, "*.mcpb").SingleOrDefault() ?? "";
    }

    /// <summary>Unzips the bundle into a fresh folder, as Claude Desktop does on install.</summary>
    public string Unpack()
    {
        var folder = Path.Combine(OutputFolder, "installed-" + Guid.NewGuid().ToString("N"));
        ZipFile.ExtractToDirectory(BundlePath, folder);
        return folder;
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(OutputFolder)) Directory.Delete(OutputFolder, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>Packing takes both cores for a minute: these tests run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BundleCollection : ICollectionFixture<PackedBundle>
{
    public const string Name = "bundle";
}
