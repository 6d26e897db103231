using ClaudeModelProxy.Core.Anthropic;

namespace ClaudeModelProxy.Tests.Anthropic;

public class ByteEditSegmentsTests
{
    private static byte[] Joined(byte[] source, List<ByteEdit> edits)
    {
        var joined = new List<byte>();
        foreach (var segment in ByteEdits.Segments(source, edits)) joined.AddRange(segment.ToArray());
        return [.. joined];
    }

    [Fact]
    public void TheSegmentsOfAnEditedBufferAreTheBufferWithTheEditsApplied()
    {
        var source = "0123456789"u8.ToArray();
        List<List<ByteEdit>> cases =
        [
            [],
            [new(0, 0, "<"u8.ToArray())],
            [new(10, 0, ">"u8.ToArray())],
            [new(0, 10, "all"u8.ToArray())],
            [new(2, 3, "x"u8.ToArray()), new(5, 2, "yy"u8.ToArray())],   // adjacent
            [new(0, 1, []), new(9, 1, [])],                                // deletions at both ends
            [new(4, 0, "a"u8.ToArray()), new(4, 2, "b"u8.ToArray())],     // an insertion, then a replacement at the same offset
        ];
        foreach (var edits in cases)
            Joined(source, edits).ShouldBe(ByteEdits.Apply(source, edits), string.Join(", ", edits.Select(e => $"{e.Offset}+{e.Length}")));
    }

    [Fact]
    public void RandomSortedEditsGiveTheSameBytesAsApplyingThem()
    {
        var random = new Random(19);
        for (var round = 0; round < 2_000; round++)
        {
            var source = new byte[random.Next(0, 40)];
            random.NextBytes(source);
            var edits = new List<ByteEdit>();
            var position = 0;
            while (position <= source.Length && random.Next(3) > 0)
            {
                var offset = random.Next(position, source.Length + 1);
                var length = random.Next(0, source.Length - offset + 1);
                var replacement = new byte[random.Next(0, 4)];
                random.NextBytes(replacement);
                edits.Add(new ByteEdit(offset, length, replacement));
                position = offset + Math.Max(length, 1);
            }
            Joined(source, edits).ShouldBe(ByteEdits.Apply(source, edits));
            ByteEdits.ResultLength(source.Length, edits).ShouldBe(Joined(source, edits).Length);
        }
    }
}
