using ClaudeModelProxy.Core.Anthropic;

namespace ClaudeModelProxy.Core.Conversation;

/// <summary>The edits one repair collects, computed against the original layout.</summary>
internal sealed class RepairPlan(int bodyLength, HistoryLayout layout)
{
    private static readonly byte[] TextBlockStart = "{\"type\":\"text\",\"text\":"u8.ToArray();

    private readonly List<ByteEdit> edits = [];
    private readonly HashSet<(int Message, int Block)> removed = [];
    private int dropped, madeText, restored;
    private bool thinkingRemoved;

    /// <summary>Drops the thinking blocks <paramref name="foreign"/> picks; one with visible text becomes a text block holding it.</summary>
    public void RemoveThinking(ReadOnlySpan<byte> body, Func<BlockLayout, bool> foreign)
    {
        foreach (var message in layout.Messages)
        {
            if (message.Blocks is not { } blocks) continue;
            var drop = new bool[blocks.Count];
            for (var i = 0; i < blocks.Count; i++)
            {
                var block = blocks[i];
                if (!block.IsThinking || !foreign(block)) continue;
                removed.Add((message.Index, i));
                if (block.ThinkingLength > 0)
                {
                    // The thinking string token is copied as it was escaped: the text is never decoded.
                    var replacement = new byte[TextBlockStart.Length + block.ThinkingLength + 1];
                    TextBlockStart.CopyTo(replacement, 0);
                    body.Slice(block.ThinkingStart, block.ThinkingLength).CopyTo(replacement.AsSpan(TextBlockStart.Length));
                    replacement[^1] = (byte)'}';
                    edits.Add(new ByteEdit(block.Start, block.End - block.Start, replacement));
                    madeText++;
                }
                else
                {
                    drop[i] = true;
                    dropped++;
                }
            }
            RemoveElements(blocks.Select(b => (b.Start, b.End)).ToList(), drop, allGoneReplacement: "{\"type\":\"text\",\"text\":\"(thinking omitted)\"}"u8.ToArray());
        }
    }

    /// <summary>Puts the original signature back into this provider's own thinking blocks (tagged on the way out).</summary>
    public void RestoreOwnSignatures(string providerId)
    {
        foreach (var message in layout.Messages)
        {
            if (message.Blocks is not { } blocks) continue;
            foreach (var block in blocks)
                if (block is { Type: "thinking", SignatureMinted: true, SignatureLength: > 0 } && PassThroughSignatures.TryUnwrap(block.MintedSignature, providerId, out var original))
                {
                    edits.Add(new ByteEdit(block.SignatureStart, block.SignatureLength, original));
                    restored++;
                }
        }
    }

    /// <summary>The last assistant message has a tool_use but (after this plan) does not begin with a genuine thinking block.</summary>
    public bool LastAssistantToolTurnLacksThinking()
    {
        var last = layout.Messages.LastOrDefault(m => m.Role == "assistant");
        if (last?.Blocks is not { } blocks || !blocks.Any(b => b.Type == "tool_use")) return false;
        var first = Enumerable.Range(0, blocks.Count).FirstOrDefault(i => !removed.Contains((last.Index, i)), -1);
        return first < 0 || !blocks[first].IsThinking;
    }

    /// <summary>
    /// Some assistant message with a tool_use has no thinking left: no thinking block, or only ones with empty text
    /// (these upstreams turn the text into reasoning_content, and an empty one counts as missing).
    /// </summary>
    public bool AnyAssistantToolTurnLacksThinking() =>
        layout.Messages.Any(m => m is { Role: "assistant", Blocks: { } blocks }
            && blocks.Any(b => b.Type == "tool_use")
            && !Enumerable.Range(0, blocks.Count).Any(i => blocks[i] is { Type: "thinking", ThinkingLength: > 0 } && !removed.Contains((m.Index, i))));

    /// <summary>
    /// Takes the top-level <c>thinking</c> property out (not sending it is what every pass-through upstream reads as
    /// "no thinking"; an explicit disabled next to effort fields has been rejected, protocol §5c). For Anthropic a
    /// <c>context_management</c> that only clears thinking goes too, since it needs thinking on.
    /// </summary>
    public void RemoveThinkingSetting(bool alsoClearThinkingEdits)
    {
        var properties = layout.Properties;
        var drop = new bool[properties.Count];
        for (var i = 0; i < properties.Count; i++)
        {
            if (properties[i].Name == "thinking") drop[i] = true;
            if (alsoClearThinkingEdits && properties[i].Name == "context_management" && layout.ContextEditTypes.Count > 0
                && layout.ContextEditTypes.TrueForAll(t => t?.StartsWith("clear_thinking", StringComparison.Ordinal) == true))
                drop[i] = true;
        }
        if (!drop.Contains(true)) return;
        RemoveElements(properties.Select(p => (p.Start, p.End)).ToList(), drop, allGoneReplacement: []);
        thinkingRemoved = true;
    }

    public RepairResult Result()
    {
        if (edits.Count == 0) return RepairResult.None;
        edits.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        return new RepairResult(edits, dropped, madeText, thinkingRemoved, restored);
    }

    /// <summary>
    /// Removes the marked elements of one JSON array or object together with their separators: each run of removed
    /// elements goes from its first element to the start of the next kept one (or from the end of the previous kept
    /// one when the run is last), so kept elements and what lies between them stay untouched.
    /// </summary>
    private void RemoveElements(List<(int Start, int End)> elements, bool[] drop, byte[] allGoneReplacement)
    {
        var count = elements.Count;
        if (!drop.Contains(true)) return;
        if (drop.All(d => d))
        {
            edits.Add(new ByteEdit(elements[0].Start, elements[^1].End - elements[0].Start, allGoneReplacement));
            return;
        }
        for (var i = 0; i < count; i++)
        {
            if (!drop[i]) continue;
            var j = i;
            while (j + 1 < count && drop[j + 1]) j++;
            var (from, to) = j + 1 < count ? (elements[i].Start, elements[j + 1].Start) : (elements[i - 1].End, elements[j].End);
            if (to > from && to <= bodyLength) edits.Add(new ByteEdit(from, to - from, []));
            i = j;
        }
    }
}
