namespace ClaudeModelProxy.Core.Configuration;

/// <summary>Reads KEY=VALUE files (the service mode's ~/.claude-model-proxy.env).</summary>
public static class EnvFileParser
{
    /// <summary>
    /// Parses lines of KEY=VALUE. Blank lines and <c>#</c> comments are skipped, an optional
    /// <c>export </c> prefix is accepted, and matching single or double quotes around a value are removed.
    /// </summary>
    public static (IReadOnlyDictionary<string, string> Values, IReadOnlyList<ConfigurationProblem> Problems) Parse(string text, string sourceName)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<ConfigurationProblem>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line[7..].TrimStart();
            var separator = line.IndexOf('=');
            if (separator <= 0)
            {
                problems.Add(new(sourceName, $"line {lineNumber} is not KEY=VALUE and was skipped"));
                continue;
            }
            values[line[..separator].Trim()] = Unquote(line[(separator + 1)..].Trim());
        }
        return (values, problems);
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;
}
