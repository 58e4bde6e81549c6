using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Hotline.Routing.Storage.Migrations;

/// <summary>
/// Routing's initial schema, written by hand (no design-time package here). Column types are omitted on purpose: each provider
/// maps the CLR type itself (Guid → uuid/TEXT, DateTime → timestamptz/TEXT), so one migration serves SQLite and PostgreSQL.
/// A later change adds a new migration class; never edit this one once released.
/// </summary>
[DbContext(typeof(RoutingDbContext))]
[Migration("20261122000000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Tickets",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                TrackingCode = table.Column<string>(maxLength: 16, nullable: false),
                Type = table.Column<string>(maxLength: 32, nullable: false),
                Urgency = table.Column<string>(maxLength: 32, nullable: false),
                CategoryId = table.Column<string>(maxLength: 64, nullable: true),
                AreaId = table.Column<string>(maxLength: 64, nullable: true),
                Channel = table.Column<string>(maxLength: 32, nullable: false),
                CitizenPhone = table.Column<string>(maxLength: 32, nullable: false),
                CitizenName = table.Column<string>(maxLength: 50, nullable: true),
                Anonymous = table.Column<bool>(nullable: false),
                Title = table.Column<string>(maxLength: 200, nullable: false),
                Content = table.Column<string>(maxLength: 10_000, nullable: false),
                Address = table.Column<string>(maxLength: 500, nullable: true),
                Attachments = table.Column<string>(nullable: false),
                State = table.Column<string>(maxLength: 32, nullable: false),
                Closure = table.Column<string>(maxLength: 32, nullable: true),
                LeadDepartmentId = table.Column<string>(maxLength: 64, nullable: true),
                ReceivedAt = table.Column<DateTime>(nullable: false),
                DispatchedAt = table.Column<DateTime>(nullable: true),
                SignDueAt = table.Column<DateTime>(nullable: true),
                SignedAt = table.Column<DateTime>(nullable: true),
                ReturnDueAt = table.Column<DateTime>(nullable: true),
                ReplyDueAt = table.Column<DateTime>(nullable: true),
                RepliedAt = table.Column<DateTime>(nullable: true),
                ClosedAt = table.Column<DateTime>(nullable: true),
                SignOverdueMarked = table.Column<bool>(nullable: false),
                ReplyOverdueMarked = table.Column<bool>(nullable: false),
                DispatchCount = table.Column<int>(nullable: false),
                ApprovedReturnCount = table.Column<int>(nullable: false),
                UrgeCount = table.Column<int>(nullable: false),
                ExtensionDaysGranted = table.Column<int>(nullable: false),
                PendingExtensionDays = table.Column<int>(nullable: true),
                PendingExtensionReason = table.Column<string>(maxLength: 2_000, nullable: true),
                StateBeforeReturn = table.Column<string>(maxLength: 32, nullable: true),
                Designated = table.Column<bool>(nullable: false),
                CallbackReached = table.Column<bool>(nullable: true),
                CallbackSolved = table.Column<bool>(nullable: true),
                CallbackSatisfaction = table.Column<int>(nullable: true),
                PublicReply = table.Column<string>(maxLength: 10_000, nullable: true),
                MergedIntoId = table.Column<Guid>(nullable: true),
                TransferredTo = table.Column<string>(maxLength: 32, nullable: true),
                NotAcceptedReason = table.Column<string>(maxLength: 32, nullable: true),
                IntakeKey = table.Column<string>(maxLength: 200, nullable: true),
                IntakeFingerprint = table.Column<string>(maxLength: 64, nullable: true),
                Version = table.Column<int>(nullable: false),
                TimelineLength = table.Column<int>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Tickets", t => t.Id));
        migrationBuilder.CreateIndex("IX_Tickets_TrackingCode", "Tickets", "TrackingCode", unique: true);
        migrationBuilder.CreateIndex("IX_Tickets_IntakeKey", "Tickets", "IntakeKey", unique: true);
        migrationBuilder.CreateIndex("IX_Tickets_CitizenPhone", "Tickets", "CitizenPhone");
        migrationBuilder.CreateIndex("IX_Tickets_ReceivedAt", "Tickets", "ReceivedAt");
        migrationBuilder.CreateIndex("IX_Tickets_State_LeadDepartmentId", "Tickets", ["State", "LeadDepartmentId"]);

        migrationBuilder.CreateTable(
            name: "TicketCoHandlers",
            columns: table => new
            {
                TicketId = table.Column<Guid>(nullable: false),
                DepartmentId = table.Column<string>(maxLength: 64, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_TicketCoHandlers", c => new { c.TicketId, c.DepartmentId });
                table.ForeignKey("FK_TicketCoHandlers_Tickets_TicketId", c => c.TicketId, "Tickets", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_TicketCoHandlers_DepartmentId", "TicketCoHandlers", "DepartmentId");

        migrationBuilder.CreateTable(
            name: "TicketTimeline",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                TicketId = table.Column<Guid>(nullable: false),
                Sequence = table.Column<int>(nullable: false),
                At = table.Column<DateTime>(nullable: false),
                Kind = table.Column<string>(maxLength: 32, nullable: false),
                ActorId = table.Column<string>(maxLength: 64, nullable: false),
                ActorName = table.Column<string>(maxLength: 100, nullable: false),
                ActorKind = table.Column<string>(maxLength: 32, nullable: false),
                ActorRole = table.Column<string>(maxLength: 32, nullable: true),
                ActorDepartmentId = table.Column<string>(maxLength: 64, nullable: true),
                FromState = table.Column<string>(maxLength: 32, nullable: true),
                ToState = table.Column<string>(maxLength: 32, nullable: true),
                Note = table.Column<string>(maxLength: 10_000, nullable: true),
                PublicText = table.Column<string>(maxLength: 10_000, nullable: true),
                Data = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_TicketTimeline", e => e.Id));
        migrationBuilder.CreateIndex("IX_TicketTimeline_TicketId_Sequence", "TicketTimeline", ["TicketId", "Sequence"], unique: true);

        migrationBuilder.CreateTable(
            name: "Departments",
            columns: table => new
            {
                Id = table.Column<string>(maxLength: 64, nullable: false),
                Name = table.Column<string>(maxLength: 100, nullable: false),
                Kind = table.Column<string>(maxLength: 32, nullable: false),
                ParentId = table.Column<string>(maxLength: 64, nullable: true),
                AreaId = table.Column<string>(maxLength: 64, nullable: true),
                Email = table.Column<string>(maxLength: 200, nullable: true),
                Remit = table.Column<string>(maxLength: 4_000, nullable: true),
                Active = table.Column<bool>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Departments", d => d.Id));

        migrationBuilder.CreateTable(
            name: "Areas",
            columns: table => new
            {
                Id = table.Column<string>(maxLength: 64, nullable: false),
                Name = table.Column<string>(maxLength: 100, nullable: false),
                Level = table.Column<string>(maxLength: 32, nullable: false),
                ParentId = table.Column<string>(maxLength: 64, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_Areas", a => a.Id));

        migrationBuilder.CreateTable(
            name: "Categories",
            columns: table => new
            {
                Id = table.Column<string>(maxLength: 64, nullable: false),
                Name = table.Column<string>(maxLength: 100, nullable: false),
                DefaultDepartmentId = table.Column<string>(maxLength: 64, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_Categories", c => c.Id));

        migrationBuilder.CreateTable(
            name: "HolidayNotices",
            columns: table => new
            {
                Year = table.Column<int>(nullable: false),
                Json = table.Column<string>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
                UpdatedBy = table.Column<string>(maxLength: 100, nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_HolidayNotices", n => n.Year));

        migrationBuilder.CreateTable(
            name: "Outbox",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Topic = table.Column<string>(maxLength: 100, nullable: false),
                Payload = table.Column<string>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                NextAttemptAt = table.Column<DateTime>(nullable: false),
                Attempts = table.Column<int>(nullable: false),
                LastError = table.Column<string>(nullable: true),
                DeliveredAt = table.Column<DateTime>(nullable: true),
                ClaimedUntil = table.Column<DateTime>(nullable: true),
                ClaimedBy = table.Column<string>(maxLength: 100, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_Outbox", m => m.Id));
        migrationBuilder.CreateIndex("IX_Outbox_DeliveredAt_NextAttemptAt", "Outbox", ["DeliveredAt", "NextAttemptAt"]);

        migrationBuilder.CreateTable(
            name: "OutboxDeliveries",
            columns: table => new
            {
                MessageId = table.Column<Guid>(nullable: false),
                Handler = table.Column<string>(maxLength: 100, nullable: false),
                DeliveredAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_OutboxDeliveries", d => new { d.MessageId, d.Handler }));

        migrationBuilder.CreateTable(
            name: "PersonalDataAccess",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                At = table.Column<DateTime>(nullable: false),
                StaffId = table.Column<string>(maxLength: 64, nullable: false),
                StaffName = table.Column<string>(maxLength: 100, nullable: false),
                StaffRole = table.Column<string>(maxLength: 32, nullable: false),
                TicketId = table.Column<Guid>(nullable: false),
                Purpose = table.Column<string>(maxLength: 500, nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_PersonalDataAccess", a => a.Id));
        migrationBuilder.CreateIndex("IX_PersonalDataAccess_TicketId", "PersonalDataAccess", "TicketId");

        AppendOnly.Create(migrationBuilder, "TicketTimeline");
        AppendOnly.Create(migrationBuilder, "PersonalDataAccess");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[] { "PersonalDataAccess", "OutboxDeliveries", "Outbox", "HolidayNotices", "Categories", "Areas",
                     "Departments", "TicketTimeline", "TicketCoHandlers", "Tickets" })
        {
            migrationBuilder.DropTable(table);
        }
    }
}
