using System.Net.Http.Json;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Feedback.Ratings;
using Hotline.Feedback.Storage;
using Hotline.Host.Operations;
using Hotline.Host.Storage;
using Hotline.Routing.Audit;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests;

/// <summary>
/// Tamper evidence: the ticket timeline, the personal-data access log and Feedback's history are hash chains. A clean database
/// verifies; an attacker with database access who drops the append-only triggers and edits or deletes a row is caught at
/// exactly that entry, by the in-process verifier and by <c>hotline audit verify</c>.
/// </summary>
public sealed class AuditTests : HostTest
{
    [Fact]
    public async Task CleanDatabase_Verifies_EveryChainAndEveryEntry()
    {
        var (id, trackingCode) = await BusyTicketAsync();

        var report = await VerifyAsync();

        Assert.Null(report.Broken);
        var counts = report.Tables.ToDictionary(t => t.Table);
        Assert.Equal(await CountAsync(db => db.Timeline.CountAsync()), counts["TicketTimeline"].Entries);
        Assert.Equal(3, counts["PersonalDataAccess"].Entries);
        Assert.Equal(1, counts["PersonalDataAccess"].Chains);
        Assert.True(counts["FeedbackHistory"].Entries >= 2, "the bad review wrote Feedback history");
        Assert.Equal(1, counts["FeedbackHistory"].Chains);
        using var scope = Host.Services.CreateScope();
        var routing = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var ticket = await routing.Tickets.SingleAsync(t => t.TrackingCode == trackingCode);
        var last = await routing.Timeline.Where(e => e.TicketId == ticket.Id).OrderByDescending(e => e.Sequence).FirstAsync();
        Assert.Equal(last.Hash, ticket.TimelineHash);
        Assert.Equal(id, ticket.Id.Value.ToString());
        Assert.Equal([1L, 2L, 3L], await routing.PersonalDataAccess.OrderBy(a => a.Sequence).Select(a => a.Sequence).ToListAsync());
    }

    [Fact]
    public async Task Verify_PagesThroughChainsByKey_CheckingEachOnce()
    {
        for (var i = 0; i < 5; i++)
        {
            await SubmitAsync(content: $"第 {i} 件：路灯不亮。");
        }
        await BusyTicketAsync();
        await BusyTicketAsync();

        using var scope = Host.Services.CreateScope();
        var services = scope.ServiceProvider;
        var report = await new AuditVerifier(services.GetRequiredService<RoutingDbContext>(), services.GetRequiredService<FeedbackDbContext>(),
            services.GetRequiredService<DatabaseSettings>(), chainsPerPage: 2).VerifyAsync(CancellationToken.None);

        Assert.Null(report.Broken);
        var timeline = report.Tables.Single(t => t.Table == "TicketTimeline");
        Assert.Equal(7, timeline.Chains);
        Assert.Equal(await CountAsync(db => db.Timeline.CountAsync()), timeline.Entries);
        Assert.Equal(2, report.Tables.Single(t => t.Table == "FeedbackHistory").Chains);
    }

    [Fact]
    public async Task EditedTimelineRow_IsReportedAtExactlyThatEntry()
    {
        var (id, trackingCode) = await BusyTicketAsync();
        var target = await TimelineEntryAsync(trackingCode, 3);
        await AttackAsync("TicketTimeline",
            """UPDATE "TicketTimeline" SET "Note" = '已电话核实' WHERE "Sequence" = 3 AND "TicketId" = (SELECT "Id" FROM "Tickets" WHERE "TrackingCode" = {0})""",
            trackingCode);

        var broken = (await VerifyAsync()).Broken;

        Assert.NotNull(broken);
        Assert.Equal("TicketTimeline", broken.Table);
        Assert.Equal(id, broken.Chain);
        Assert.Equal(3, broken.Sequence);
        Assert.Equal(target.Id, broken.Entry);
        Assert.Equal(target.Hash, broken.Found);
        Assert.NotEqual(broken.Found, broken.Expected);
        Assert.Contains("hash", broken.Problem);
    }

    [Fact]
    public async Task DeletedMiddleTimelineRow_IsReportedWhereTheGapIs()
    {
        var (id, trackingCode) = await BusyTicketAsync();
        var next = await TimelineEntryAsync(trackingCode, 3);
        await AttackAsync("TicketTimeline",
            """DELETE FROM "TicketTimeline" WHERE "Sequence" = 2 AND "TicketId" = (SELECT "Id" FROM "Tickets" WHERE "TrackingCode" = {0})""",
            trackingCode);

        var broken = (await VerifyAsync()).Broken;

        Assert.NotNull(broken);
        Assert.Equal(("TicketTimeline", id, 2L, next.Id), (broken.Table, broken.Chain, broken.Sequence, broken.Entry));
        Assert.Equal("sequence 2", broken.Expected);
        Assert.Equal("sequence 3", broken.Found);
    }

    [Fact]
    public async Task DeletedLastTimelineRow_IsReportedAgainstTheTicketsHead()
    {
        var (id, trackingCode) = await BusyTicketAsync();
        var length = await CountAsync(db => db.Tickets.Where(t => t.TrackingCode == trackingCode).Select(t => t.TimelineLength).SingleAsync());
        await AttackAsync("TicketTimeline",
            """DELETE FROM "TicketTimeline" WHERE "Sequence" = {1} AND "TicketId" = (SELECT "Id" FROM "Tickets" WHERE "TrackingCode" = {0})""",
            trackingCode, length);

        var broken = (await VerifyAsync()).Broken;

        Assert.NotNull(broken);
        Assert.Equal(("TicketTimeline", id, (long)length), (broken.Table, broken.Chain, broken.Sequence));
        Assert.Contains("missing", broken.Problem);
    }

    [Fact]
    public async Task EditedAccessLogRow_IsReportedAtExactlyThatEntry()
    {
        await BusyTicketAsync();
        Guid target;
        using (var scope = Host.Services.CreateScope())
        {
            target = await scope.ServiceProvider.GetRequiredService<RoutingDbContext>().PersonalDataAccess
                .Where(a => a.Sequence == 2).Select(a => a.Id).SingleAsync();
        }
        await AttackAsync("PersonalDataAccess", """UPDATE "PersonalDataAccess" SET "StaffName" = '别人' WHERE "Sequence" = 2""");

        var broken = (await VerifyAsync()).Broken;

        Assert.NotNull(broken);
        Assert.Equal(("PersonalDataAccess", "", 2L, (Guid?)target), (broken.Table, broken.Chain, broken.Sequence, broken.Entry));
    }

    [Fact]
    public async Task DeletedMiddleAccessLogRow_IsReported()
    {
        await BusyTicketAsync();
        await AttackAsync("PersonalDataAccess", """DELETE FROM "PersonalDataAccess" WHERE "Sequence" = 2""");

        var broken = (await VerifyAsync()).Broken;

        Assert.NotNull(broken);
        Assert.Equal(("PersonalDataAccess", 2L, "sequence 3"), (broken.Table, broken.Sequence, broken.Found));
    }

    [Fact]
    public async Task EditedFeedbackHistoryRow_IsReportedAtExactlyThatEntry()
    {
        var (id, _) = await BusyTicketAsync();
        await AttackAsync("FeedbackHistory", """UPDATE "FeedbackHistory" SET "ActorName" = '某人' WHERE "Sequence" = 1""");

        var broken = (await VerifyAsync()).Broken;

        Assert.NotNull(broken);
        Assert.Equal(("FeedbackHistory", id, 1L), (broken.Table, broken.Chain, broken.Sequence));
    }

    [Fact]
    public async Task ConcurrentReveals_ExtendTheLogWithoutAFork()
    {
        var (id, _) = await SubmitAsync();
        var agent = await Host.SignInAsync("agent");
        var supervisor = await Host.SignInAsync("supervisor");
        var reveals = Enumerable.Range(0, 16).Select(i => (i % 2 == 0 ? agent : supervisor)
            .PostOkAsync($"/api/tickets/{id}/citizen-contact", new { purpose = $"核实 {i}" }));

        await Task.WhenAll(reveals);

        Assert.Null((await VerifyAsync()).Broken);
        using var scope = Host.Services.CreateScope();
        var sequences = await scope.ServiceProvider.GetRequiredService<RoutingDbContext>().PersonalDataAccess
            .OrderBy(a => a.Sequence).Select(a => a.Sequence).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 16).Select(i => (long)i), sequences);
    }

    [Fact]
    public async Task Triggers_StillRefuseEdits_ButLetTheStartUpSealHashLegacyRows()
    {
        var (_, trackingCode) = await BusyTicketAsync();
        using var scope = Host.Services.CreateScope();
        var routing = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        await Assert.ThrowsAnyAsync<Exception>(() => routing.Database.ExecuteSqlRawAsync(
            """UPDATE "PersonalDataAccess" SET "Purpose" = '无' WHERE "Sequence" = 1"""));
        await Assert.ThrowsAnyAsync<Exception>(() => routing.Database.ExecuteSqlRawAsync(
            """UPDATE "PersonalDataAccess" SET "Hash" = NULL WHERE "Sequence" = 1"""));

        // A row as an older version wrote it (no hash; the migration numbered it): inserting is allowed, and the seal hashes it.
        var ticketId = await routing.Tickets.Where(t => t.TrackingCode == trackingCode).Select(t => t.Id).SingleAsync();
        await routing.Database.ExecuteSqlRawAsync(
            """UPDATE "AuditChainHeads" SET "Length" = "Length" + 1, "Hash" = NULL WHERE "Log" = 'PersonalDataAccess'""");
        await InsertUnsealedAccessAsync(routing, ticketId, sequence: 4);
        Assert.Equal("PersonalDataAccess", (await VerifyAsync()).Broken?.Table);

        Assert.Equal(1, await AuditSeal.SealRoutingAsync(routing, CancellationToken.None));

        Assert.Null((await VerifyAsync()).Broken);
        Assert.Equal(0, await AuditSeal.SealRoutingAsync(routing, CancellationToken.None));
    }

    [Fact]
    public async Task CommandLine_PrintsTheSummary_OrTheFirstBrokenLink_AndExitsNonZero()
    {
        var (id, trackingCode) = await BusyTicketAsync();

        var (code, output, error) = await RunCliAsync("audit", "verify");
        Assert.True(code == 0, output + error);
        Assert.Contains("PersonalDataAccess: 3 entries in 1 chain", output);
        Assert.Matches(@"OK: \d+ entries checked", output);

        await AttackAsync("TicketTimeline",
            """UPDATE "TicketTimeline" SET "PublicText" = '已办结' WHERE "Sequence" = 2 AND "TicketId" = (SELECT "Id" FROM "Tickets" WHERE "TrackingCode" = {0})""",
            trackingCode);
        (code, output, _) = await RunCliAsync("audit", "verify");
        Assert.Equal(Hotline.Host.Cli.AuditCommand.BrokenChain, code);
        Assert.Contains($"BROKEN TicketTimeline ticket {id} sequence 2", output);
        Assert.Contains("expected ", output);
        Assert.Contains("found ", output);
    }

    /// <summary>A ticket dispatched, signed and replied to, badly rated, its contact revealed twice and its number looked up once.</summary>
    private async Task<(string Id, string TrackingCode)> BusyTicketAsync()
    {
        var (id, agent, _) = await RepliedTicketAsync();
        var trackingCode = (await agent.GetOkAsync($"/api/tickets/{id}")).Str("trackingCode");
        await agent.PostOkAsync($"/api/tickets/{id}/citizen-contact", new { purpose = "回访核实" });
        var supervisor = await Host.SignInAsync("supervisor");
        await supervisor.PostOkAsync($"/api/tickets/{id}/citizen-contact", new { purpose = "督办核实" });
        await agent.GetOkAsync("/api/citizens/history?phone=13812345678");
        string token;
        using (var scope = Host.Services.CreateScope())
        {
            var ratings = scope.ServiceProvider.GetRequiredService<RatingService>();
            var invitation = await ratings.InvitationAsync(new TicketId(Guid.Parse(id)), CancellationToken.None);
            token = await ratings.LinkTokenAsync(invitation.Value!, CancellationToken.None);
        }
        var rated = await Host.Anonymous().PostAsJsonAsync($"/api/citizen/ratings/{token}", new { level = 1, comment = "没有解决" });
        Assert.Equal(System.Net.HttpStatusCode.Created, rated.StatusCode);
        return (id, trackingCode);
    }

    private async Task<AuditReport> VerifyAsync()
    {
        using var scope = Host.Services.CreateScope();
        var services = scope.ServiceProvider;
        return await new AuditVerifier(services.GetRequiredService<RoutingDbContext>(), services.GetRequiredService<FeedbackDbContext>(),
            services.GetRequiredService<DatabaseSettings>()).VerifyAsync(CancellationToken.None);
    }

    private async Task<T> CountAsync<T>(Func<RoutingDbContext, Task<T>> query)
    {
        using var scope = Host.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<RoutingDbContext>());
    }

    private async Task<TimelineEntry> TimelineEntryAsync(string trackingCode, int sequence)
    {
        using var scope = Host.Services.CreateScope();
        var routing = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var ticket = await routing.Tickets.Where(t => t.TrackingCode == trackingCode).Select(t => t.Id).SingleAsync();
        return await routing.Timeline.AsNoTracking().SingleAsync(e => e.TicketId == ticket && e.Sequence == sequence);
    }

    /// <summary>What an attacker with database access does: drop the append-only triggers, then change the table directly.</summary>
    private async Task AttackAsync(string table, string sql, params object[] parameters)
    {
        using var scope = Host.Services.CreateScope();
        var routing = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var dropTriggers = Database.IsPostgres
            ? $"""DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";"""
            : $"""DROP TRIGGER IF EXISTS "{table}_no_update"; DROP TRIGGER IF EXISTS "{table}_no_delete";""";
        await routing.Database.ExecuteSqlRawAsync(dropTriggers);
        Assert.Equal(1, await routing.Database.ExecuteSqlRawAsync(sql, parameters));
    }

    private async Task InsertUnsealedAccessAsync(RoutingDbContext routing, TicketId ticket, long sequence)
    {
        // Written the way an older version wrote it: plain SQL, no hash. SQLite keeps EF's Guids and times as text.
        const string insert = """
            INSERT INTO "PersonalDataAccess" ("Id", "At", "StaffId", "StaffName", "StaffRole", "TicketId", "Purpose", "Sequence", "Hash")
            VALUES ({0}, {1}, 'legacy', '旧版本', 'agent', {2}, '升级前的查看记录', {3}, NULL)
            """;
        var id = Guid.CreateVersion7();
        var at = DateTime.UtcNow;
        object[] values = Database.IsPostgres
            ? [id, at, ticket.Value, sequence]
            : [id.ToString().ToUpperInvariant(), at.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
               ticket.Value.ToString().ToUpperInvariant(), sequence];
        await routing.Database.ExecuteSqlRawAsync(insert, values);
    }

    private Task<(int ExitCode, string Output, string Error)> RunCliAsync(params string[] args) =>
        HotlineCli.RunAsync(args, new Dictionary<string, string?>
        {
            ["Hotline__DataDirectory"] = Database.DataDirectory,
            ["Hotline__Database__Provider"] = Database.Provider,
            ["Hotline__Database__ConnectionString"] = Database.ConnectionString,
        }, TimeSpan.FromMinutes(2));
}
