using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Hotline.Intake.Storage.Migrations;

/// <summary>Adds e-mails to departments (assignment, reminders, overdue, urges).</summary>
[DbContext(typeof(IntakeDbContext))]
[Migration("20261122020000_DepartmentEmail")]
public sealed class DepartmentEmail : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "OutboundEmail",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Purpose = table.Column<string>(maxLength: 32, nullable: false),
                CauseKey = table.Column<string>(maxLength: 200, nullable: false),
                TicketId = table.Column<Guid>(nullable: false),
                DepartmentId = table.Column<string>(maxLength: 64, nullable: false),
                To = table.Column<string>(maxLength: 200, nullable: true),
                Subject = table.Column<string>(maxLength: 500, nullable: false),
                Body = table.Column<string>(maxLength: 10_000, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                Status = table.Column<string>(maxLength: 32, nullable: false),
                Attempts = table.Column<int>(nullable: false),
                LastError = table.Column<string>(maxLength: 2_000, nullable: true),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_OutboundEmail", x => x.Id));
        migrationBuilder.CreateIndex("IX_OutboundEmail_CauseKey", "OutboundEmail", "CauseKey", unique: true);
        migrationBuilder.CreateIndex("IX_OutboundEmail_TicketId", "OutboundEmail", "TicketId");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("OutboundEmail");
}
