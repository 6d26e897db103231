using System.Globalization;
using System.Text;

namespace ClaudeModelProxy.Benchmarks;

public static class Stats
{
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        var rank = p / 100 * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }

    public static double Median(IReadOnlyList<double> values) => Percentile(values, 50);

    public static string MedianRange(IReadOnlyList<double> values, string format = "0.00") =>
        $"{Median(values).ToString(format, CultureInfo.InvariantCulture)} ({values.Min().ToString(format, CultureInfo.InvariantCulture)}–{values.Max().ToString(format, CultureInfo.InvariantCulture)})";
}

/// <summary>The report: one row per metric, target beside measured.</summary>
public sealed class Report
{
    private readonly List<(string Metric, string Target, string Measured, string Verdict)> rows = [];

    public void Add(string metric, string target, string measured, bool? met) =>
        rows.Add((metric, target, measured, met switch { true => "met", false => "MISSED", null => "" }));

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| metric | target | measured (median, min–max) | |");
        text.AppendLine("| --- | --- | --- | --- |");
        foreach (var (metric, target, measured, verdict) in rows) text.AppendLine($"| {metric} | {target} | {measured} | {verdict} |");
        return text.ToString();
    }
}
