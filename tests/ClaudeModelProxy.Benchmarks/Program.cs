using BenchmarkDotNet.Running;
using ClaudeModelProxy.Benchmarks;
using ClaudeModelProxy.Benchmarks.Micro;

// Usage: dotnet run -c Release -- [micro|load|startup|soak|nginx|chaos|flood|all] [--quick] [--gateway PATH]
// (micro -- ARGS: everything after a lone "--" goes to BenchmarkDotNet, e.g. micro -- --filter *Translation* --job short)
// (chaos: the chaos soak with injected upstream faults and one restart, about a minute; not part of all;
//  flood: idle connections, slow clients and aborted streams against one gateway, about a minute; not part of all)
// (spin-translate: a 2 MiB translation loop to attach a profiler to;
//  load --only TEXT [--seconds N]: one throughput scenario through the gateway, to profile it;
//  load --only latency: the sequential added latency alone;
//  load --only 2mib-pass-through|2mib-chat|2mib-responses [--seconds N]: sequential 2 MiB conversations on one route)
var command = args.FirstOrDefault(a => !a.StartsWith('-')) ?? "all";
var quick = args.Contains("--quick");
var root = FindRepositoryRoot();
var only = OptionValue("--only");
var secondsOverride = OptionValue("--seconds") is { } secondsText ? double.Parse(secondsText, System.Globalization.CultureInfo.InvariantCulture) : (double?)null;
var executable = OptionValue("--gateway") is { } gatewayPath ? Path.GetFullPath(gatewayPath) : GatewayProcess.DefaultExecutable(root);
if (!File.Exists(executable))
{
    Console.Error.WriteLine($"No gateway binary at {executable}: run ./pack-mcpb.sh --rid linux-x64 (or dotnet build -c Release) first, or pass --gateway PATH.");
    return 2;
}

if (command == "spin-translate")
{
    // A loop to attach a profiler to: the 2 MiB request translation, for the given number of seconds.
    var translator = new ClaudeModelProxy.Core.OpenAi.ChatCompletionsTranslator();
    var target = new ClaudeModelProxy.Core.OpenAi.TranslationTarget(ClaudeModelProxy.Core.Providers.OpenAi.OpenAiProvider.Definition, "gpt-5.4", Workloads.TranslatedAlias);
    var body = Workloads.ConversationRequest(Workloads.TranslatedAlias, true);
    var until = DateTime.UtcNow.AddSeconds(quick ? 5 : 15);
    var count = 0;
    while (DateTime.UtcNow < until) { translator.TranslateRequest(body.AsMemory(), target).Dispose(); count++; }
    Console.WriteLine($"{count} translations");
    return 0;
}

var report = new Report();
Console.WriteLine($"Gateway under test: {executable}");

if (command is "micro" or "all")
{
    var micro = BenchmarkSwitcher.FromTypes([typeof(PassThroughBenchmarks), typeof(TranslationBenchmarks)]);
    var separator = Array.IndexOf(args, "--");
    if (separator >= 0) micro.Run(args[(separator + 1)..]);
    else micro.RunAll();
}

if (command is "startup" or "all")
    await StartupTimer.RunAsync(executable, quick ? 5 : 10, report);

if (command == "chaos")
{
    // Bounded: 60 s of mixed traffic with injected faults and one restart (30 s with --quick).
    await ChaosSoakRun.RunAsync(executable, TimeSpan.FromSeconds(quick ? 30 : 60));
    return 0;
}

if (command == "flood")
{
    // Bounded (about a minute): idle keep-alive connections, a slow-client flood and an aborted-stream flood.
    var floodMockPort = StartupTimer.FreePort();
    await using var floodMock = await MockUpstream.StartAsync(floodMockPort);
    await using var floodGateway = await GatewayProcess.StartAsync(executable, StartupTimer.FreePort(), floodMockPort,
        new Dictionary<string, string> { ["MAX_CONNECTIONS"] = "5000", ["MAX_UPSTREAM_REQUESTS_PER_PROVIDER"] = "1000" });
    await FloodRun.RunAsync(floodGateway, quick);
    return 0;
}

if (command is "load" or "soak" or "nginx" or "all")
{
    var mockPort = StartupTimer.FreePort();
    await using var mock = await MockUpstream.StartAsync(mockPort);
    await using var gateway = await GatewayProcess.StartAsync(executable, StartupTimer.FreePort(), mockPort);
    var driver = new LoadDriver(gateway, mock, quick, only, secondsOverride);
    if (command is "load" or "all") await driver.RunAsync(report);
    if (command is "nginx" or "all") await NginxComparison.RunAsync(gateway, mock, driver, root, quick, report);
    if (command is "soak" or "all") await SoakRun.RunAsync(gateway, driver, quick ? 4_000 : 20_000, report);
}

Console.WriteLine();
Console.WriteLine(report.ToMarkdown());
return 0;

string? OptionValue(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static string FindRepositoryRoot()
{
    for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        if (File.Exists(Path.Combine(folder.FullName, "ClaudeModelProxy.sln"))) return folder.FullName;
    return Directory.GetCurrentDirectory();
}
