using System.Data.Common;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Hotline.Host.Cli.Bench;

/// <summary>
/// What the machine allows without Hotline: an empty Kestrel endpoint on the same loopback, driven by the same client, and the
/// rows one intake commits inserted straight through ADO.NET with the same durability. Hotline's figures over these say what
/// its own code costs.
/// </summary>
public static class Limits
{
    /// <summary>A Kestrel endpoint on the same route that reads nothing and answers 201 with a receipt-sized body.</summary>
    public static async Task<LoadFigures> EmptyEndpointAsync(IntakeRequests intakes, int requests, int concurrency, int warmUp,
        CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        var receipt = Encoding.UTF8.GetBytes("""{"id":"0193a6f1-7c1e-7d2a-9b7e-3f7a1c2b4d5e","trackingCode":"K7M2Q9XW4P"}""");
        app.MapPost(IntakeRequests.Route, async (HttpContext http) =>
        {
            http.Response.StatusCode = StatusCodes.Status201Created;
            http.Response.ContentType = "application/json; charset=utf-8";
            await http.Response.Body.WriteAsync(receipt);
        });
        await app.StartAsync(ct);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var client = IntakeBench.NewClient(address, concurrency);
        await LoadDriver.RunAsync(warmUp, concurrency, (i, t) => intakes.SendAsync(client, i, t), ct);
        var figures = await LoadDriver.RunAsync(requests, concurrency, (i, t) => intakes.SendAsync(client, warmUp + i, t), ct);
        await app.StopAsync(CancellationToken.None);
        return figures;
    }

    /// <summary>
    /// Inserts copies of the rows one registration wrote (its ticket, timeline entry and outbox message, column for column, with
    /// new ids, tracking code and intake key) in one transaction per intake, from <c>concurrency</c> connections, with the same
    /// durability settings as the host's connections.
    /// </summary>
    public static async Task<LoadFigures> RawInsertAsync(BenchDatabase database, int requests, int concurrency, int warmUp, CancellationToken ct)
    {
        RowTemplate[] templates;
        await using (var connection = await database.OpenAsync(ct))
        {
            templates = await RowTemplate.ReadIntakeAsync(connection, ct);
        }
        var connections = new DbConnection[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            connections[i] = await database.OpenAsync(ct);
        }
        var free = new System.Collections.Concurrent.ConcurrentBag<DbConnection>(connections);
        async Task<bool> InsertAsync(int _, CancellationToken t)
        {
            free.TryTake(out var connection);
            try
            {
                await using var transaction = await connection!.BeginTransactionAsync(t);
                var ticketId = Guid.NewGuid();
                foreach (var template in templates)
                {
                    await using var command = template.InsertCommand(connection, transaction, ticketId);
                    await command.ExecuteNonQueryAsync(t);
                }
                await transaction.CommitAsync(t);
                return true;
            }
            finally
            {
                free.Add(connection!);
            }
        }
        try
        {
            await LoadDriver.RunAsync(warmUp, concurrency, InsertAsync, ct);
            return await LoadDriver.RunAsync(requests, concurrency, InsertAsync, ct);
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }
}

/// <summary>One row as the host wrote it, to be inserted again with fresh values in its unique columns.</summary>
public sealed class RowTemplate(string table, IReadOnlyList<(string Column, object Value)> columns, Func<string, object, Guid, object> fresh)
{
    /// <summary>The ticket, its first timeline entry and its first outbox message: what <c>POST /api/citizen/tickets</c> commits.</summary>
    public static async Task<RowTemplate[]> ReadIntakeAsync(DbConnection connection, CancellationToken ct)
    {
        var ticket = await ReadRowAsync(connection, """SELECT * FROM "Tickets" ORDER BY "ReceivedAt" LIMIT 1""", null, ct);
        var ticketId = ticket.Single(c => c.Column == "Id").Value;
        var entry = await ReadRowAsync(connection, """SELECT * FROM "TicketTimeline" WHERE "TicketId" = @id ORDER BY "Sequence" LIMIT 1""", ticketId, ct);
        var outbox = await ReadRowAsync(connection, """SELECT * FROM "Outbox" WHERE "Payload" LIKE @id LIMIT 1""",
            $"%{ticketId.ToString()!.ToLowerInvariant()}%", ct);
        return
        [
            new("Tickets", ticket, (column, value, id) => column switch
            {
                "Id" => SameShape(value, id),
                "TrackingCode" => Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(),
                "IntakeKey" => value is DBNull ? value : $"bench:{Guid.NewGuid():N}",
                _ => value,
            }),
            new("TicketTimeline", entry, (column, value, id) => column switch
            {
                "Id" => SameShape(value, Guid.NewGuid()),
                "TicketId" => SameShape(value, id),
                _ => value,
            }),
            new("Outbox", outbox, (column, value, _) => column == "Id" ? SameShape(value, Guid.CreateVersion7()) : value),
        ];
    }

    public DbCommand InsertCommand(DbConnection connection, DbTransaction transaction, Guid ticketId)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        var names = string.Join(", ", columns.Select(c => $"\"{c.Column}\""));
        var values = string.Join(", ", columns.Select((_, i) => $"@p{i}"));
        command.CommandText = $"INSERT INTO \"{table}\" ({names}) VALUES ({values})";
        for (var i = 0; i < columns.Count; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"@p{i}";
            parameter.Value = fresh(columns[i].Column, columns[i].Value, ticketId);
            command.Parameters.Add(parameter);
        }
        return command;
    }

    /// <summary>A new id stored the way the template stores ids (SQLite: upper-case text, as EF writes it; PostgreSQL: uuid).</summary>
    private static object SameShape(object template, Guid id) => template is string ? id.ToString().ToUpperInvariant() : id;

    private static async Task<List<(string Column, object Value)>> ReadRowAsync(DbConnection connection, string sql, object? id, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (id is not null)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@id";
            parameter.Value = id;
            command.Parameters.Add(parameter);
        }
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            throw new InvalidOperationException($"No row to copy for: {sql}");
        }
        return [.. Enumerable.Range(0, reader.FieldCount).Select(i => (reader.GetName(i), reader.GetValue(i)))];
    }
}

/// <summary>The database a bench run uses: a fresh SQLite file, or a fresh PostgreSQL database created for the run and dropped after.</summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string? _postgresAdmin;
    private readonly string? _postgresName;

    private BenchDatabase(string provider, string connectionString, string dataDirectory, string? admin, string? name)
    {
        Provider = provider;
        ConnectionString = connectionString;
        DataDirectory = dataDirectory;
        _postgresAdmin = admin;
        _postgresName = name;
    }

    public string Provider { get; }
    public string ConnectionString { get; }
    public string DataDirectory { get; }
    public bool IsPostgres => _postgresName is not null;

    public static async Task<BenchDatabase> CreateAsync(bool postgres, string? connection, IReadOnlyDictionary<string, string> overrides,
        CancellationToken ct)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("hotline-bench-").FullName;
        if (!postgres)
        {
            return new BenchDatabase("Sqlite", "", dataDirectory, null, null) { Overrides = overrides };
        }
        var name = $"hotline_bench_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(connection))
        {
            await admin.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync(ct);
        }
        var builder = new NpgsqlConnectionStringBuilder(connection) { Database = name };
        return new BenchDatabase("Postgres", builder.ConnectionString, dataDirectory, connection, name) { Overrides = overrides };
    }

    /// <summary>A connection like the host's own: for SQLite the host's file, with the host's synchronous setting.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        if (IsPostgres)
        {
            var npgsql = new NpgsqlConnection(ConnectionString);
            await npgsql.OpenAsync(ct);
            return npgsql;
        }
        var settings = Storage.DatabaseSettings.From(Configuration());
        var sqlite = new SqliteConnection(settings.ConnectionString);
        await sqlite.OpenAsync(ct);
        await using var pragmas = sqlite.CreateCommand();
        pragmas.CommandText = settings.SqlitePragmas;
        await pragmas.ExecuteNonQueryAsync(ct);
        return sqlite;
    }

    /// <summary>Settings given to the bench host with <c>--set</c>; the raw-insert limit uses the same database settings.</summary>
    public IReadOnlyDictionary<string, string> Overrides { get; private init; } = new Dictionary<string, string>();

    /// <summary>The settings the bench host is started with (the database part).</summary>
    public IConfiguration Configuration() => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Hotline:DataDirectory"] = DataDirectory,
        ["Hotline:Database:Provider"] = Provider,
        ["Hotline:Database:ConnectionString"] = ConnectionString,
    }).AddInMemoryCollection(Overrides.Select(o => KeyValuePair.Create(o.Key, (string?)o.Value))).Build();

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(_postgresAdmin);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean: a file still open.
        }
    }
}
