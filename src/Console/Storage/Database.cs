using Hotline.Routing.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Hotline.Host.Storage;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// When SQLite makes a commit durable (<c>Hotline:Database:SqliteSynchronous</c>). In write-ahead-log mode <c>Full</c> syncs the
/// log to disk at every commit, so a committed intake survives a power cut; <c>Normal</c> syncs only at checkpoints, so a
/// commit survives the process being killed but the last commits before a power cut or kernel crash may be lost (never a
/// corrupted file). SQLite's own names and meaning (https://sqlite.org/pragma.html#pragma_synchronous).
/// </summary>
public enum SqliteSynchronous
{
    Full,
    Normal,
}

/// <summary>Where Hotline keeps its data: <c>Hotline:DataDirectory</c> and <c>Hotline:Database:*</c>.</summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString, string DataDirectory)
{
    public SqliteSynchronous SqliteSynchronous { get; init; } = SqliteSynchronous.Full;

    /// <summary>
    /// One writer at a time within this process, for SQLite (see <see cref="SqliteWriteGate"/>); shared by every context
    /// configured from these settings.
    /// </summary>
    private SqliteWriteGate WriteGate { get; } = new();

    /// <summary>Reads the settings; the SQLite default lives at <c>{DataDirectory}/hotline.db</c>.</summary>
    public static DatabaseSettings From(IConfiguration configuration)
    {
        var dataDirectory = Path.GetFullPath(configuration["Hotline:DataDirectory"] is { Length: > 0 } d ? d : "data");
        var providerText = configuration["Hotline:Database:Provider"] is { Length: > 0 } p ? p : "Sqlite";
        if (!Enum.TryParse<DatabaseProvider>(providerText, ignoreCase: true, out var provider))
        {
            throw new InvalidOperationException(
                $"Hotline:Database:Provider is '{providerText}'; use Sqlite (embedded default) or Postgres.");
        }
        var connection = configuration["Hotline:Database:ConnectionString"];
        if (string.IsNullOrWhiteSpace(connection))
        {
            if (provider == DatabaseProvider.Postgres)
            {
                throw new InvalidOperationException("Hotline:Database:ConnectionString is required when the provider is Postgres.");
            }
            connection = new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(dataDirectory, "hotline.db"),
                DefaultTimeout = 30,
            }.ToString();
        }
        var synchronousText = configuration["Hotline:Database:SqliteSynchronous"] is { Length: > 0 } s ? s : nameof(SqliteSynchronous.Full);
        if (!Enum.TryParse<SqliteSynchronous>(synchronousText, ignoreCase: true, out var synchronous) || !Enum.IsDefined(synchronous))
        {
            throw new InvalidOperationException(
                $"Hotline:Database:SqliteSynchronous is '{synchronousText}'; use Full (a commit survives a power cut) or Normal.");
        }
        return new DatabaseSettings(provider, connection, dataDirectory) { SqliteSynchronous = synchronous };
    }

    /// <summary>The statement every SQLite connection runs when it opens (the setting is per connection, not per file).</summary>
    public string SqlitePragmas => $"PRAGMA synchronous={SqliteSynchronous.ToString().ToUpperInvariant()};";

    /// <summary>Points one EF context at the configured database, with its own migrations history table.</summary>
    public void Configure(DbContextOptionsBuilder options, string historyTable)
    {
        switch (Provider)
        {
            case DatabaseProvider.Sqlite:
                options.UseSqlite(ConnectionString, sqlite => sqlite.MigrationsHistoryTable(historyTable));
                options.AddInterceptors(new SqliteConnectionPragmas(SqlitePragmas), WriteGate);
                break;
            case DatabaseProvider.Postgres:
                options.UseNpgsql(ConnectionString, npgsql => npgsql.MigrationsHistoryTable(historyTable));
                break;
            default:
                throw new InvalidOperationException($"Unknown provider {Provider}.");
        }
        // Migrations are hand-written without model snapshots, so EF cannot compare them with the model; the schema tests do.
        options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }

    /// <summary>Creates the data folder and, for SQLite, switches the file to write-ahead logging (readers never block the writer).</summary>
    public async Task PrepareAsync(RoutingDbContext db, CancellationToken ct)
    {
        Directory.CreateDirectory(DataDirectory);
        if (Provider == DatabaseProvider.Sqlite)
        {
            if (new SqliteConnectionStringBuilder(ConnectionString).DataSource is { Length: > 0 } file && file != ":memory:")
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            }
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}

/// <summary>Runs the per-connection pragmas each time EF opens a SQLite connection (pooled connections included).</summary>
internal sealed class SqliteConnectionPragmas(string pragmas) : DbConnectionInterceptor
{
    public override void ConnectionOpened(System.Data.Common.DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>
/// SQLite takes one writer at a time, and Microsoft.Data.Sqlite answers a busy database by blocking its thread for 150 ms and
/// trying again: under concurrent intakes most of a request's time was spent asleep, and the sleeping threads starved the
/// thread pool. This gate queues this process's writers instead (asynchronously, first come first served), so the database
/// is never found busy by our own writes. It covers the writes that run outside an explicit transaction (<c>SaveChanges</c>,
/// <c>ExecuteUpdate</c>/<c>ExecuteDelete</c>): a writer inside a transaction may already hold the database's lock, and making it
/// wait here for a writer that waits for that lock would deadlock until the busy timeout. Another process on the same file
/// (a command-line verb) is still handled by SQLite's own busy retry. Requests go first: a background writer (outbox delivery,
/// scheduled checks: <see cref="Routing.Outbox.BackgroundWork"/>) gets the gate only when no request is waiting, so a burst of
/// intakes is not slowed by the work it causes; that work catches up when the burst ends.
/// </summary>
internal sealed class SqliteWriteGate : IDbCommandInterceptor, ISaveChangesInterceptor
{
    private enum Hold
    {
        SaveChanges,
        Command,
    }

    private readonly PriorityGate _gate = new();

    /// <summary>The contexts holding the gate now, and for what (a context is used by one flow at a time).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<DbContext, Hold> _holders = new();

    public async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && Outside(context))
        {
            await _gate.EnterAsync(Routing.Outbox.BackgroundWork.InProgress);
            _holders[context] = Hold.SaveChanges;
        }
        return result;
    }

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } context && Outside(context))
        {
            _gate.EnterAsync(Routing.Outbox.BackgroundWork.InProgress).GetAwaiter().GetResult();
            _holders[context] = Hold.SaveChanges;
        }
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context, Hold.SaveChanges);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Leave(eventData.Context, Hold.SaveChanges);
        return result;
    }

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context, Hold.SaveChanges);
        return Task.CompletedTask;
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => Leave(eventData.Context, Hold.SaveChanges);

    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context, Hold.SaveChanges);
        return Task.CompletedTask;
    }

    public void SaveChangesCanceled(DbContextEventData eventData) => Leave(eventData.Context, Hold.SaveChanges);

    // A save that meets a concurrency conflict (a row changed or deleted since it was read) ends in neither SavedChanges nor
    // SaveChangesFailed: EF reports it only here, before throwing. Without these the gate stayed held, and every later write of
    // the process waited for ever behind a single 409.
    public ValueTask<InterceptionResult> ThrowingConcurrencyExceptionAsync(ConcurrencyExceptionEventData eventData, InterceptionResult result,
        CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context, Hold.SaveChanges);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult ThrowingConcurrencyException(ConcurrencyExceptionEventData eventData, InterceptionResult result)
    {
        Leave(eventData.Context, Hold.SaveChanges);
        return result;
    }

    /// <summary><c>ExecuteUpdate</c> and <c>ExecuteDelete</c> outside a transaction (outbox claims, pruning).</summary>
    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(System.Data.Common.DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (command.Transaction is null && eventData.Context is { } context && Outside(context) && !_holders.ContainsKey(context))
        {
            await _gate.EnterAsync(Routing.Outbox.BackgroundWork.InProgress);
            _holders[context] = Hold.Command;
        }
        return result;
    }

    public InterceptionResult<int> NonQueryExecuting(System.Data.Common.DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (command.Transaction is null && eventData.Context is { } context && Outside(context) && !_holders.ContainsKey(context))
        {
            _gate.EnterAsync(Routing.Outbox.BackgroundWork.InProgress).GetAwaiter().GetResult();
            _holders[context] = Hold.Command;
        }
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(System.Data.Common.DbCommand command, CommandExecutedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context, Hold.Command);
        return ValueTask.FromResult(result);
    }

    public int NonQueryExecuted(System.Data.Common.DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Leave(eventData.Context, Hold.Command);
        return result;
    }

    public Task CommandFailedAsync(System.Data.Common.DbCommand command, CommandErrorEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context, Hold.Command);
        return Task.CompletedTask;
    }

    public void CommandFailed(System.Data.Common.DbCommand command, CommandErrorEventData eventData) => Leave(eventData.Context, Hold.Command);

    public Task CommandCanceledAsync(System.Data.Common.DbCommand command, CommandEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context, Hold.Command);
        return Task.CompletedTask;
    }

    public void CommandCanceled(System.Data.Common.DbCommand command, CommandEndEventData eventData) => Leave(eventData.Context, Hold.Command);

    private static bool Outside(DbContext context) => context.Database.CurrentTransaction is null;

    private void Leave(DbContext? context, Hold hold)
    {
        if (context is not null && _holders.TryGetValue(context, out var held) && held == hold
            && _holders.TryRemove(KeyValuePair.Create(context, hold)))
        {
            _gate.Release();
        }
    }
}

/// <summary>One holder at a time; waiting requests before waiting background work, each in arrival order.</summary>
internal sealed class PriorityGate
{
    private readonly Lock _lock = new();
    private readonly Queue<TaskCompletionSource> _requests = new();
    private readonly Queue<TaskCompletionSource> _background = new();
    private bool _held;

    /// <summary>
    /// Completes when the caller holds the gate. Not cancellable: a wait is as long as the writes ahead of it, and a write that
    /// began is not abandoned.
    /// </summary>
    public Task EnterAsync(bool background)
    {
        lock (_lock)
        {
            if (!_held)
            {
                _held = true;
                return Task.CompletedTask;
            }
            var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (background ? _background : _requests).Enqueue(turn);
            return turn.Task;
        }
    }

    public void Release()
    {
        TaskCompletionSource? next;
        lock (_lock)
        {
            if (!_requests.TryDequeue(out next) && !_background.TryDequeue(out next))
            {
                _held = false;
            }
        }
        next?.SetResult();
    }
}
