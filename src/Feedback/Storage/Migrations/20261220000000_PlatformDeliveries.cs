using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Hotline.Feedback.Storage.Migrations;

/// <summary>Adds the audit of pushes to the 好差评 platform: one row per attempt, with the body sent and its SHA-256.</summary>
[DbContext(typeof(FeedbackDbContext))]
[Migration("20261220000000_PlatformDeliveries")]
public sealed class PlatformDeliveries : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "PlatformDeliveries",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                RecordId = table.Column<Guid>(nullable: false),
                RecordType = table.Column<string>(maxLength: 32, nullable: false),
                RatingId = table.Column<Guid>(nullable: false),
                TicketId = table.Column<Guid>(nullable: false),
                TrackingCode = table.Column<string>(maxLength: 16, nullable: false),
                Attempt = table.Column<int>(nullable: false),
                AttemptedAt = table.Column<DateTime>(nullable: false),
                Endpoint = table.Column<string>(maxLength: 500, nullable: false),
                HttpStatus = table.Column<int>(nullable: true),
                Outcome = table.Column<string>(maxLength: 32, nullable: false),
                Detail = table.Column<string>(maxLength: 500, nullable: true),
                PayloadSha256 = table.Column<string>(maxLength: 64, nullable: false),
                Payload = table.Column<string>(maxLength: 8_000, nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_PlatformDeliveries", x => x.Id));
        // Two hosts delivering the same message after a claim expired cannot both record attempt N.
        migrationBuilder.CreateIndex("IX_PlatformDeliveries_RecordId_Attempt", "PlatformDeliveries", ["RecordId", "Attempt"], unique: true);
        migrationBuilder.CreateIndex("IX_PlatformDeliveries_AttemptedAt", "PlatformDeliveries", "AttemptedAt");
        migrationBuilder.CreateIndex("IX_PlatformDeliveries_TicketId", "PlatformDeliveries", "TicketId");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("PlatformDeliveries");
}
