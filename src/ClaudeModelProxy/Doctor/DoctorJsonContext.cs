using System.Text.Json.Serialization;

namespace ClaudeModelProxy.Doctor;

/// <summary>Source-generated JSON for <c>doctor --json</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DoctorReport))]
public sealed partial class DoctorJsonContext : JsonSerializerContext;
