using System.Text.Json.Nodes;

namespace ClaudeModelProxy.Tests.OpenAi;

public class GeminiSchemaSanitizerTests
{
    private static JsonObject GeminiParameters(string schema)
    {
        var (_, body) = Translate.Request(Translate.Body("""[{"role":"user","content":"hi"}]""", $$$""" "tools":[{"name":"T","input_schema":{{{schema}}}}]"""), Targets.Gemini);
        return body["tools"]![0]!["function"]!["parameters"]!.AsObject();
    }

    [Fact]
    public void GeminiToolSchemasLoseKeywordsGeminiRejects()
    {
        var p = GeminiParameters("""
            {"$schema":"http://json-schema.org/draft-07/schema#","type":"object","additionalProperties":false,
             "propertyNames":{"pattern":"^[a-z]+$"},"examples":[{"a":"x"}],
             "properties":{"a":{"type":"string","description":"A","examples":["x"],"minLength":1}},"required":["a"]}
            """);
        var json = p.ToJsonString();
        json.ShouldNotContain("$schema");
        json.ShouldNotContain("additionalProperties");
        json.ShouldNotContain("propertyNames");
        json.ShouldNotContain("examples");
        p["type"].Str().ShouldBe("object");
        p["properties"]!["a"]!["description"].Str().ShouldBe("A");
        p["properties"]!["a"]!["minLength"]!.GetValue<int>().ShouldBe(1);
        p["required"]![0].Str().ShouldBe("a");
    }

    [Fact]
    public void PropertiesNamedLikeKeywordsAreKept()
    {
        var p = GeminiParameters("""{"type":"object","properties":{"examples":{"type":"string"},"const":{"type":"integer"},"$ref":{"type":"boolean"}}}""");
        p["properties"]!.AsObject().Select(x => x.Key).ShouldBe(["examples", "const", "$ref"]);
    }

    [Fact]
    public void ConstBecomesSingleValueEnum()
    {
        var p = GeminiParameters("""{"type":"object","properties":{"mode":{"const":"fast"},"n":{"type":"integer","const":3}}}""");
        p["properties"]!["mode"]!["type"].Str().ShouldBe("string");
        p["properties"]!["mode"]!["enum"]!.AsArray().Select(v => v.Str()).ShouldBe(["fast"]);
        p["properties"]!["n"]!.AsObject().ContainsKey("enum").ShouldBeFalse("Gemini enums are strings only");
    }

    [Fact]
    public void ExclusiveBoundsBecomeInclusiveBounds()
    {
        var p = GeminiParameters("""
            {"type":"object","properties":{
              "count":{"type":"integer","exclusiveMinimum":0,"exclusiveMaximum":10},
              "ratio":{"type":"number","exclusiveMinimum":0.5},
              "old":{"type":"integer","minimum":3,"exclusiveMinimum":true}}}
            """);
        var count = p["properties"]!["count"]!;
        count["minimum"]!.GetValue<decimal>().ShouldBe(1);
        count["maximum"]!.GetValue<decimal>().ShouldBe(9);
        p["properties"]!["ratio"]!["minimum"]!.GetValue<decimal>().ShouldBe(0.5m);
        p["properties"]!["old"]!["minimum"]!.GetValue<decimal>().ShouldBe(4);
        p.ToJsonString().ShouldNotContain("exclusive");
    }

    [Fact]
    public void RefsAreInlinedAndDefsRemoved()
    {
        var p = GeminiParameters("""
            {"type":"object","$defs":{"Point":{"type":"object","properties":{"x":{"type":"number"},"y":{"type":"number"}},"required":["x","y"]}},
             "properties":{"from":{"$ref":"#/$defs/Point","description":"start"},"to":{"$ref":"#/$defs/Point"},
                           "legacy":{"$ref":"#/definitions/Old"}},
             "definitions":{"Old":{"type":"string","format":"date-time"}}}
            """);
        var json = p.ToJsonString();
        json.ShouldNotContain("$ref");
        json.ShouldNotContain("$defs");
        json.ShouldNotContain("definitions");
        p["properties"]!["from"]!["properties"]!["x"]!["type"].Str().ShouldBe("number");
        p["properties"]!["from"]!["description"].Str().ShouldBe("start");
        p["properties"]!["to"]!["required"]!.AsArray().Count.ShouldBe(2);
        p["properties"]!["legacy"]!["format"].Str().ShouldBe("date-time");
    }

    [Fact]
    public void RecursiveRefsStopInsteadOfLoopingForever()
    {
        var p = GeminiParameters("""
            {"type":"object","properties":{"root":{"$ref":"#/$defs/Node"}},
             "$defs":{"Node":{"type":"object","properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#/$defs/Node"}}}}}}
            """);
        var root = p["properties"]!["root"]!;
        root["properties"]!["name"]!["type"].Str().ShouldBe("string");
        var child = root["properties"]!["children"]!["items"]!;
        child["type"].Str().ShouldBe("object");
        p.ToJsonString().ShouldNotContain("$ref");
    }

    [Fact]
    public void NullableTypeArraysBecomeNullable()
    {
        var p = GeminiParameters("""
            {"type":"object","properties":{
              "a":{"type":["string","null"]},
              "b":{"anyOf":[{"type":"integer"},{"type":"null"}]},
              "c":{"oneOf":[{"type":"string"},{"type":"integer"}]}}}
            """);
        p["properties"]!["a"]!["type"].Str().ShouldBe("string");
        p["properties"]!["a"]!["nullable"]!.GetValue<bool>().ShouldBeTrue();
        p["properties"]!["b"]!["type"].Str().ShouldBe("integer");
        p["properties"]!["b"]!["nullable"]!.GetValue<bool>().ShouldBeTrue();
        p["properties"]!["c"]!["anyOf"]!.AsArray().Count.ShouldBe(2);
        p.ToJsonString().ShouldNotContain("oneOf");
    }

    [Fact]
    public void EnumsOnNonStringsAndUnsupportedFormatsAreDropped()
    {
        var p = GeminiParameters("""
            {"type":"object","properties":{
              "level":{"type":"integer","enum":[1,2,3]},
              "color":{"type":"string","enum":["red","green"]},
              "site":{"type":"string","format":"uri"},
              "when":{"type":"string","format":"date-time"},
              "size":{"type":"integer","format":"int64"}}}
            """);
        p["properties"]!["level"]!.AsObject().ContainsKey("enum").ShouldBeFalse();
        p["properties"]!["color"]!["enum"]!.AsArray().Count.ShouldBe(2);
        p["properties"]!["site"]!.AsObject().ContainsKey("format").ShouldBeFalse();
        p["properties"]!["when"]!["format"].Str().ShouldBe("date-time");
        p["properties"]!["size"]!["format"].Str().ShouldBe("int64");
    }

    [Fact]
    public void RequiredNamesWithoutPropertiesAndAllOfAreCleanedUp()
    {
        var p = GeminiParameters("""
            {"type":"object","allOf":[{"properties":{"a":{"type":"string"}},"required":["a"]},{"properties":{"b":{"type":"string"}}}],
             "properties":{"c":{"type":"string"}},"required":["c","ghost"]}
            """);
        p["properties"]!.AsObject().Select(x => x.Key).OrderBy(x => x).ShouldBe(["a", "b", "c"]);
        p["required"]!.AsArray().Select(v => v.Str()).OrderBy(x => x).ShouldBe(["a", "c"]);
        p.ToJsonString().ShouldNotContain("allOf");
    }

    [Fact]
    public void ToolWithoutSchemaGetsAnEmptyObjectSchema()
    {
        var (_, body) = Translate.Request(Translate.Body("""[{"role":"user","content":"hi"}]""", """ "tools":[{"name":"Ping"}]"""), Targets.Gemini);
        var p = body["tools"]![0]!["function"]!["parameters"]!;
        p["type"].Str().ShouldBe("object");
    }
}
