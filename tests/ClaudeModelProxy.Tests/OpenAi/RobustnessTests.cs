using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.OpenAi;

namespace ClaudeModelProxy.Tests.OpenAi;

/// <summary>Every value of realistic inputs replaced by every other JSON kind: nothing may throw.</summary>
public class RobustnessTests
{
    private const string RichRequest = """
        {"model":"claude-opus-4-7","max_tokens":32000,"stream":true,"temperature":1,"top_p":0.9,"stop_sequences":["END"],
         "metadata":{"user_id":"u"},"thinking":{"type":"enabled","budget_tokens":31999},"output_config":{"effort":"high","format":{"type":"json_schema","schema":{"type":"object"}}},
         "system":[{"type":"text","text":"sys","cache_control":{"type":"ephemeral"}}],
         "tools":[{"name":"Bash","description":"d","input_schema":{"type":"object","properties":{"c":{"type":["string","null"],"$ref":"#/$defs/X"}},"$defs":{"X":{"const":"a"}},"required":["c"]}}],
         "tool_choice":{"type":"tool","name":"Bash","disable_parallel_tool_use":true},
         "messages":[
           {"role":"user","content":[{"type":"text","text":"hi"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}},
                                     {"type":"document","title":"t","source":{"type":"base64","media_type":"application/pdf","data":"JV=="}}]},
           {"role":"assistant","content":[{"type":"thinking","thinking":"t","signature":"s"},{"type":"text","text":"a"},{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"c":"ls"}}]},
           {"role":"system","content":"mid"},
           {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","is_error":true,"content":[{"type":"text","text":"r"},{"type":"image","source":{"type":"url","url":"https://x/y.png"}}]}]}]}
        """;

    private const string RichReply = """
        {"id":"c","choices":[{"index":0,"message":{"role":"assistant","content":"hi","reasoning_content":"r","refusal":null,
          "tool_calls":[{"id":"call_1","type":"function","function":{"name":"Bash","arguments":"{\"c\":1}"},"extra_content":{"google":{"thought_signature":"s"}}}]},
          "finish_reason":"tool_calls"}],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":2}}}
        """;

    private static readonly JsonNode?[] Replacements = [null, JsonValue.Create(7), JsonValue.Create(-1.5), JsonValue.Create("x"), JsonValue.Create(true), new JsonArray(), new JsonObject(), new JsonArray(JsonValue.Create(1))];

    /// <summary>Each variant of <paramref name="json"/> with one value swapped for another kind.</summary>
    private static IEnumerable<string> Mutations(string json)
    {
        var paths = new List<Func<JsonNode, (JsonNode Parent, object Key)>>();
        void Collect(JsonNode node, List<object> path)
        {
            if (node is JsonObject o)
                foreach (var (key, child) in o)
                {
                    var p = new List<object>(path) { key };
                    paths.Add(Locate(p));
                    if (child is not null) Collect(child, p);
                }
            else if (node is JsonArray a)
                for (var i = 0; i < a.Count; i++)
                {
                    var p = new List<object>(path) { i };
                    paths.Add(Locate(p));
                    if (a[i] is { } child) Collect(child, p);
                }
        }
        static Func<JsonNode, (JsonNode, object)> Locate(List<object> path) => root =>
        {
            var node = root;
            foreach (var step in path.Take(path.Count - 1)) node = step is string k ? node[k]! : node[(int)step]!;
            return (node, path[^1]);
        };
        Collect(JsonNode.Parse(json)!, []);
        foreach (var locate in paths)
        {
            foreach (var replacement in Replacements)
            {
                var root = JsonNode.Parse(json)!;
                var (parent, key) = locate(root);
                var value = replacement?.DeepClone();
                if (key is string name) parent[name] = value;
                else parent[(int)key] = value;
                yield return root.ToJsonString();
            }
            var removed = JsonNode.Parse(json)!;
            var (p, k) = locate(removed);
            if (k is string n) p.AsObject().Remove(n);
            else p.AsArray().RemoveAt((int)k);
            yield return removed.ToJsonString();
        }
    }

    [Fact]
    public void NoRequestShapeMakesTheTranslatorThrow()
    {
        var translator = new ChatCompletionsTranslator();
        var count = 0;
        foreach (var mutated in Mutations(RichRequest))
        {
            foreach (var target in new[] { Targets.OpenAi, Targets.Gpt56, Targets.Gemini, Targets.Qwen, Targets.DeepSeek })
            {
                var request = translator.TranslateRequest(Encoding.UTF8.GetBytes(mutated), target);
                if (request.Error is null) JsonNode.Parse(request.Body.Span).ShouldNotBeNull();
                else request.Error.ShouldNotBeEmpty();
            }
            count++;
        }
        count.ShouldBeGreaterThan(500);
    }

    [Fact]
    public void NoReplyShapeMakesTheTranslatorThrowAnythingButItsOwnError()
    {
        var translator = new ChatCompletionsTranslator();
        var request = translator.TranslateRequest(Encoding.UTF8.GetBytes(Translate.Body("""[{"role":"user","content":"hi"}]""")), Targets.Gemini);
        foreach (var mutated in Mutations(RichReply))
        {
            try
            {
                var message = JsonNode.Parse(translator.TranslateResponse(Encoding.UTF8.GetBytes(mutated), request, Targets.Gemini, out _))!;
                message["content"].ShouldNotBeNull();
                foreach (var block in message["content"]!.AsArray())
                    if (block!["type"]!.GetValue<string>() == "tool_use") block["input"].ShouldBeOfType<JsonObject>();
            }
            catch (ProxyFailureException e)
            {
                e.Failure.Body.ShouldNotBeEmpty();
            }
        }
    }

    [Fact]
    public void NoChunkShapeBreaksTheStreamFraming()
    {
        var translator = new ChatCompletionsTranslator();
        var request = translator.TranslateRequest(Encoding.UTF8.GetBytes(Translate.Body("""[{"role":"user","content":"hi"}]""", "\"stream\":true")), Targets.Gemini);
        const string chunk = """
            {"choices":[{"index":0,"delta":{"role":"assistant","content":"a","reasoning_content":"b","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"Bash","arguments":"{}"},"extra_content":{"google":{"thought_signature":"s"}}}]},"finish_reason":null}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}
            """;
        foreach (var mutated in Mutations(chunk))
        {
            var stream = AnthropicStream.Run([mutated, """{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""", "[DONE]"], request, Targets.Gemini, translator);
            stream.ShouldBeWellFormed(expectError: stream.Events[^1].Name == "error");
        }
    }
}
