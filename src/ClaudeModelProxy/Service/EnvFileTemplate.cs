namespace ClaudeModelProxy.Service;

/// <summary>The env file a service install creates: the repository's .env.example, embedded at build time.</summary>
public static class EnvFileTemplate
{
    public static string Text { get; } = Read();

    private static string Read()
    {
        using var stream = typeof(EnvFileTemplate).Assembly.GetManifestResourceStream("env.example")
            ?? throw new InvalidOperationException("the env.example resource is missing from this build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
