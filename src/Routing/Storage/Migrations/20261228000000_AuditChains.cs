using Hotline.Routing.Audit;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Hotline.Routing.Storage.Migrations;

/// <summary>
/// Hash chains for tamper evidence: a <c>Hash</c> on every timeline entry and its head on the ticket (<c>TimelineHash</c>); a
/// <c>Sequence</c> and a <c>Hash</c> on the personal-data access log, whose one chain's head is a row of <c>AuditChainHeads</c>.
/// Existing rows get their sequence here (in the order they were written: time, then id) and their hash from the start-up
/// seal (<see cref="AuditSeal"/>), because SQLite has no SHA-256 in SQL. The append-only triggers are replaced by ones that also
/// allow that one update: setting a null hash, nothing else.
/// </summary>
[DbContext(typeof(RoutingDbContext))]
[Migration("20261228000000_AuditChains")]
public sealed class AuditChains : Migration
{
    public static readonly string[] TimelineColumns =
        ["Id", "TicketId", "Sequence", "At", "Kind", "ActorId", "ActorName", "ActorKind", "ActorRole", "ActorDepartmentId",
         "FromState", "ToState", "Note", "PublicText", "Data"];

    public static readonly string[] AccessColumns = ["Id", "At", "StaffId", "StaffName", "StaffRole", "TicketId", "Purpose", "Sequence"];

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        AppendOnly.SuspendUpdates(migrationBuilder, "TicketTimeline");
        AppendOnly.SuspendUpdates(migrationBuilder, "PersonalDataAccess");

        migrationBuilder.AddColumn<string>("TimelineHash", "Tickets", maxLength: HashChain.HexLength, nullable: true);
        migrationBuilder.AddColumn<string>("Hash", "TicketTimeline", maxLength: HashChain.HexLength, nullable: true);
        migrationBuilder.AddColumn<long>("Sequence", "PersonalDataAccess", nullable: false, defaultValue: 0L);
        migrationBuilder.AddColumn<string>("Hash", "PersonalDataAccess", maxLength: HashChain.HexLength, nullable: true);
        migrationBuilder.Sql("""
            UPDATE "PersonalDataAccess" AS p SET "Sequence" = r.n
            FROM (SELECT "Id", ROW_NUMBER() OVER (ORDER BY "At", "Id") AS n FROM "PersonalDataAccess") AS r
            WHERE r."Id" = p."Id";
            """);
        migrationBuilder.CreateIndex("IX_PersonalDataAccess_Sequence", "PersonalDataAccess", "Sequence", unique: true);

        migrationBuilder.CreateTable(
            name: "AuditChainHeads",
            columns: table => new
            {
                Log = table.Column<string>(maxLength: 64, nullable: false),
                ChainKey = table.Column<string>(maxLength: 64, nullable: false),
                Length = table.Column<long>(nullable: false),
                Hash = table.Column<string>(maxLength: HashChain.HexLength, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_AuditChainHeads", h => new { h.Log, h.ChainKey }));
        migrationBuilder.Sql($"""
            INSERT INTO "AuditChainHeads" ("Log", "ChainKey", "Length", "Hash")
            SELECT '{AuditLogs.PersonalDataAccess}', '', COUNT(*), NULL FROM "PersonalDataAccess";
            """);

        AppendOnly.AllowSealing(migrationBuilder, "TicketTimeline", TimelineColumns);
        AppendOnly.AllowSealing(migrationBuilder, "PersonalDataAccess", AccessColumns);
    }

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Hash chains are not removed: that would take the tamper evidence with them.");
}
