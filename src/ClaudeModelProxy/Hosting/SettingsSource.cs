using ClaudeModelProxy.Core.Configuration;

namespace ClaudeModelProxy.Hosting;

/// <summary>Loads the settings for a command: the process environment over an optional --env-file.</summary>
public static class SettingsSource
{
    /// <exception cref="UserFacingException">The env file was named but cannot be read.</exception>
    public static ProxySettings Load(FileInfo? envFile)
    {
        if (envFile is null) return SettingsLoader.FromProcess();
        string text;
        try
        {
            text = File.ReadAllText(envFile.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"cannot read --env-file {envFile.FullName}: {e.Message}");
        }
        var (values, problems) = EnvFileParser.Parse(text, envFile.FullName);
        return SettingsLoader.FromProcess(values, problems);
    }

    /// <summary>One stderr line per configuration problem, so a typo never goes unnoticed.</summary>
    public static void ReportProblems(ProxySettings settings, TextWriter stderr)
    {
        foreach (var problem in settings.Problems) stderr.WriteLine($"warning: configuration: {problem}");
    }
}

/// <summary>An error whose message is meant for the user as it is (no stack trace).</summary>
public sealed class UserFacingException(string message) : Exception(message);
