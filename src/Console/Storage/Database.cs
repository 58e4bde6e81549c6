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

/// <summary>Where Hotline keeps its data: <c>Hotline:DataDirectory</c> and <c>Hotline:Database:*</c>.</summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString, string DataDirectory)
{
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
        return new DatabaseSettings(provider, connection, dataDirectory);
    }

    /// <summary>Points one EF context at the configured database, with its own migrations history table.</summary>
    public void Configure(DbContextOptionsBuilder options, string historyTable)
    {
        switch (Provider)
        {
            case DatabaseProvider.Sqlite:
                options.UseSqlite(ConnectionString, sqlite => sqlite.MigrationsHistoryTable(historyTable));
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
