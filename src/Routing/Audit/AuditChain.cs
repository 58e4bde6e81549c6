using System.Data.Common;
using Hotline.Routing.Storage.Migrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using NodaTime;

namespace Hotline.Routing.Audit;

/// <summary>An append-only audit entry that carries a hash chained to the entry before it in the same chain.</summary>
public interface IChainedEntry
{
    Guid Id { get; }
    Instant At { get; }

    /// <summary>Which chain of its log the entry belongs to: <c>""</c> for a log with one chain, the ticket id for per-ticket chains.</summary>
    string ChainKey { get; }

    /// <summary>1, 2, 3… within the chain.</summary>
    long Sequence { get; }

    string? Hash { get; }

    /// <summary>Every stored column except the hash, in the order they are hashed.</summary>
    IReadOnlyList<ChainField> ChainFields();

    /// <summary>Sets <see cref="Sequence"/> and computes <see cref="Hash"/> after <paramref name="previous"/>; returns the hash.</summary>
    string Seal(long sequence, string? previous);
}

/// <summary>The names of the chained audit logs, as stored in <see cref="AuditChainHead.Log"/>.</summary>
public static class AuditLogs
{
    public const string PersonalDataAccess = "PersonalDataAccess";
    public const string FeedbackHistory = "FeedbackHistory";
}

/// <summary>
/// The end of one audit chain: how many entries it has and the last one's hash. Appending locks this row for the rest of the
/// transaction, so two transactions can never both extend a chain from the same entry (no fork). A null <see cref="Hash"/> with a
/// positive <see cref="Length"/> means the chain's rows predate hashing and the start-up seal has not run yet.
/// </summary>
public sealed class AuditChainHead
{
    public string Log { get; set; } = "";
    public string ChainKey { get; set; } = "";
    public long Length { get; set; }
    public string? Hash { get; set; }
}

/// <summary>
/// Appends hash-chained entries. Called from the audit contexts' <c>SaveChangesAsync</c>, so no writer can forget it: every new
/// entry of the log is numbered and hashed inside the transaction that inserts it, after its chain's head row is locked
/// (<c>SELECT … FOR UPDATE</c> on PostgreSQL; on SQLite every write transaction already holds the database's single write lock,
/// since Microsoft.Data.Sqlite begins transactions <c>IMMEDIATE</c>). A concurrent writer of the same chain waits for the commit
/// and then continues from the new head; writers of other chains do not wait. A unique index on (chain, sequence) backs this up.
/// </summary>
public static class AuditChain
{
    /// <summary>Seals the context's new <typeparamref name="TEntry"/> rows onto their chains and saves, in one transaction.</summary>
    public static async Task<int> SaveAsync<TEntry>(DbContext db, string log, Func<CancellationToken, Task<int>> save,
        CancellationToken ct) where TEntry : class, IChainedEntry
    {
        if (!HasNewEntries<TEntry>(db))
        {
            return await save(ct);
        }
        if (db.Database.CurrentTransaction is not null)
        {
            return await SealAndSaveAsync<TEntry>(db, log, save, ct);
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var written = await SealAndSaveAsync<TEntry>(db, log, save, ct);
        await transaction.CommitAsync(ct);
        return written;
    }

    public static bool HasNewEntries<TEntry>(DbContext db) where TEntry : class, IChainedEntry =>
        db.ChangeTracker.Entries<TEntry>().Any(e => e.State == EntityState.Added);

    private static async Task<int> SealAndSaveAsync<TEntry>(DbContext db, string log, Func<CancellationToken, Task<int>> save,
        CancellationToken ct) where TEntry : class, IChainedEntry
    {
        // Entries of one save go onto their chain in the order they happened; chains are locked in key order, so two
        // transactions that touch the same two chains cannot deadlock on them.
        var chains = db.ChangeTracker.Entries<TEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity)
            .OrderBy(e => e.At).GroupBy(e => e.ChainKey).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var heads = new List<(string Key, long Length, string? Hash)>();
        foreach (var chain in chains)
        {
            var (length, hash) = await LockHeadAsync(db, log, chain.Key, ct);
            if (length > 0 && hash is null)
            {
                throw new InvalidOperationException(
                    $"The {log} chain '{chain.Key}' has rows without hashes: the start-up seal must run before anything is appended.");
            }
            foreach (var entry in chain)
            {
                hash = entry.Seal(++length, hash);
            }
            heads.Add((chain.Key, length, hash));
        }
        // The head moves only after the rows are in: if the insert fails, the head still describes what is stored.
        var written = await save(ct);
        foreach (var (key, length, hash) in heads)
        {
            await MoveHeadAsync(db, log, key, length, hash, ct);
        }
        return written;
    }

    /// <summary>Locks a chain's head row for the rest of the current transaction (creating it, empty, for a new chain).</summary>
    public static async Task<(long Length, string? Hash)> LockHeadAsync(DbContext db, string log, string key, CancellationToken ct)
    {
        var postgres = db.Database.ProviderName == AppendOnly.PostgresProvider;
        var select = """SELECT "Length", "Hash" FROM "AuditChainHeads" WHERE "Log" = @log AND "ChainKey" = @key""" +
            (postgres ? " FOR UPDATE" : "");
        if (await ReadHeadAsync(db, select, log, key, ct) is { } head)
        {
            return head;
        }
        // Two first appends at once: one inserts, the other's insert waits for it and does nothing; both then lock the one row.
        await using (var insert = Command(db, """
            INSERT INTO "AuditChainHeads" ("Log", "ChainKey", "Length", "Hash") VALUES (@log, @key, 0, NULL) ON CONFLICT DO NOTHING
            """, log, key))
        {
            await insert.ExecuteNonQueryAsync(ct);
        }
        return await ReadHeadAsync(db, select, log, key, ct)
            ?? throw new InvalidOperationException($"The head of the {log} chain '{key}' could not be created.");
    }

    public static async Task MoveHeadAsync(DbContext db, string log, string key, long length, string? hash, CancellationToken ct)
    {
        await using var update = Command(db, """
            UPDATE "AuditChainHeads" SET "Length" = @length, "Hash" = @hash WHERE "Log" = @log AND "ChainKey" = @key
            """, log, key);
        AddParameter(update, "@length", length);
        AddParameter(update, "@hash", (object?)hash ?? DBNull.Value);
        await update.ExecuteNonQueryAsync(ct);
    }

    private static async Task<(long, string?)?> ReadHeadAsync(DbContext db, string sql, string log, string key, CancellationToken ct)
    {
        await using var command = Command(db, sql, log, key);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        return (reader.GetInt64(0), await reader.IsDBNullAsync(1, ct) ? null : reader.GetString(1));
    }

    private static DbCommand Command(DbContext db, string sql, string log, string key)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Audit chains are only extended inside a transaction.");
        command.CommandText = sql;
        AddParameter(command, "@log", log);
        AddParameter(command, "@key", key);
        return command;
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
