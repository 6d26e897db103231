namespace ClaudeModelProxy.Benchmarks.Micro;

/// <summary>Benchmark classes beyond the pass-through ones.</summary>
public static class MicroBenchmarks
{
    public static readonly Type[] Extra = [];
}
