namespace ClaudeModelProxy.Core.OpenAi;

/// <summary>Where a translated request goes and which model name the client sees in the reply.</summary>
/// <param name="Provider">The provider's definition (its quirks, its name); its thinking signatures are minted for its id.</param>
/// <param name="UpstreamModel">The model sent upstream.</param>
/// <param name="ResponseModel">The model name written into the Anthropic reply (the alias the client asked for).</param>
public sealed record TranslationTarget(Providers.ProviderDefinition Provider, string UpstreamModel, string ResponseModel)
{
    public string ProviderId => Provider.Id;
}

/// <summary>A Chat Completions request built from an Anthropic Messages request, plus what the reply translation needs.</summary>
/// <remarks>
/// The body lives in a rented buffer (a multi-megabyte request is not copied once more onto the large-object heap);
/// dispose this once the upstream request is done with it. Not disposing only costs the pool an array.
/// </remarks>
public sealed class TranslatedRequest : IDisposable
{
    private static readonly IReadOnlyDictionary<string, string> NoNames = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The Chat Completions JSON to POST to <c>{baseUrl}/chat/completions</c>; empty when <see cref="Error"/> is set.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The rented array under <see cref="Body"/>, returned to the pool by <see cref="Dispose"/>.</summary>
    internal byte[]? RentedBuffer { private get; init; }
    private int disposed;

    /// <summary>Whether the client asked to stream (the body then carries <c>stream</c> and <c>stream_options.include_usage</c>).</summary>
    public required bool Stream { get; init; }

    /// <summary>Why the request could not be translated; answer 400 <c>invalid_request_error</c> with this message.</summary>
    public string? Error { get; init; }

    /// <summary>Tool names as sent upstream → the client's original name (only names that had to be shortened).</summary>
    public IReadOnlyDictionary<string, string> ToolNameRestores { get; init; } = NoNames;

    internal IProviderQuirks Quirks { get; init; } = GenericQuirks.Instance;

    /// <summary>The provider this request's replies mint thinking signatures for (see <see cref="ReplyHelpers.MintingProvider"/>).</summary>
    internal string MintingProvider { get; init; } = "upstream";

    /// <summary>Stop sequences the gateway applies to the relayed text itself (the Responses API has no <c>stop</c>).</summary>
    public IReadOnlyList<string> StopSequences { get; init; } = [];

    internal static TranslatedRequest Failed(string message, bool stream) =>
        new() { Body = ReadOnlyMemory<byte>.Empty, Stream = stream, Error = message };

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0 && RentedBuffer is { } buffer) System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
    }
}
