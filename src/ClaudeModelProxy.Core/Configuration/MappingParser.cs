using System.Text.Json;

namespace ClaudeModelProxy.Core.Configuration;

/// <summary>Parses MODEL_MAP-style values: a JSON object or <c>from=to,from2=to2</c>.</summary>
public static class MappingParser
{
    /// <summary>Returns the pairs, or an error message saying what is wrong with the text.</summary>
    public static (IReadOnlyList<KeyValuePair<string, string>> Pairs, string? Error) Parse(string text)
    {
        var trimmed = text.Trim();
        return trimmed.StartsWith('{') ? ParseJson(trimmed) : ParsePairs(trimmed);
    }

    private static (IReadOnlyList<KeyValuePair<string, string>>, string?) ParseJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var pairs = new List<KeyValuePair<string, string>>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(property.Value.GetString()))
                    return ([], $"the value of \"{property.Name}\" must be a non-empty string");
                pairs.Add(new(property.Name.Trim(), property.Value.GetString()!.Trim()));
            }
            return (pairs, null);
        }
        catch (JsonException e)
        {
            return ([], $"is not valid JSON ({e.Message})");
        }
    }

    private static (IReadOnlyList<KeyValuePair<string, string>>, string?) ParsePairs(string text)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = item.IndexOf('=');
            if (separator <= 0 || separator == item.Length - 1)
                return ([], $"\"{item}\" is not in the form from=to (use a JSON object or from=to,from2=to2)");
            pairs.Add(new(item[..separator].Trim(), item[(separator + 1)..].Trim()));
        }
        return (pairs, null);
    }
}
