using System.Globalization;

namespace Hotline.Routing.Audit;

/// <summary>One stored entry as the verifier reads it: its id, place in the chain, stored hash and canonical fields.</summary>
public sealed record ChainRow(Guid Id, long Sequence, string? Hash, IReadOnlyList<ChainField> Fields);

/// <summary>
/// The first place a chain does not hold: which table, which chain (a ticket id, or <c>""</c> for a log with one chain), which
/// sequence number and entry, what is wrong, and what was expected against what was found.
/// </summary>
public sealed record BrokenLink(string Table, string Chain, long Sequence, Guid? Entry, string Problem, string Expected, string Found)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Table} {(Chain.Length > 0 ? $"ticket {Chain} " : "")}sequence {Sequence}{(Entry is { } id ? $" (entry {id})" : "")}: {Problem}") +
        $"{Environment.NewLine}  expected {Expected}{Environment.NewLine}  found    {Found}";
}

/// <summary>
/// Recomputes chains entry by entry. Each entry must carry the next sequence number and the hash of its own fields after the
/// previous entry's hash; the chain's head (the ticket's <c>TimelineLength</c>/<c>TimelineHash</c>, or a row of
/// <c>AuditChainHeads</c>) must describe the last entry, so entries cut off the end are found too.
/// </summary>
public sealed class ChainWalker(string table)
{
    public string Table { get; } = table;
    public long Entries { get; private set; }
    public long Chains { get; private set; }

    private string _chain = "";
    private long _expectedSequence = 1;
    private string? _previous;

    /// <summary>Walks one chain (<paramref name="rows"/> in sequence order); returns its first broken link, or null.</summary>
    public BrokenLink? Walk(string chain, IEnumerable<ChainRow> rows, long headLength, string? headHash)
    {
        Begin(chain);
        foreach (var row in rows)
        {
            if (Next(row) is { } broken)
            {
                return broken;
            }
        }
        return End(headLength, headHash);
    }

    /// <summary>Starts a chain whose rows come one by one through <see cref="Next"/> (a long chain read as a stream).</summary>
    public void Begin(string chain)
    {
        Chains++;
        _chain = chain;
        _expectedSequence = 1;
        _previous = null;
    }

    public BrokenLink? Next(ChainRow row)
    {
        Entries++;
        if (row.Sequence != _expectedSequence)
        {
            return new BrokenLink(Table, _chain, _expectedSequence, row.Id,
                row.Sequence > _expectedSequence ? "an entry is missing before this one" : "a sequence number appears twice",
                $"sequence {_expectedSequence}", $"sequence {row.Sequence}");
        }
        var expected = HashChain.Link(_previous, row.Fields);
        if (!string.Equals(row.Hash, expected, StringComparison.Ordinal))
        {
            return new BrokenLink(Table, _chain, row.Sequence, row.Id,
                row.Hash is null
                    ? "the entry has no hash (written before hash chains and not sealed: start the host once)"
                    : "the hash does not match the entry's content and the previous entry's hash",
                expected, row.Hash ?? "(none)");
        }
        _previous = row.Hash;
        _expectedSequence++;
        return null;
    }

    /// <summary>Ends the chain: its head must count every entry and hold the last one's hash.</summary>
    public BrokenLink? End(long headLength, string? headHash)
    {
        var length = _expectedSequence - 1;
        if (headLength != length)
        {
            return new BrokenLink(Table, _chain, length + 1, null,
                headLength > length ? "entries at the end of the chain are missing" : "the chain's head does not count every entry",
                $"{headLength} entries (the chain's head)", $"{length} entries");
        }
        if (!string.Equals(headHash, _previous, StringComparison.Ordinal))
        {
            return new BrokenLink(Table, _chain, length, null, "the chain's head does not hold the last entry's hash",
                _previous ?? "(none)", headHash ?? "(none)");
        }
        return null;
    }

    /// <summary>An entry whose chain has no head (its ticket row or head row was removed).</summary>
    public BrokenLink Orphan(string chain, ChainRow row) => new(Table, chain, row.Sequence, row.Id,
        "the entry belongs to no chain (its ticket or chain head is gone)", "a chain head", "(none)");
}
