using System.Buffers;
using ClaudeModelProxy.Core.Anthropic;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Gateway.Relay;

/// <summary>The one reply step of the non-stream routes: a whole JSON reply, its exact length, its edits applied as it is written.</summary>
public static class JsonReply
{
    /// <param name="edits">Byte edits to apply on the way out (pass-through's model rewrite), or null.</param>
    public static async Task<ForwardOutcome> SendAsync(HttpResponse client, byte[] body, List<ByteEdit>? edits, TokenUsage usage, CancellationToken clientAborted)
    {
        if (edits is null or { Count: 0 })
        {
            client.ContentLength = body.Length;
            client.BodyWriter.Write(body);
        }
        else
        {
            client.ContentLength = ByteEdits.ResultLength(body.Length, edits);
            foreach (var segment in ByteEdits.Segments(body, edits)) client.BodyWriter.Write(segment.Span);
        }
        await client.BodyWriter.FlushAsync(clientAborted);
        return new ForwardOutcome(client.StatusCode, usage, null);
    }
}
