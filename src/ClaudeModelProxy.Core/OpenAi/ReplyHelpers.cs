using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ClaudeModelProxy.Core.Anthropic;

namespace ClaudeModelProxy.Core.OpenAi;

/// <summary>Pieces shared by the JSON and the streaming reply translations.</summary>
internal static class ReplyHelpers
{
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A 2xx reply body as JSON; not JSON at all is the upstream's fault (502 with what it sent).</summary>
    /// <exception cref="ProxyFailureException">The body is not JSON.</exception>
    public static JsonDocument ParseReply(ReadOnlySpan<byte> json, string provider)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
            return JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            throw new ProxyFailureException(ErrorTranslation.FromHttp(502, json, provider));
        }
    }

    /// <summary>
    /// The client's tool name for a name the gateway shortened (derived from this request's own tools and history,
    /// so any gateway process restores it the same way), else the name itself.
    /// </summary>
    public static string RestoreToolName(string upstreamName, TranslatedRequest request) =>
        request.ToolNameRestores.TryGetValue(upstreamName, out var original) ? original : upstreamName;

    /// <summary>The provider name the gateway mints this target's thinking signatures for (and accepts back as its own).</summary>
    public static string MintingProvider(TranslationTarget target) => Conversation.MintedSignatures.ProviderId(target.ProviderId);

    /// <summary>
    /// Tool-call arguments as a JSON object text: "" → <c>{}</c>; a JSON string holding an object (double-encoded) → that object;
    /// anything that is not an object → <c>{"raw_input": …}</c> so the client still sees what the model wrote.
    /// </summary>
    public static string NormalizeArguments(string? arguments)
    {
        if (string.IsNullOrWhiteSpace(arguments)) return "{}";
        var parsed = TryParseObject(arguments);
        if (parsed is not null) return parsed;
        var output = new ArrayBufferWriter<byte>(arguments.Length + 32);
        using (var writer = new Utf8JsonWriter(output, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("raw_input", arguments);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static string? TryParseObject(string text, int depth = 0)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 256 });
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object) return text.Trim();
            if (root.ValueKind == JsonValueKind.String && depth == 0 && root.Text() is { } inner) return TryParseObject(inner, 1);
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Whether accumulated arguments already form complete JSON (used to tell a whole call from a fragment).</summary>
    public static bool IsCompleteJson(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return false;
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
