namespace ClaudeModelProxy.Core.Providers.Gemini;

/// <summary>Gemini through Google's OpenAI-compatible endpoint.</summary>
public static class GeminiProvider
{
    public const string Id = "gemini";

    public static readonly ProviderDefinition Definition =
        ProviderDefinition.ChatCompletions(Id, "Gemini", "GEMINI", "https://generativelanguage.googleapis.com/v1beta/openai") with
        {
            KeyAliases = ["GOOGLE_API_KEY"],
            Quirks = GeminiQuirks.Instance,
            DefaultModels = ["gemini-3.1-pro-preview", "gemini-3-flash-preview", "gemini-2.5-pro", "gemini-2.5-flash", "gemini-3.1-flash-lite-preview", "gemini-2.0-flash"],
        };
}
