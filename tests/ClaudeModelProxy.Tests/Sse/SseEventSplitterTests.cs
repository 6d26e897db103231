using System.Text;
using ClaudeModelProxy.Core.Sse;

namespace ClaudeModelProxy.Tests.Sse;

public class SseEventSplitterTests
{
    private const string Stream = "event: a\ndata: {\"x\":\"é\"}\n\nevent: b\r\ndata: 2\r\n\r\n: comment\ndata: 3\n\n";

    [Fact]
    public void EventsComeOutWholeWhereverTheBytesAreSplit()
    {
        var bytes = Encoding.UTF8.GetBytes(Stream);
        for (var first = 0; first <= bytes.Length; first++)
        {
            for (var second = first; second <= bytes.Length; second += 3)
            {
                var events = Split(bytes[..first], bytes[first..second], bytes[second..]);
                events.ShouldBe(["event: a\ndata: {\"x\":\"é\"}\n\n", "event: b\r\ndata: 2\r\n\r\n", ": comment\ndata: 3\n\n"], $"split at {first}/{second}");
            }
        }
    }

    [Fact]
    public void IncompleteTailStaysAsRemainder()
    {
        using var splitter = new SseEventSplitter();
        splitter.Append("data: 1\n\ndata: 2\n"u8);
        splitter.TryReadEvent(out _).ShouldBeTrue();
        splitter.TryReadEvent(out _).ShouldBeFalse();
        Encoding.UTF8.GetString(splitter.Remainder.Span).ShouldBe("data: 2\n");
    }

    [Fact]
    public void FieldsAreReadFromOneEvent()
    {
        var fields = SseFields.Parse("event: message_start\r\ndata: {\"a\":1}\r\n\r\n"u8);
        Encoding.UTF8.GetString(fields.EventName).ShouldBe("message_start");
        Encoding.UTF8.GetString(fields.Data).ShouldBe("{\"a\":1}");
    }

    private static List<string> Split(params byte[][] chunks)
    {
        using var splitter = new SseEventSplitter();
        var events = new List<string>();
        foreach (var chunk in chunks)
        {
            splitter.Append(chunk);
            while (splitter.TryReadEvent(out var e)) events.Add(Encoding.UTF8.GetString(e.Span));
        }
        return events;
    }
}
