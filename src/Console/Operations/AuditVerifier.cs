using System.Data;
using Hotline.Feedback.History;
using Hotline.Feedback.Storage;
using Hotline.Host.Storage;
using Hotline.Routing.Audit;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Host.Operations;

/// <summary>What <c>hotline audit verify</c> found: entries and chains checked per table, and the first broken link if any.</summary>
public sealed record AuditReport(IReadOnlyList<ChainWalker> Tables, BrokenLink? Broken, long PersonalDataAccessLength, string? PersonalDataAccessHead)
{
    public long Entries => Tables.Sum(t => t.Entries);
}

/// <summary>
/// Walks every hash chain — each ticket's timeline, the personal-data access log, each ticket's Feedback history — and stops at
/// the first broken link. Reads one consistent snapshot (a deferred read transaction on SQLite's write-ahead log, REPEATABLE READ
/// on PostgreSQL), so a host writing meanwhile neither blocks it nor shows up as a half-written chain.
/// </summary>
public sealed class AuditVerifier(RoutingDbContext routing, FeedbackDbContext feedback, DatabaseSettings settings,
    int chainsPerPage = 500)
{
    public async Task<AuditReport> VerifyAsync(CancellationToken ct)
    {
        await routing.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = routing.Database.GetDbConnection();
            await using var snapshot = settings.Provider == DatabaseProvider.Sqlite
                ? ((SqliteConnection)connection).BeginTransaction(deferred: true)
                : await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            await routing.Database.UseTransactionAsync(snapshot, ct);
            feedback.Database.SetDbConnection(connection);
            await feedback.Database.UseTransactionAsync(snapshot, ct);
            try
            {
                return await WalkAsync(ct);
            }
            finally
            {
                await routing.Database.UseTransactionAsync(null, ct);
                await feedback.Database.UseTransactionAsync(null, ct);
                await snapshot.RollbackAsync(ct);
            }
        }
        finally
        {
            await routing.Database.CloseConnectionAsync();
        }
    }

    private async Task<AuditReport> WalkAsync(CancellationToken ct)
    {
        var timeline = new ChainWalker("TicketTimeline");
        var access = new ChainWalker("PersonalDataAccess");
        var history = new ChainWalker("FeedbackHistory");
        var tables = new[] { timeline, access, history };
        var accessHead = await routing.AuditChainHeads.AsNoTracking()
            .SingleOrDefaultAsync(h => h.Log == AuditLogs.PersonalDataAccess && h.ChainKey == "", ct);
        var broken = await WalkTimelinesAsync(timeline, ct)
            ?? await WalkAccessLogAsync(access, accessHead, ct)
            ?? await WalkHistoryAsync(history, ct);
        return new AuditReport(tables, broken, accessHead?.Length ?? 0, accessHead?.Hash);
    }

    private async Task<BrokenLink?> WalkTimelinesAsync(ChainWalker walker, CancellationToken ct)
    {
        // Pages by key (WHERE "Id" > last), not by offset, so a large table is read once. SQLite keeps EF's Guids as upper-case
        // text, PostgreSQL as uuid: the parameter takes each one's form, and each orders the way it compares.
        TicketId? last = null;
        while (true)
        {
            var page = last is { } after
                ? routing.Tickets.FromSqlRaw("""SELECT * FROM "Tickets" WHERE "Id" > {0} ORDER BY "Id" LIMIT {1}""",
                    settings.Provider == DatabaseProvider.Sqlite ? after.Value.ToString().ToUpperInvariant() : after.Value, chainsPerPage)
                : routing.Tickets.FromSqlRaw("""SELECT * FROM "Tickets" ORDER BY "Id" LIMIT {0}""", chainsPerPage);
            var tickets = await page.AsNoTracking().OrderBy(t => t.Id)
                .Select(t => new { t.Id, t.TimelineLength, t.TimelineHash }).ToListAsync(ct);
            if (tickets.Count == 0)
            {
                break;
            }
            last = tickets[^1].Id;
            var ids = tickets.Select(t => t.Id).ToList();
            var entries = (await routing.Timeline.AsNoTracking().Where(e => ids.Contains(e.TicketId)).ToListAsync(ct))
                .ToLookup(e => e.TicketId);
            foreach (var ticket in tickets)
            {
                var rows = entries[ticket.Id].OrderBy(e => e.Sequence).Select(Row);
                if (walker.Walk(HashChain.Text(ticket.Id.Value), rows, ticket.TimelineLength, ticket.TimelineHash) is { } broken)
                {
                    return broken;
                }
            }
        }
        if (await routing.Timeline.LongCountAsync(ct) != walker.Entries)
        {
            var orphan = await routing.Timeline.AsNoTracking().Where(e => !routing.Tickets.Any(t => t.Id == e.TicketId))
                .OrderBy(e => e.TicketId).ThenBy(e => e.Sequence).FirstAsync(ct);
            return walker.Orphan(HashChain.Text(orphan.TicketId.Value), Row(orphan));
        }
        return null;
    }

    private async Task<BrokenLink?> WalkAccessLogAsync(ChainWalker walker, AuditChainHead? head, CancellationToken ct)
    {
        // One chain, read as a stream, so memory stays flat on a large log.
        walker.Begin("");
        await foreach (var entry in routing.PersonalDataAccess.AsNoTracking().OrderBy(a => a.Sequence).AsAsyncEnumerable()
                           .WithCancellation(ct))
        {
            if (walker.Next(new ChainRow(entry.Id, entry.Sequence, entry.Hash, entry.ChainFields())) is { } broken)
            {
                return broken;
            }
        }
        return walker.End(head?.Length ?? 0, head?.Hash);
    }

    private async Task<BrokenLink?> WalkHistoryAsync(ChainWalker walker, CancellationToken ct)
    {
        var last = "";
        while (true)
        {
            var heads = await routing.AuditChainHeads.AsNoTracking()
                .Where(h => h.Log == AuditLogs.FeedbackHistory && string.Compare(h.ChainKey, last) > 0)
                .OrderBy(h => h.ChainKey).Take(chainsPerPage).ToListAsync(ct);
            if (heads.Count == 0)
            {
                break;
            }
            last = heads[^1].ChainKey;
            var ids = heads.Select(h => Guid.TryParse(h.ChainKey, out var id) ? new TicketId(id) : default).ToList();
            var entries = (await feedback.History.AsNoTracking().Where(h => ids.Contains(h.TicketId)).ToListAsync(ct))
                .ToLookup(h => h.ChainKey);
            foreach (var head in heads)
            {
                var rows = entries[head.ChainKey].OrderBy(h => h.Sequence).Select(Row);
                if (walker.Walk(head.ChainKey, rows, head.Length, head.Hash) is { } broken)
                {
                    return broken;
                }
            }
        }
        if (await feedback.History.LongCountAsync(ct) != walker.Entries)
        {
            var chained = await routing.AuditChainHeads.AsNoTracking().Where(h => h.Log == AuditLogs.FeedbackHistory)
                .Select(h => h.ChainKey).ToListAsync(ct);
            var known = chained.ToHashSet(StringComparer.Ordinal);
            await foreach (var entry in feedback.History.AsNoTracking().OrderBy(h => h.Sequence).AsAsyncEnumerable().WithCancellation(ct))
            {
                if (!known.Contains(entry.ChainKey))
                {
                    return walker.Orphan(entry.ChainKey, Row(entry));
                }
            }
        }
        return null;
    }

    private static ChainRow Row(TimelineEntry entry) => new(entry.Id, entry.Sequence, entry.Hash, entry.ChainFields());

    private static ChainRow Row(FeedbackHistoryEntry entry) => new(entry.Id, entry.Sequence, entry.Hash, entry.ChainFields());
}
