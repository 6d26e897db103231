using System.Text.Json.Serialization;

namespace ClaudeModelProxy.Status;

/// <summary>Source-generated JSON for everything the executable serialises (trim- and AOT-safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StatusReport))]
[JsonSerializable(typeof(List<ModelRow>))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelInfo))]
[JsonSerializable(typeof(TokenCount))]
[JsonSerializable(typeof(DesktopConfiguration))]
public sealed partial class StatusJsonContext : JsonSerializerContext
{
    /// <summary>The same contract, indented for people.</summary>
    public static StatusJsonContext Indented { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    });
}

/// <summary>An entry of GET /v1/models.</summary>
public sealed record ModelInfo(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("display_name")] string DisplayName,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("description")] string? Description = null,
    [property: JsonPropertyName("anthropic_family_tier")] string? AnthropicFamilyTier = null,
    [property: JsonPropertyName("is_family_default")] bool? IsFamilyDefault = null);

/// <summary>GET /v1/models.</summary>
public sealed record ModelList(
    [property: JsonPropertyName("data")] List<ModelInfo> Data,
    [property: JsonPropertyName("has_more")] bool HasMore,
    [property: JsonPropertyName("first_id")] string? FirstId,
    [property: JsonPropertyName("last_id")] string? LastId);

/// <summary>POST /v1/messages/count_tokens.</summary>
public sealed record TokenCount([property: JsonPropertyName("input_tokens")] long InputTokens);
