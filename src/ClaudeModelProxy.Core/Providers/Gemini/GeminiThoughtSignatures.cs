using System.Text.Json;
using ClaudeModelProxy.Core.OpenAi;

namespace ClaudeModelProxy.Core.Providers.Gemini;

/// <summary>
/// Gemini 3's <c>extra_content.google.thought_signature</c> on tool calls: read from replies, carried in the
/// conversation (<see cref="GeminiCallSignatures"/>) and put back on the same calls.
/// </summary>
internal sealed class GeminiThoughtSignatures : IToolCallState
{
    public static readonly GeminiThoughtSignatures Instance = new();

    /// <summary>Google's documented value that tells Gemini to accept a tool call whose signature was lost.</summary>
    public const string SkipSignatureValidator = "skip_thought_signature_validator";

    public string WhenLost => SkipSignatureValidator;

    public string? Read(JsonElement element) => element.Object("extra_content")?.Object("google")?.String("thought_signature");

    public void Write(Utf8JsonWriter writer, string state)
    {
        writer.WriteStartObject("extra_content");
        writer.WriteStartObject("google");
        writer.WriteString("thought_signature", state);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public string Encode(IReadOnlyList<KeyValuePair<string, string>> states) => GeminiCallSignatures.Encode(states);

    public bool TryDecode(string? signature, Dictionary<string, string> into) => GeminiCallSignatures.TryDecode(signature, into);
}
