using System.Globalization;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Feedback.History;
using Hotline.Feedback.Storage;
using Hotline.Host.Operations;
using Hotline.Host.Storage;
using Hotline.Routing.Audit;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests;

/// <summary>
/// An installation upgraded from before hash chains: its rows are numbered by the migration and hashed by the start-up seal,
/// then verify, and new entries continue the sealed chains. Also checks that every stored column is part of what is hashed.
/// </summary>
public sealed class AuditUpgradeTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async ValueTask InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task RowsWrittenBeforeHashChains_AreSealedAtStartUp_VerifyAndKeepGrowing()
    {
        var ticket = Guid.NewGuid();
        await WriteLegacyDatabaseAsync(ticket);

        await using var host = await TestHost.StartAsync(_database, deliverOutbox: false);

        var report = await VerifyAsync(host);
        Assert.Null(report.Broken);
        var counts = report.Tables.ToDictionary(t => t.Table, t => (t.Entries, t.Chains));
        Assert.Equal((3L, 1L), counts["TicketTimeline"]);
        Assert.Equal((2L, 1L), counts["PersonalDataAccess"]);
        Assert.Equal((2L, 1L), counts["FeedbackHistory"]);
        using (var scope = host.Services.CreateScope())
        {
            var history = await scope.ServiceProvider.GetRequiredService<FeedbackDbContext>().History.OrderBy(h => h.Sequence).ToListAsync();
            Assert.Equal([1L, 2L], history.Select(h => h.Sequence));
            Assert.All(history, h => Assert.Matches("^[0-9a-f]{64}$", h.Hash));
        }

        // The sealed chains go on: a dispatch extends the timeline, a reveal the access log.
        var agent = await host.SignInAsync("agent");
        await agent.PostOkAsync($"/api/tickets/{ticket}/dispatch", new { leadDepartmentId = "city-housing" });
        await agent.PostOkAsync($"/api/tickets/{ticket}/citizen-contact", new { purpose = "升级后核实" });
        report = await VerifyAsync(host);
        Assert.Null(report.Broken);
        Assert.Equal(4, report.Tables.Single(t => t.Table == "TicketTimeline").Entries);
        Assert.Equal(3, report.PersonalDataAccessLength);
    }

    [Fact]
    public async Task EveryStoredColumn_IsPartOfTheHash()
    {
        await using var host = await TestHost.StartAsync(_database, deliverOutbox: false);
        using var scope = host.Services.CreateScope();
        var routing = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var feedback = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();

        AssertCovered(routing.Model, typeof(TimelineEntry), new TimelineEntry().ChainFields());
        AssertCovered(routing.Model, typeof(PersonalDataAccess), new PersonalDataAccess().ChainFields());
        AssertCovered(feedback.Model, typeof(FeedbackHistoryEntry), new FeedbackHistoryEntry().ChainFields());
    }

    private static void AssertCovered(IModel model, Type entity, IReadOnlyList<ChainField> fields)
    {
        var type = model.FindEntityType(entity)!;
        var store = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var columns = type.GetProperties().Select(p => p.GetColumnName(store)!).Where(c => c != "Hash").Order().ToList();
        Assert.Equal(columns, fields.Select(f => f.Column).Order().ToList());
    }

    private static async Task<AuditReport> VerifyAsync(TestHost host)
    {
        using var scope = host.Services.CreateScope();
        var services = scope.ServiceProvider;
        return await new AuditVerifier(services.GetRequiredService<RoutingDbContext>(), services.GetRequiredService<FeedbackDbContext>(),
            services.GetRequiredService<DatabaseSettings>()).VerifyAsync(CancellationToken.None);
    }

    /// <summary>A database as the release before hash chains left it: schema up to its last migrations, rows written by plain SQL.</summary>
    private async Task WriteLegacyDatabaseAsync(Guid ticket)
    {
        var settings = DatabaseSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hotline:DataDirectory"] = _database.DataDirectory,
            ["Hotline:Database:Provider"] = _database.Provider,
            ["Hotline:Database:ConnectionString"] = _database.ConnectionString,
        }).Build());
        var routingOptions = new DbContextOptionsBuilder<RoutingDbContext>();
        settings.Configure(routingOptions, RoutingDbContext.HistoryTable);
        var feedbackOptions = new DbContextOptionsBuilder<FeedbackDbContext>();
        settings.Configure(feedbackOptions, FeedbackDbContext.HistoryTable);
        await using var routing = new RoutingDbContext(routingOptions.Options);
        await using var feedback = new FeedbackDbContext(feedbackOptions.Options);
        await routing.GetService<IMigrator>().MigrateAsync("20261210000000_DispatchCatalogue");
        await feedback.GetService<IMigrator>().MigrateAsync("20261220000000_PlatformDeliveries");

        var postgres = _database.IsPostgres;
        object Id(Guid id) => postgres ? id : id.ToString().ToUpperInvariant();
        object At(int minute)
        {
            var at = new DateTime(2026, 11, 20, 1, minute, 0, DateTimeKind.Utc);
            return postgres ? at : at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        }
        object No() => postgres ? false : 0;

        await routing.Database.ExecuteSqlRawAsync("""
            INSERT INTO "Tickets" ("Id", "TrackingCode", "Type", "Urgency", "Channel", "CitizenPhone", "Anonymous", "Title", "Content",
                "Attachments", "State", "ReceivedAt", "SignOverdueMarked", "ReplyOverdueMarked", "DispatchCount", "ApprovedReturnCount",
                "UrgeCount", "ExtensionDaysGranted", "Designated", "Version", "TimelineLength", "UpdatedAt")
            VALUES ({0}, 'LEGACY2345', 'Complaint', 'Normal', 'Web', '+8613812345678', {1}, '路灯不亮', '小区门口路灯不亮，晚上很黑。',
                '[]', 'PendingDispatch', {2}, {1}, {1}, 0, 0, 0, 0, {1}, 3, 3, {3})
            """, Id(ticket), No(), At(0), At(20));
        foreach (var (sequence, kind, actorKind, minute) in new[] { (1, "Registered", "Citizen", 0), (2, "FollowUp", "Citizen", 10), (3, "FollowUp", "Citizen", 20) })
        {
            await routing.Database.ExecuteSqlRawAsync("""
                INSERT INTO "TicketTimeline" ("Id", "TicketId", "Sequence", "At", "Kind", "ActorId", "ActorName", "ActorKind", "ToState", "Note")
                VALUES ({0}, {1}, {2}, {3}, {4}, 'citizen', '市民（网站）', {5}, 'PendingDispatch', {6})
                """, Id(Guid.NewGuid()), Id(ticket), sequence, At(minute), kind, actorKind, $"第 {sequence} 条");
        }
        foreach (var minute in new[] { 30, 31 })
        {
            await routing.Database.ExecuteSqlRawAsync("""
                INSERT INTO "PersonalDataAccess" ("Id", "At", "StaffId", "StaffName", "StaffRole", "TicketId", "Purpose")
                VALUES ({0}, {1}, 'agent-1', '话务员甲', 'agent', {2}, '核实地址')
                """, Id(Guid.NewGuid()), At(minute), Id(ticket));
        }
        foreach (var (kind, minute) in new[] { ("CallbackQueued", 40), ("CallbackAttempted", 41) })
        {
            await feedback.Database.ExecuteSqlRawAsync("""
                INSERT INTO "FeedbackHistory" ("Id", "At", "Subject", "SubjectId", "TicketId", "Kind", "ActorId", "ActorName", "ActorKind")
                VALUES ({0}, {1}, 'Callback', {2}, {3}, {4}, 'system', '系统', 'System')
                """, Id(Guid.NewGuid()), At(minute), Id(Guid.NewGuid()), Id(ticket), kind);
        }
    }
}
