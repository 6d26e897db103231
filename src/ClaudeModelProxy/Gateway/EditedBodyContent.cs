using System.Net;
using System.Net.Http.Headers;
using ClaudeModelProxy.Core.Anthropic;

namespace ClaudeModelProxy.Gateway;

/// <summary>An upstream request body: the client's bytes with a few edits spliced in, never re-serialised.</summary>
public sealed class EditedBodyContent : HttpContent
{
    private readonly ReadOnlyMemory<byte> source;
    private readonly IReadOnlyList<ByteEdit> edits;

    public EditedBodyContent(ReadOnlyMemory<byte> source, IReadOnlyList<ByteEdit> edits)
    {
        this.source = source;
        this.edits = edits;
        Headers.ContentType = new MediaTypeHeaderValue("application/json");
        Headers.ContentLength = ByteEdits.ResultLength(source.Length, edits);
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        foreach (var segment in ByteEdits.Segments(source, edits))
            await stream.WriteAsync(segment, cancellationToken);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = ByteEdits.ResultLength(source.Length, edits);
        return true;
    }
}
