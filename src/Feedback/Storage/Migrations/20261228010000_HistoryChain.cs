using Hotline.Routing.Audit;
using Hotline.Routing.Storage.Migrations;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Hotline.Feedback.Storage.Migrations;

/// <summary>
/// Hash chains over Feedback's history, one per ticket: a <c>Sequence</c> within the ticket (existing rows numbered here, by
/// time and id), a <c>Hash</c> (existing rows hashed by the start-up seal), and one head row per ticket in Routing's
/// <c>AuditChainHeads</c>, which Routing's migration created first. See Routing's <c>AuditChains</c> migration.
/// </summary>
[DbContext(typeof(FeedbackDbContext))]
[Migration("20261228010000_HistoryChain")]
public sealed class HistoryChain : Migration
{
    public static readonly string[] HistoryColumns =
        ["Id", "At", "Subject", "SubjectId", "TicketId", "Kind", "ActorId", "ActorName", "ActorKind", "ActorRole",
         "ActorDepartmentId", "DepartmentId", "Note", "Data", "Sequence"];

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        AppendOnly.SuspendUpdates(migrationBuilder, "FeedbackHistory");
        migrationBuilder.AddColumn<long>("Sequence", "FeedbackHistory", nullable: false, defaultValue: 0L);
        migrationBuilder.AddColumn<string>("Hash", "FeedbackHistory", maxLength: HashChain.HexLength, nullable: true);
        migrationBuilder.Sql("""
            UPDATE "FeedbackHistory" AS h SET "Sequence" = r.n
            FROM (SELECT "Id", ROW_NUMBER() OVER (PARTITION BY "TicketId" ORDER BY "At", "Id") AS n FROM "FeedbackHistory") AS r
            WHERE r."Id" = h."Id";
            """);
        migrationBuilder.CreateIndex("IX_FeedbackHistory_TicketId_Sequence", "FeedbackHistory", ["TicketId", "Sequence"], unique: true);
        // The chain key is the ticket id as .NET writes it ("D", lower case); SQLite stores EF's Guids as upper-case text.
        var ticketKey = migrationBuilder.ActiveProvider == AppendOnly.PostgresProvider ? "\"TicketId\"::text" : "lower(\"TicketId\")";
        migrationBuilder.Sql($"""
            INSERT INTO "AuditChainHeads" ("Log", "ChainKey", "Length", "Hash")
            SELECT '{AuditLogs.FeedbackHistory}', {ticketKey}, COUNT(*), NULL FROM "FeedbackHistory" GROUP BY "TicketId";
            """);
        AppendOnly.AllowSealing(migrationBuilder, "FeedbackHistory", HistoryColumns);
    }

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Hash chains are not removed: that would take the tamper evidence with them.");
}
