using System.Text;
using System.Text.Json;

namespace ClaudeModelProxy.Core.Anthropic;

/// <summary>
/// Collects the text a model would read from a Messages request (system, messages, tool
/// definitions), for local token counting. Base64 payloads are counted as attachments instead.
/// </summary>
public static class PromptTextExtractor
{
    public sealed record Extracted(string Text, int Attachments);

    public static Extracted Extract(ReadOnlySpan<byte> body)
    {
        var text = new StringBuilder();
        var attachments = 0;
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MessagesRequestScanner.MaxDepth });
        var inCountedSection = false;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName when reader.CurrentDepth == 1:
                        inCountedSection = reader.ValueTextEquals("system"u8) || reader.ValueTextEquals("messages"u8) || reader.ValueTextEquals("tools"u8);
                        break;
                    case JsonTokenType.PropertyName when inCountedSection:
                        if (reader.ValueTextEquals("data"u8) || reader.ValueTextEquals("signature"u8))
                        {
                            reader.Read();
                            if (reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 256) attachments++;
                            reader.Skip();
                        }
                        else if (!reader.ValueTextEquals("type"u8) && !reader.ValueTextEquals("id"u8) && !reader.ValueTextEquals("tool_use_id"u8) && !reader.ValueTextEquals("cache_control"u8))
                        {
                            text.Append(reader.Text()).Append(' ');
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                        break;
                    case JsonTokenType.String when inCountedSection:
                        text.Append(reader.Text()).Append('\n');
                        break;
                }
            }
        }
        catch (JsonException)
        {
        }
        return new Extracted(text.ToString(), attachments);
    }
}
