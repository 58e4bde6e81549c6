using System.Data.Common;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Host.Storage;
using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests;

/// <summary>
/// The migrations are hand-written; this proves that every table and column the EF model uses exists in the migrated database,
/// on the provider under test, so a model change without a migration fails here rather than in production.
/// </summary>
public sealed class SchemaTests : HostTest
{
    [Fact]
    public async Task MigratedSchema_HasEveryColumnOfTheRoutingModel() => await AssertSchemaMatchesAsync<RoutingDbContext>();

    [Fact]
    public async Task MigratedSchema_HasEveryColumnOfTheIdentityModel() => await AssertSchemaMatchesAsync<HostDbContext>();

    [Fact]
    public async Task MigratedSchema_HasEveryColumnOfTheIntakeModel() => await AssertSchemaMatchesAsync<Hotline.Intake.Storage.IntakeDbContext>();

    [Fact]
    public async Task MigratedSchema_HasEveryColumnOfTheKnowledgeModel() => await AssertSchemaMatchesAsync<Hotline.Knowledge.Storage.KnowledgeDbContext>();

    [Fact]
    public async Task MigratedSchema_HasEveryColumnOfTheFeedbackModel() => await AssertSchemaMatchesAsync<Hotline.Feedback.Storage.FeedbackDbContext>();

    private async Task AssertSchemaMatchesAsync<TContext>() where TContext : DbContext
    {
        using var scope = Host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        foreach (var entity in db.Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
            var expected = entity.GetProperties().Select(p => p.GetColumnName(store)!).ToHashSet();
            var actual = await ColumnsAsync(connection, table);
            Assert.True(actual.Count > 0, $"table {table} is missing");
            Assert.Empty(expected.Except(actual));
        }
    }

    private async Task<HashSet<string>> ColumnsAsync(DbConnection connection, string table)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Database.IsPostgres
            ? $"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}'"
            : $"SELECT name FROM pragma_table_info('{table}')";
        var columns = new HashSet<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            columns.Add(reader.GetString(0));
        }
        return columns;
    }
}
