using System.Text.Json;

namespace ClaudeModelProxy.Core.OpenAi;

/// <summary>
/// How one OpenAI-compatible provider deviates from plain Chat Completions; each provider's lives in its folder
/// under <c>Providers/</c>. The translators ask these questions instead of testing provider names.
/// </summary>
internal interface IProviderQuirks
{
    /// <summary>Base64 PDFs can be sent as <c>{type:"file"}</c> parts; otherwise they become a short text note.</summary>
    bool AcceptsPdfFiles => false;

    /// <summary>State the provider puts on its tool calls and wants back on the same calls next turn; null when it keeps none.</summary>
    IToolCallState? CallState => null;

    /// <summary>Decides the wire fields (token limit, sampling, reasoning, tool schemas, ids) for the client's intent.</summary>
    void Apply(ChatRequestDraft draft);

    /// <summary>Responses API: whether <paramref name="model"/> reasons (so it refuses sampling parameters and takes reasoning items back).</summary>
    bool Reasons(string model) => false;

    /// <summary>Responses API: the effort <paramref name="model"/> accepts for the client's <paramref name="requested"/> one, or null to send none.</summary>
    string? ReasoningEffort(string model, string? requested) => null;
}

/// <summary>
/// A provider's own per-tool-call state (Gemini's thought signatures): read from its replies, carried in the
/// conversation in a thinking block's signature, and written back onto the same calls.
/// </summary>
internal interface IToolCallState
{
    /// <summary>The state on a reply's tool call, delta, message or choice, if any.</summary>
    string? Read(JsonElement element);

    /// <summary>Writes <paramref name="state"/> into the tool call object being written.</summary>
    void Write(Utf8JsonWriter writer, string state);

    /// <summary>The thinking block signature that carries these (tool_use id, state) pairs.</summary>
    string Encode(IReadOnlyList<KeyValuePair<string, string>> states);

    /// <summary>Adds the pairs a carrier signature holds to <paramref name="into"/>; false for anything else.</summary>
    bool TryDecode(string? signature, Dictionary<string, string> into);

    /// <summary>What the first call of a step carries when the history has lost its state (a conversation begun elsewhere).</summary>
    string WhenLost { get; }
}

internal static class ProviderQuirks
{
    /// <summary>Lower-cased model name without a <c>vendor/</c> prefix.</summary>
    public static string ModelName(string model)
    {
        var name = model.Trim().ToLowerInvariant();
        var slash = name.LastIndexOf('/');
        return slash >= 0 ? name[(slash + 1)..] : name;
    }
}

/// <summary>Any OpenAI-compatible server: <c>max_tokens</c>, <c>reasoning_effort</c> when thinking is asked for, <c>user</c>.</summary>
internal sealed class GenericQuirks : IProviderQuirks
{
    public static readonly GenericQuirks Instance = new();

    public void Apply(ChatRequestDraft draft)
    {
        // Many compatible servers do not know "none"; saying nothing is the portable way to not ask for reasoning.
        draft.ReasoningEffort = draft.Thinking.Kind == ThinkingKind.Disabled ? null : draft.Thinking.ReasoningEffort;
        draft.TopK = null;
        if (draft.UserHash is { } user) draft.Extra["user"] = user;
    }
}
