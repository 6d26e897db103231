namespace ClaudeModelProxy.Core.Sse;

/// <summary>Reads the <c>event:</c> name and the single <c>data:</c> line of one raw SSE event.</summary>
public readonly ref struct SseFields
{
    public ReadOnlySpan<byte> EventName { get; init; }

    public ReadOnlySpan<byte> Data { get; init; }

    /// <summary>Offset of <see cref="Data"/> within the event; -1 when there is no single data line.</summary>
    public int DataOffset { get; init; }

    public static SseFields Parse(ReadOnlySpan<byte> sseEvent)
    {
        ReadOnlySpan<byte> name = default, data = default;
        var dataOffset = -1;
        var dataLines = 0;
        var position = 0;
        while (position < sseEvent.Length)
        {
            var rest = sseEvent[position..];
            var newline = rest.IndexOf((byte)'\n');
            var line = newline < 0 ? rest : rest[..newline];
            if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
            if (line.StartsWith("event:"u8)) name = TrimLeadingSpace(line[6..]);
            else if (line.StartsWith("data:"u8))
            {
                dataLines++;
                var value = TrimLeadingSpace(line[5..]);
                data = value;
                dataOffset = position + (line.Length - value.Length);
            }
            if (newline < 0) break;
            position += newline + 1;
        }
        return dataLines == 1
            ? new SseFields { EventName = name, Data = data, DataOffset = dataOffset }
            : new SseFields { EventName = name, Data = default, DataOffset = -1 };
    }

    private static ReadOnlySpan<byte> TrimLeadingSpace(ReadOnlySpan<byte> value) =>
        value.Length > 0 && value[0] == ' ' ? value[1..] : value;
}
