using System.Text;

namespace ClaudeModelProxy.Core.Responses;

/// <summary>
/// Applies Anthropic <c>stop_sequences</c> to text as it is relayed (the Responses API has no <c>stop</c>): text is
/// released as soon as it can no longer be the start of a stop sequence; at the first match, only what precedes it is
/// released and <see cref="Matched"/> names the sequence. One instance per reply.
/// </summary>
internal sealed class StopSequenceCutter(IReadOnlyList<string> stopSequences)
{
    private readonly StringBuilder held = new();

    /// <summary>The stop sequence that ended the text, once one has.</summary>
    public string? Matched { get; private set; }

    public bool IsActive => stopSequences.Count > 0;

    /// <summary>Adds text; returns what may be shown now (after a match: nothing more, ever).</summary>
    public string Push(string text)
    {
        if (Matched is not null) return "";
        if (stopSequences.Count == 0) return text;
        held.Append(text);
        var all = held.ToString();
        // The sequence a model would stop at is the first one to be complete, which is not always the first to
        // start ("bab" starts before "a" in "bab", "a" is complete first); the same rule for a stream in any chunks
        // and for a whole reply. Of two complete at the same place, the longer one, so less text is shown.
        var cut = -1;
        var cutEnd = -1;
        foreach (var stop in stopSequences)
        {
            var at = all.IndexOf(stop, StringComparison.Ordinal);
            if (at < 0) continue;
            var end = at + stop.Length;
            if (cut < 0 || end < cutEnd || (end == cutEnd && at < cut))
            {
                cut = at;
                cutEnd = end;
                Matched = stop;
            }
        }
        if (cut >= 0)
        {
            held.Clear();
            return all[..cut];
        }
        var keep = LongestPossibleStart(all);
        held.Remove(0, all.Length - keep);
        return all[..^keep];
    }

    /// <summary>The end of a text block: whatever was held back was not a stop sequence after all.</summary>
    public string Flush()
    {
        var rest = held.ToString();
        held.Clear();
        return Matched is null ? rest : "";
    }

    /// <summary>How many trailing characters could still grow into a stop sequence.</summary>
    private int LongestPossibleStart(string text)
    {
        var longest = 0;
        foreach (var stop in stopSequences)
        {
            for (var length = Math.Min(stop.Length - 1, text.Length); length > longest; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }
        return longest;
    }

    /// <summary>The whole text of a non-streamed reply, cut at the first stop sequence.</summary>
    public string Cut(string text) => Push(text) + Flush();
}
