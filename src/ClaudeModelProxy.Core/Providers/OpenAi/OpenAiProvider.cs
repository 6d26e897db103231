namespace ClaudeModelProxy.Core.Providers.OpenAi;

/// <summary>api.openai.com: the Responses API by default (<c>OPENAI_WIRE_API</c>), Chat Completions on request.</summary>
public static class OpenAiProvider
{
    public const string Id = "openai";

    public static readonly ProviderDefinition Definition =
        ProviderDefinition.ChatCompletions(Id, "OpenAI", "OPENAI", "https://api.openai.com/v1") with
        {
            ServesResponsesApi = true,
            Quirks = OpenAiQuirks.Instance,
            DefaultModels = ["gpt-5.5", "gpt-5.4", "gpt-5.4-mini"],
        };
}
