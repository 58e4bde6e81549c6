using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Hotline.Intake.Storage.Migrations;

/// <summary>Intake's initial schema (hand-written; column types left to each provider, as in Routing).</summary>
[DbContext(typeof(IntakeDbContext))]
[Migration("20261122010000_IntakeInitial")]
public sealed class IntakeInitial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Citizens",
            columns: table => new
            {
                Phone = table.Column<string>(maxLength: 32, nullable: false),
                FirstContactAt = table.Column<DateTime>(nullable: false),
                LastContactAt = table.Column<DateTime>(nullable: false),
                Contacts = table.Column<int>(nullable: false),
                SmsOptedOut = table.Column<bool>(nullable: false),
                SmsOptedOutAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_Citizens", x => x.Phone));

        migrationBuilder.CreateTable(
            name: "InboundSms",
            columns: table => new
            {
                MessageSid = table.Column<string>(maxLength: 64, nullable: false),
                From = table.Column<string>(maxLength: 32, nullable: false),
                To = table.Column<string>(maxLength: 32, nullable: false),
                Body = table.Column<string>(maxLength: 2_000, nullable: false),
                MediaCount = table.Column<int>(nullable: false),
                ReceivedAt = table.Column<DateTime>(nullable: false),
                Kind = table.Column<string>(maxLength: 32, nullable: false),
                TicketId = table.Column<Guid>(nullable: true),
                Reply = table.Column<string>(maxLength: 4_000, nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_InboundSms", x => x.MessageSid));
        migrationBuilder.CreateIndex("IX_InboundSms_From_ReceivedAt", "InboundSms", ["From", "ReceivedAt"]);

        migrationBuilder.CreateTable(
            name: "OutboundSms",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Purpose = table.Column<string>(maxLength: 32, nullable: false),
                CauseId = table.Column<Guid>(nullable: true),
                TicketId = table.Column<Guid>(nullable: true),
                To = table.Column<string>(maxLength: 32, nullable: false),
                Body = table.Column<string>(maxLength: 2_000, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                Status = table.Column<string>(maxLength: 32, nullable: false),
                ProviderSid = table.Column<string>(maxLength: 64, nullable: true),
                Attempts = table.Column<int>(nullable: false),
                LastError = table.Column<string>(maxLength: 2_000, nullable: true),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_OutboundSms", x => x.Id));
        migrationBuilder.CreateIndex("IX_OutboundSms_CauseId_Purpose", "OutboundSms", ["CauseId", "Purpose"], unique: true);
        migrationBuilder.CreateIndex("IX_OutboundSms_ProviderSid", "OutboundSms", "ProviderSid", unique: true);
        migrationBuilder.CreateIndex("IX_OutboundSms_TicketId", "OutboundSms", "TicketId");

        migrationBuilder.CreateTable(
            name: "MessageTemplates",
            columns: table => new
            {
                Key = table.Column<string>(maxLength: 64, nullable: false),
                Text = table.Column<string>(maxLength: 1_000, nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
                UpdatedBy = table.Column<string>(maxLength: 100, nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_MessageTemplates", x => x.Key));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[] { "MessageTemplates", "OutboundSms", "InboundSms", "Citizens" })
        {
            migrationBuilder.DropTable(table);
        }
    }
}
