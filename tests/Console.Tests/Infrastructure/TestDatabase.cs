using Npgsql;

namespace Hotline.Console.Tests.Infrastructure;

/// <summary>
/// A fresh, empty database for one test: a SQLite file in a temporary folder, or a new PostgreSQL database when the suite
/// runs with <c>HOTLINE_TEST_DB=postgres</c> (the test script starts a server and sets <c>HOTLINE_TEST_PG</c>).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _postgresName;
    private readonly string? _postgresAdmin;

    private TestDatabase(string provider, string connectionString, string dataDirectory, string? postgresName, string? postgresAdmin)
    {
        Provider = provider;
        ConnectionString = connectionString;
        DataDirectory = dataDirectory;
        _postgresName = postgresName;
        _postgresAdmin = postgresAdmin;
    }

    public string Provider { get; }
    public string ConnectionString { get; }
    public string DataDirectory { get; }
    public bool IsPostgres => Provider == "Postgres";

    public static bool UsePostgres => string.Equals(Environment.GetEnvironmentVariable("HOTLINE_TEST_DB"), "postgres", StringComparison.OrdinalIgnoreCase);

    public static async Task<TestDatabase> CreateAsync()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("hotline-test-").FullName;
        if (!UsePostgres)
        {
            return new TestDatabase("Sqlite", "", dataDirectory, null, null);
        }
        var admin = Environment.GetEnvironmentVariable("HOTLINE_TEST_PG")
            ?? throw new InvalidOperationException("HOTLINE_TEST_DB=postgres needs HOTLINE_TEST_PG (a connection string to a server).");
        var name = $"hotline_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestDatabase("Postgres", builder.ConnectionString, dataDirectory, name, admin);
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_postgresAdmin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a disposing host; the temp folder is cleaned by the OS later.
        }
    }
}
