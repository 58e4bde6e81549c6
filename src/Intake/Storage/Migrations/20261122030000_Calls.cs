using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Hotline.Intake.Storage.Migrations;

/// <summary>Adds inbound calls (IVR transcript, voicemail, missed-call callback list).</summary>
[DbContext(typeof(IntakeDbContext))]
[Migration("20261122030000_Calls")]
public sealed class Calls : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Calls",
            columns: table => new
            {
                CallSid = table.Column<string>(maxLength: 64, nullable: false),
                From = table.Column<string>(maxLength: 32, nullable: false),
                To = table.Column<string>(maxLength: 32, nullable: false),
                StartedAt = table.Column<DateTime>(nullable: false),
                EndedAt = table.Column<DateTime>(nullable: true),
                Outcome = table.Column<string>(maxLength: 32, nullable: false),
                Transcript = table.Column<string>(maxLength: 4_000, nullable: true),
                Confidence = table.Column<double>(nullable: true),
                RecordingUrl = table.Column<string>(maxLength: 500, nullable: true),
                RecordingSeconds = table.Column<int>(nullable: true),
                TicketId = table.Column<Guid>(nullable: true),
                CalledBackAt = table.Column<DateTime>(nullable: true),
                CalledBackBy = table.Column<string>(maxLength: 100, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_Calls", x => x.CallSid));
        migrationBuilder.CreateIndex("IX_Calls_Outcome_StartedAt", "Calls", ["Outcome", "StartedAt"]);
        migrationBuilder.CreateIndex("IX_Calls_From", "Calls", "From");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("Calls");
}
