using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Hotline.Routing.Audit;

/// <summary>
/// The start-up step that hashes rows written before hash chains existed (the migration numbered them; SQLite cannot compute
/// SHA-256 in SQL). Runs after the migrations, before the host serves, and finds nothing to do on every later start. Several
/// hosts starting at once are safe: chains are sealed under their head's lock, timelines under the ticket's version, and the
/// triggers let a hash be set only where it is still null.
/// </summary>
public static class AuditSeal
{
    private const int TicketsPerTransaction = 200;
    private const int EntriesPerPage = 2_000;

    /// <summary>Seals Routing's chains: every ticket's timeline and the personal-data access log. Returns the rows hashed.</summary>
    public static async Task<int> SealRoutingAsync(RoutingDbContext db, CancellationToken ct)
    {
        var sealedRows = await SealTimelinesAsync(db, ct);
        sealedRows += await SealLogAsync(db, AuditLogs.PersonalDataAccess, (_, after, take) =>
            db.PersonalDataAccess.Where(a => a.Sequence > after).OrderBy(a => a.Sequence).Take(take).ToListAsync(ct), ct);
        return sealedRows;
    }

    private static async Task<int> SealTimelinesAsync(RoutingDbContext db, CancellationToken ct)
    {
        var sealedRows = 0;
        var conflicts = 0;
        while (true)
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var tickets = await db.Tickets.Where(t => t.TimelineHash == null && t.TimelineLength > 0)
                .OrderBy(t => t.Id).Take(TicketsPerTransaction).ToListAsync(ct);
            if (tickets.Count == 0)
            {
                return sealedRows;
            }
            var ids = tickets.Select(t => t.Id).ToList();
            var entries = (await db.Timeline.Where(e => ids.Contains(e.TicketId)).ToListAsync(ct))
                .ToLookup(e => e.TicketId);
            foreach (var ticket in tickets)
            {
                string? previous = null;
                foreach (var entry in entries[ticket.Id].OrderBy(e => e.Sequence))
                {
                    if (entry.Hash is null)
                    {
                        entry.Seal(previous);
                        sealedRows++;
                    }
                    previous = entry.Hash;
                }
                // A ticket that counts entries but has none left was emptied behind our back: it gets the hash of nothing,
                // so it is not picked again, and verification reports the missing entries.
                ticket.SealTimeline(previous ?? HashChain.Link(null, []));
            }
            try
            {
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                conflicts = 0;
            }
            catch (DbUpdateException) when (++conflicts < 5)
            {
                // Another host sealed some of these tickets first; the next round picks up whatever is still unsealed.
                await transaction.RollbackAsync(ct);
            }
        }
    }

    /// <summary>
    /// Seals every chain of <paramref name="log"/> whose head has no hash yet. <paramref name="page"/> returns a chain's entries
    /// (tracked) after a sequence number, in sequence order.
    /// </summary>
    public static async Task<int> SealLogAsync<TEntry>(DbContext db, string log, Func<string, long, int, Task<List<TEntry>>> page,
        CancellationToken ct) where TEntry : class, IChainedEntry
    {
        var sealedRows = 0;
        while (true)
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var keys = await UnsealedChainsAsync(db, log, ct);
            if (keys.Count == 0)
            {
                return sealedRows;
            }
            foreach (var key in keys)
            {
                var (length, head) = await AuditChain.LockHeadAsync(db, log, key, ct);
                if (head is not null || length == 0)
                {
                    continue; // sealed meanwhile by another host
                }
                string? previous = null;
                for (long after = 0; ;)
                {
                    var entries = await page(key, after, EntriesPerPage);
                    if (entries.Count == 0)
                    {
                        break;
                    }
                    foreach (var entry in entries)
                    {
                        if (entry.Hash is null)
                        {
                            entry.Seal(entry.Sequence, previous);
                            sealedRows++;
                        }
                        previous = entry.Hash;
                        after = entry.Sequence;
                    }
                    await db.SaveChangesAsync(ct);
                    db.ChangeTracker.Clear();
                }
                await AuditChain.MoveHeadAsync(db, log, key, length, previous, ct);
            }
            await transaction.CommitAsync(ct);
        }
    }

    private static async Task<List<string>> UnsealedChainsAsync(DbContext db, string log, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = $"""
            SELECT "ChainKey" FROM "AuditChainHeads" WHERE "Log" = @log AND "Hash" IS NULL AND "Length" > 0
            ORDER BY "ChainKey" LIMIT {TicketsPerTransaction}
            """;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@log";
        parameter.Value = log;
        command.Parameters.Add(parameter);
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            keys.Add(reader.GetString(0));
        }
        return keys;
    }
}
