using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.OpenAi;

namespace ClaudeModelProxy.Tests.OpenAi;

public class ErrorTranslationTests
{
    /// <summary>The pattern Claude Code uses to find the numbers that drive auto-compaction.</summary>
    private static readonly Regex ClaudeCodePromptTooLong = new(@"prompt is too long[^0-9]*(\d+)\s*tokens?\s*>\s*(\d+)", RegexOptions.IgnoreCase);

    private static ProxyFailure Error(int status, string body, string provider = "OpenAI") =>
        ChatCompletionsTranslator.TranslateError(status, Encoding.UTF8.GetBytes(body), provider);

    [Theory]
    [InlineData(400, 400, "invalid_request_error")]
    [InlineData(401, 401, "authentication_error")]
    [InlineData(402, 402, "billing_error")]
    [InlineData(403, 403, "permission_error")]
    [InlineData(404, 404, "not_found_error")]
    [InlineData(413, 413, "request_too_large")]
    [InlineData(422, 400, "invalid_request_error")]
    [InlineData(429, 429, "rate_limit_error")]
    [InlineData(500, 500, "api_error")]
    [InlineData(502, 529, "overloaded_error")]
    [InlineData(503, 529, "overloaded_error")]
    [InlineData(504, 504, "timeout_error")]
    public void HttpStatusesMapToAnthropicErrors(int upstream, int status, string type)
    {
        var error = Error(upstream, """{"error":{"message":"something went wrong","type":"x","param":null,"code":null}}""");
        error.Status.ShouldBe(status);
        error.ErrorType.ShouldBe(type);
        error.Message.ShouldBe("OpenAI: something went wrong");
        var body = JsonNode.Parse(error.Body)!;
        body["type"].Str().ShouldBe("error");
        body["error"]!["type"].Str().ShouldBe(type);
        body["error"]!["message"].Str().ShouldBe(error.Message);
    }

    [Fact]
    public void ContextLengthErrorIsRewordedForClaudeCode()
    {
        var error = Error(400, """
            {"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130532 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}
            """);
        error.Status.ShouldBe(400);
        error.ErrorType.ShouldBe("invalid_request_error");
        error.Message.ShouldBe("prompt is too long: 130532 tokens > 128000 maximum");
        var match = ClaudeCodePromptTooLong.Match(error.Message);
        match.Success.ShouldBeTrue();
        match.Groups[1].Value.ShouldBe("130532");
        match.Groups[2].Value.ShouldBe("128000");
        JsonNode.Parse(error.Body)!["error"]!["message"].Str().ShouldBe(error.Message);
    }

    [Fact]
    public void ContextOverflowCausedByMaxTokensAsksClaudeCodeToLowerMaxTokens()
    {
        var error = Error(400, """
            {"error":{"message":"This model's maximum context length is 128000 tokens. However, you requested 136000 tokens (120000 in the messages, 16000 in the completion). Please reduce the length of the messages or completion.","type":"invalid_request_error","code":"context_length_exceeded"}}
            """);
        error.Message.ShouldStartWith("input length and `max_tokens` exceed context limit: 120000 + 16000 > 128000");
    }

    [Fact]
    public void ContextOverflowWhereThePromptAloneIsTooLongReportsThePrompt()
    {
        var error = Error(400, """
            {"error":{"message":"This model's maximum context length is 65536 tokens. However, you requested 70000 tokens (66000 in the messages, 4000 in the completion).","type":"invalid_request_error"}}
            """, "DeepSeek");
        error.Message.ShouldBe("prompt is too long: 66000 tokens > 65536 maximum");
    }

    [Fact]
    public void GeminiTokenCountErrorIsReworded()
    {
        var error = Error(400, """
            [{"error":{"code":400,"message":"The input token count (1196265) exceeds the maximum number of tokens allowed (1048575).","status":"INVALID_ARGUMENT"}}]
            """, "Gemini");
        error.Message.ShouldBe("prompt is too long: 1196265 tokens > 1048575 maximum");
    }

    [Fact]
    public void ContextLengthCodeWithoutNumbersStillSaysPromptIsTooLong()
    {
        var error = Error(400, """{"error":{"message":"Your input exceeds the context window of this model.","type":"invalid_request_error","code":"context_length_exceeded"}}""");
        error.Status.ShouldBe(400);
        error.Message.ShouldStartWith("prompt is too long");
        error.Message.ShouldContain("Your input exceeds the context window of this model.");
    }

    [Fact]
    public void QwenInputRangeErrorIsReworded()
    {
        var error = Error(400, """{"error":{"message":"<400> InternalError.Algo.InvalidParameter: Range of input length should be [1, 129024]","type":"invalid_request_error","code":"invalid_parameter_error"}}""", "Qwen");
        error.Message.ShouldStartWith("prompt is too long");
        error.Message.ShouldContain("129024");
    }

    [Fact]
    public void GeminiArrayShapedErrorBodyIsUnderstood()
    {
        var error = ChatCompletionsTranslator.TranslateError(429, File.ReadAllBytes(Fixtures.PathOf("gemini_error_array.json")), "Gemini");
        error.Status.ShouldBe(429);
        error.ErrorType.ShouldBe("rate_limit_error");
        error.Message.ShouldBe("Gemini: You exceeded your current quota, please check your plan and billing details.");
    }

    [Fact]
    public void InsufficientQuotaIsABillingError()
    {
        var error = Error(429, """{"error":{"message":"You exceeded your current quota.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""");
        error.Status.ShouldBe(402);
        error.ErrorType.ShouldBe("billing_error");
    }

    [Fact]
    public void NonJsonAndEmptyBodiesStillGiveAReadableError()
    {
        var html = Error(502, "<html><body>502 Bad Gateway</body></html>", "Qwen");
        html.Status.ShouldBe(529);
        html.Message.ShouldContain("502 Bad Gateway");
        var empty = Error(500, "", "Qwen");
        empty.Status.ShouldBe(500);
        empty.Message.ShouldBe("Qwen returned HTTP 500");
    }

    [Fact]
    public void ApiKeysInUpstreamMessagesAreNotRepeated()
    {
        var error = Error(401, """{"error":{"message":"Incorrect API key provided: sk-proj-abcdef1234567890XYZ. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","code":"invalid_api_key"}}""");
        error.Status.ShouldBe(401);
        error.Message.ShouldNotContain("abcdef1234567890");
        error.Message.ShouldContain("[redacted]");
        var gemini = Error(400, """[{"error":{"code":400,"message":"API key not valid: AIzaSyA1234567890abcdefghijklmnopqrstu","status":"INVALID_ARGUMENT"}}]""", "Gemini");
        gemini.Message.ShouldNotContain("AIzaSy");
    }
}
