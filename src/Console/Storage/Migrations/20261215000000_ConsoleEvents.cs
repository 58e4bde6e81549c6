using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Hotline.Host.Storage.Migrations;

/// <summary>
/// The live console's recent events, kept for catch-up after a disconnect. The sequence is the database's own counter:
/// AUTOINCREMENT on SQLite (never reused, even after the newest rows are deleted), an identity column on PostgreSQL.
/// </summary>
[DbContext(typeof(HostDbContext))]
[Migration("20261215000000_ConsoleEvents")]
public sealed class ConsoleEvents : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "ConsoleEvents",
            columns: table => new
            {
                Sequence = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                SourceId = table.Column<Guid>(nullable: false),
                Method = table.Column<string>(maxLength: 32, nullable: false),
                Payload = table.Column<string>(nullable: false),
                At = table.Column<DateTime>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                Roles = table.Column<string>(maxLength: 200, nullable: false),
                Departments = table.Column<string>(maxLength: 2000, nullable: false),
                TicketId = table.Column<Guid>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_ConsoleEvents", x => x.Sequence));
        migrationBuilder.CreateIndex("IX_ConsoleEvents_SourceId", "ConsoleEvents", "SourceId", unique: true);
        migrationBuilder.CreateIndex("IX_ConsoleEvents_CreatedAt", "ConsoleEvents", "CreatedAt");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("ConsoleEvents");
}
