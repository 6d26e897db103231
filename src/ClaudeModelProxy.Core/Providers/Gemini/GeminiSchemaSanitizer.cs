using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeModelProxy.Core.OpenAi;

namespace ClaudeModelProxy.Core.Providers.Gemini;

/// <summary>
/// Rewrites a JSON Schema into the OpenAPI subset Gemini accepts for function parameters (protocol §0.13, §4):
/// keeps an allow-list of keywords, inlines local <c>$ref</c>s (with a depth and cycle guard), turns
/// <c>type:[x,"null"]</c> into <c>type:x, nullable:true</c>, <c>const</c> into a one-value <c>enum</c>,
/// exclusive bounds into inclusive ones, merges <c>allOf</c>, renames <c>oneOf</c> to <c>anyOf</c>,
/// and drops <c>enum</c> on non-strings, unsupported <c>format</c>s and <c>required</c> names with no property.
/// </summary>
internal static class GeminiSchemaSanitizer
{
    private const int MaxDepth = 24;

    private static readonly HashSet<string> CopiedAsIs = new(StringComparer.Ordinal)
    {
        "title", "description", "maxItems", "minItems", "minProperties", "maxProperties", "minLength", "maxLength",
        "pattern", "example", "default", "propertyOrdering", "minimum", "maximum",
    };

    public static JsonObject Sanitize(JsonElement schema)
    {
        var result = new Walker(schema).Visit(schema, 0, []);
        if (result["type"] is null) result["type"] = "object";
        if (result["type"]?.GetValue<string>() == "object" && result["properties"] is null) result["properties"] = new JsonObject();
        return result;
    }

    private sealed class Walker(JsonElement root)
    {
        public JsonObject Visit(JsonElement schema, int depth, HashSet<string> refsInProgress)
        {
            if (schema.ValueKind != JsonValueKind.Object) return [];
            if (depth > MaxDepth) return RecursionCut(schema);
            if (schema.String("$ref") is { } reference)
            {
                if (refsInProgress.Contains(reference) || Resolve(reference) is not { } target) return RecursionCut(schema);
                var inner = new HashSet<string>(refsInProgress, StringComparer.Ordinal) { reference };
                var resolved = Visit(target, depth + 1, inner);
                // Keywords next to $ref (usually a description) win over the referenced schema's.
                var siblings = Core(schema, depth, refsInProgress);
                foreach (var key in siblings.Select(p => p.Key).ToList())
                {
                    var value = siblings[key];
                    siblings.Remove(key);
                    resolved[key] = value;
                }
                return resolved;
            }
            return Core(schema, depth, refsInProgress);
        }

        private JsonObject Core(JsonElement schema, int depth, HashSet<string> refs)
        {
            var result = new JsonObject();
            string? type = null;
            var nullable = false;
            JsonElement? format = null, enumValues = null, exclusiveMinimum = null, exclusiveMaximum = null;
            var merges = new List<JsonObject>();

            if (schema.Property("type") is { } typeValue)
            {
                if (typeValue.ValueKind == JsonValueKind.String) type = typeValue.Text();
                else if (typeValue.ValueKind == JsonValueKind.Array)
                {
                    foreach (var t in typeValue.EnumerateArray())
                    {
                        if (t.ValueKind != JsonValueKind.String) continue;
                        var name = t.Text();
                        if (name == "null") nullable = true;
                        else type ??= name;
                    }
                }
                if (type == "null")
                {
                    type = null;
                    nullable = true;
                }
            }

            foreach (var property in schema.EnumerateObject())
            {
                var value = property.Value;
                switch (property.Name)
                {
                    case "type" or "$ref":
                        break;
                    case "properties" when value.ValueKind == JsonValueKind.Object:
                        var properties = new JsonObject();
                        foreach (var p in value.EnumerateObject()) properties[p.Name] = Visit(p.Value, depth + 1, refs);
                        result["properties"] = properties;
                        break;
                    case "items":
                        if (value.ValueKind == JsonValueKind.Object) result["items"] = Visit(value, depth + 1, refs);
                        else if (value.ValueKind == JsonValueKind.Array)
                            result["items"] = value.GetArrayLength() > 0 ? Visit(value[0], depth + 1, refs) : [];
                        break;
                    case "anyOf" or "oneOf" when value.ValueKind == JsonValueKind.Array:
                        var options = new JsonArray();
                        foreach (var option in value.EnumerateArray())
                        {
                            if (IsNullSchema(option))
                            {
                                nullable = true;
                                continue;
                            }
                            options.Add((JsonNode)Visit(option, depth + 1, refs));
                        }
                        if (options.Count == 1)
                        {
                            var only = (JsonObject)options[0]!;
                            options.Clear();
                            merges.Add(only);
                        }
                        else if (options.Count > 1) result["anyOf"] = options;
                        break;
                    case "allOf" when value.ValueKind == JsonValueKind.Array:
                        foreach (var part in value.EnumerateArray()) merges.Add(Visit(part, depth + 1, refs));
                        break;
                    case "enum" when value.ValueKind == JsonValueKind.Array:
                        enumValues = value;
                        break;
                    case "const":
                        if (value.ValueKind == JsonValueKind.Null) nullable = true;
                        else if (value.ValueKind == JsonValueKind.String) enumValues = value;
                        break;
                    case "format" when value.ValueKind == JsonValueKind.String:
                        format = value;
                        break;
                    case "nullable" when value.ValueKind == JsonValueKind.True:
                        nullable = true;
                        break;
                    case "exclusiveMinimum":
                        exclusiveMinimum = value;
                        break;
                    case "exclusiveMaximum":
                        exclusiveMaximum = value;
                        break;
                    case "required" when value.ValueKind == JsonValueKind.Array:
                        var required = new JsonArray();
                        foreach (var name in value.EnumerateArray())
                            if (name.ValueKind == JsonValueKind.String) required.Add((JsonNode?)JsonValue.Create(name.Text()));
                        result["required"] = required;
                        break;
                    default:
                        if (CopiedAsIs.Contains(property.Name) && Copy(value) is { } copy) result[property.Name] = copy;
                        break;
                }
            }

            foreach (var merge in merges) MergeInto(result, merge);
            type ??= result["type"]?.GetValue<string>();
            result.Remove("type");

            // const (a single string) or enum: Gemini takes string enums only.
            if (enumValues is { } values)
            {
                var strings = new JsonArray();
                var allStrings = true;
                IEnumerable<JsonElement> items = values.ValueKind == JsonValueKind.Array ? values.EnumerateArray() : [values];
                foreach (var item in items)
                {
                    if (item.ValueKind == JsonValueKind.String) strings.Add((JsonNode?)JsonValue.Create(item.Text()));
                    else if (item.ValueKind == JsonValueKind.Null) nullable = true;
                    else allStrings = false;
                }
                if (allStrings && strings.Count > 0 && type is null or "string")
                {
                    type = "string";
                    result["enum"] = strings;
                }
            }

            if (type is null && result["properties"] is not null) type = "object";
            ApplyExclusiveBound(result, exclusiveMinimum, "minimum", type, +1, schema.Property("minimum"));
            ApplyExclusiveBound(result, exclusiveMaximum, "maximum", type, -1, schema.Property("maximum"));

            if (format?.Text() is { } formatName && IsSupportedFormat(type, formatName)) result["format"] = formatName;

            if (result["required"] is JsonArray requiredNames)
            {
                var known = result["properties"] as JsonObject;
                var kept = new JsonArray();
                foreach (var name in requiredNames.Select(n => n?.GetValue<string>()).Distinct(StringComparer.Ordinal).ToList())
                    if (name is not null && known is not null && known.ContainsKey(name)) kept.Add((JsonNode?)JsonValue.Create(name));
                result.Remove("required");
                if (kept.Count > 0) result["required"] = kept;
            }

            var ordered = new JsonObject();
            if (type is not null) ordered["type"] = type;
            if (nullable) ordered["nullable"] = true;
            foreach (var key in result.Select(p => p.Key).ToList())
            {
                var value = result[key];
                result.Remove(key);
                ordered[key] = value;
            }
            return ordered;
        }

        private static void ApplyExclusiveBound(JsonObject result, JsonElement? bound, string name, string? type, int step, JsonElement? inclusive)
        {
            if (bound is not { } value) return;
            decimal? limit = null;
            if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number)) limit = number;
            // Draft 4: exclusiveMinimum:true qualifies "minimum".
            else if (value.ValueKind == JsonValueKind.True && inclusive is { ValueKind: JsonValueKind.Number } old && old.TryGetDecimal(out var oldLimit)) limit = oldLimit;
            if (limit is not { } l) return;
            // Integers have an exact inclusive bound; for numbers the inclusive bound is the closest expressible one.
            if (type == "integer" && decimal.Truncate(l) == l) l += step;
            else if (type == "integer") l = step > 0 ? decimal.Ceiling(l) : decimal.Floor(l);
            if (result[name] is JsonValue existing && existing.TryGetValue<decimal>(out var current))
                l = step > 0 ? Math.Max(l, current) : Math.Min(l, current);
            result[name] = l;
        }

        private static bool IsSupportedFormat(string? type, string format) => type switch
        {
            "string" => format is "enum" or "date-time",
            "number" => format is "float" or "double",
            "integer" => format is "int32" or "int64",
            _ => false,
        };

        private static bool IsNullSchema(JsonElement schema) =>
            schema.ValueKind == JsonValueKind.Object && schema.String("type") == "null" && !schema.EnumerateObject().Any(p => p.Name is "properties" or "enum" or "$ref");

        private static JsonObject RecursionCut(JsonElement schema)
        {
            var cut = new JsonObject { ["type"] = "object" };
            if (schema.String("description") is { } description) cut["description"] = description;
            return cut;
        }

        private static void MergeInto(JsonObject target, JsonObject source)
        {
            foreach (var key in source.Select(p => p.Key).ToList())
            {
                var value = source[key];
                source.Remove(key);
                if (key == "properties" && value is JsonObject extra && target["properties"] is JsonObject mine)
                {
                    foreach (var name in extra.Select(p => p.Key).ToList())
                    {
                        var schema = extra[name];
                        extra.Remove(name);
                        mine[name] ??= schema;
                    }
                }
                else if (key == "required" && value is JsonArray more && target["required"] is JsonArray have)
                {
                    foreach (var item in more.Select(n => n?.GetValue<string>()).ToList()) have.Add((JsonNode?)JsonValue.Create(item));
                }
                else if (!target.ContainsKey(key)) target[key] = value;
            }
        }

        private JsonElement? Resolve(string reference)
        {
            if (!reference.StartsWith('#')) return null;
            var current = root;
            foreach (var rawSegment in reference[1..].Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                var segment = Uri.UnescapeDataString(rawSegment).Replace("~1", "/").Replace("~0", "~");
                if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var next)) current = next;
                else if (current.ValueKind == JsonValueKind.Array && int.TryParse(segment, out var i) && i >= 0 && i < current.GetArrayLength()) current = current[i];
                else return null;
            }
            return current.ValueKind == JsonValueKind.Object ? current : null;
        }

        private static JsonNode? Copy(JsonElement value) => JsonNode.Parse(EscapeMask.ClientJsonRepaired(value));
    }
}
