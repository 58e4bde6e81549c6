using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Hotline.Routing.Storage.Migrations;

/// <summary>
/// Leases of scheduled jobs (deadline checks, retraining, reminders), so that several hosts on one database run each pass once.
/// A new table only: existing installations upgrade without touching their data, and a job's row appears on its first pass.
/// </summary>
[DbContext(typeof(RoutingDbContext))]
[Migration("20261226000000_BackgroundLeases")]
public sealed class BackgroundLeases : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.CreateTable(
            name: "BackgroundLeases",
            columns: table => new
            {
                Name = table.Column<string>(maxLength: 100, nullable: false),
                NextRunAt = table.Column<DateTime>(nullable: false),
                Holder = table.Column<string>(maxLength: 200, nullable: true),
                HeldUntil = table.Column<DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_BackgroundLeases", x => x.Name));

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("BackgroundLeases");
}
