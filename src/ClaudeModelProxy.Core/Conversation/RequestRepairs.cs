using ClaudeModelProxy.Core.Anthropic;

namespace ClaudeModelProxy.Core.Conversation;

/// <summary>What a repair changed: the byte edits to splice into the body, and a summary for the log.</summary>
public sealed record RepairResult(IReadOnlyList<ByteEdit> Edits, int BlocksDropped, int BlocksMadeText, bool ThinkingRemoved, int SignaturesRestored = 0)
{
    public static readonly RepairResult None = new([], 0, 0, false);

    public bool Changed => Edits.Count > 0;

    /// <summary>Something a user would want to know about changed (not just the provider's own signatures put back).</summary>
    public bool Noteworthy => BlocksDropped > 0 || BlocksMadeText > 0 || ThinkingRemoved;

    /// <summary>One line for the log, e.g. "dropped 2 thinking blocks minted for another model; sent without thinking".</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (BlocksDropped > 0) parts.Add($"dropped {BlocksDropped} thinking block(s) from another model");
        if (BlocksMadeText > 0) parts.Add($"kept the text of {BlocksMadeText} as plain text");
        if (ThinkingRemoved) parts.Add("sent without thinking: the history's tool-call turns have no thinking of this model");
        if (SignaturesRestored > 0) parts.Add($"restored {SignaturesRestored} of its own thinking signature(s)");
        return string.Join("; ", parts);
    }

    /// <summary>
    /// These edits merged into <paramref name="others"/> (model and tool-id edits), sorted; an edit that falls inside
    /// a block this repair removes or replaces is dropped with it.
    /// </summary>
    /// <param name="others">A list of the caller's own: when this repair changed nothing it is sorted and returned.</param>
    public List<ByteEdit> MergeInto(List<ByteEdit> others)
    {
        // Nearly every request: nothing to repair, so the others are the edits.
        if (Edits.Count == 0)
        {
            others.Sort(ByOffset);
            return others;
        }
        var merged = new List<ByteEdit>(Edits.Count + others.Count);
        merged.AddRange(Edits);
        foreach (var edit in others)
            if (!FallsInside(edit)) merged.Add(edit);
        merged.Sort(ByOffset);
        return merged;
    }

    private static readonly Comparison<ByteEdit> ByOffset = (a, b) => a.Offset.CompareTo(b.Offset);

    /// <summary>Whether an edit touches a block this repair removes or replaces.</summary>
    private bool FallsInside(ByteEdit edit)
    {
        for (var i = 0; i < Edits.Count; i++)
        {
            var removed = Edits[i];
            if (edit.Offset < removed.Offset + removed.Length && removed.Offset < edit.Offset + Math.Max(edit.Length, 1)) return true;
        }
        return false;
    }
}

/// <summary>
/// Makes a Messages request acceptable to one pass-through upstream when its history holds blocks produced by
/// another model (protocol §0.15, §5c). Works on the client's bytes: the result is byte edits, untouched parts of
/// the body are never re-serialised. Never throws: a body it cannot read is left as it is.
/// </summary>
public interface IRequestRepair
{
    RepairResult Repair(ReadOnlySpan<byte> body);
}

/// <summary>Repairs shared by several providers' definitions.</summary>
public static class RequestRepairs
{
    /// <summary>For providers whose requests are translated anyway (history hygiene happens in the translation).</summary>
    public static readonly IRequestRepair None = new NoRepair();

    private sealed class NoRepair : IRequestRepair
    {
        public RepairResult Repair(ReadOnlySpan<byte> body) => RepairResult.None;
    }

    /// <summary><paramref name="first"/> and then <paramref name="second"/> (if any), both on the client's bytes; where their edits overlap, the first's win.</summary>
    public static IRequestRepair Both(IRequestRepair first, IRequestRepair? second) => second is null ? first : new BothRepairs(first, second);

    private sealed class BothRepairs(IRequestRepair first, IRequestRepair second) : IRequestRepair
    {
        public RepairResult Repair(ReadOnlySpan<byte> body)
        {
            var a = first.Repair(body);
            var b = second.Repair(body);
            if (!b.Changed) return a;
            if (!a.Changed) return b;
            return new RepairResult(a.MergeInto([.. b.Edits]), a.BlocksDropped + b.BlocksDropped, a.BlocksMadeText + b.BlocksMadeText,
                a.ThinkingRemoved || b.ThinkingRemoved, a.SignaturesRestored + b.SignaturesRestored);
        }
    }
}
