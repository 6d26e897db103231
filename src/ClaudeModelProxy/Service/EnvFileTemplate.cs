namespace ClaudeModelProxy.Service;

/// <summary>The content of the repository's .env.example, written to the login service's env file when it does not exist yet (a test keeps the two equal).</summary>
public static class EnvFileTemplate
{
    public const string Text = """
        # Claude Model Proxy settings. Copy to .env (or ~/.claude-model-proxy.env for the login service)
        # and fill in the keys you need. Empty values count as unset. Real environment variables win.

        # Gateway
        BASE_URL=http://127.0.0.1:8787
        PORT=8787
        REWRITE_RESPONSES=true
        # Seconds an upstream may take to start answering (then 504), and between keep-alive pings on silent streams.
        UPSTREAM_HEADERS_TIMEOUT_SECONDS=600
        STREAM_PING_SECONDS=15

        # Anthropic Messages-compatible providers (passed through)
        DEEPSEEK_BASE_URL=https://api.deepseek.com/anthropic
        DEEPSEEK_API_KEY=
        MOONSHOT_BASE_URL=https://api.moonshot.cn/anthropic
        MOONSHOT_API_KEY=
        GLM_BASE_URL=https://api.z.ai/api/anthropic
        # Also accepted: ZAI_API_KEY, ZHIPU_API_KEY
        GLM_API_KEY=
        XIAOMI_BASE_URL=https://api.xiaomimimo.com/anthropic
        # Also accepted: MIMO_API_KEY
        XIAOMI_API_KEY=
        ANTHROPIC_BASE_URL=https://api.anthropic.com
        ANTHROPIC_API_KEY=

        # OpenAI Chat Completions-compatible providers (translated)
        OPENAI_BASE_URL=https://api.openai.com/v1
        OPENAI_API_KEY=
        GEMINI_BASE_URL=https://generativelanguage.googleapis.com/v1beta/openai
        # Also accepted: GOOGLE_API_KEY
        GEMINI_API_KEY=
        QWEN_BASE_URL=https://dashscope.aliyuncs.com/compatible-mode/v1
        # Also accepted: DASHSCOPE_API_KEY
        QWEN_API_KEY=

        # Routing overrides: a JSON object or from=to,from2=to2. Entries override the defaults one by one.
        # MODEL_MAP: request model -> upstream model
        MODEL_MAP=
        # MODEL_ALIASES: upstream model -> alias written into replies
        MODEL_ALIASES=
        # MODEL_ROUTES: upstream model -> provider (deepseek, moonshot, glm, xiaomi, anthropic, openai, gemini, qwen)
        MODEL_ROUTES=

        # Any of the above as one JSON object (what the Claude Desktop extension's advanced field fills in).
        ADVANCED_ENV=

        """;
}
