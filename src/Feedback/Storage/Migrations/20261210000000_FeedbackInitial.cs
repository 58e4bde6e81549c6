using Hotline.Routing.Storage.Migrations;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Hotline.Feedback.Storage.Migrations;

/// <summary>
/// Feedback's initial schema (hand-written; column types left to each provider, as in Routing). The history is append-only, and a
/// rating's content can never be changed or the rating deleted — only its exclusion from assessment after an upheld appeal is set.
/// </summary>
[DbContext(typeof(FeedbackDbContext))]
[Migration("20261210000000_FeedbackInitial")]
public sealed class FeedbackInitial : Migration
{
    /// <summary>The columns that make up what the citizen said; the database refuses to change them.</summary>
    private static readonly string[] RatingContent =
        ["Id", "TicketId", "TrackingCode", "Round", "Level", "BadReview", "Overall", "Efficiency", "Attitude", "Result", "Comment",
         "Channel", "Proof", "RealName", "DepartmentId", "TicketType", "RatedAt", "RecordedBy", "Evidence"];

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Ratings",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                TicketId = table.Column<Guid>(nullable: false),
                TrackingCode = table.Column<string>(maxLength: 16, nullable: false),
                Round = table.Column<int>(nullable: false),
                Level = table.Column<int>(nullable: false),
                BadReview = table.Column<bool>(nullable: false),
                Overall = table.Column<int>(nullable: true),
                Efficiency = table.Column<int>(nullable: true),
                Attitude = table.Column<int>(nullable: true),
                Result = table.Column<int>(nullable: true),
                Comment = table.Column<string>(maxLength: 1_000, nullable: true),
                Channel = table.Column<string>(maxLength: 32, nullable: false),
                Proof = table.Column<string>(maxLength: 32, nullable: false),
                RealName = table.Column<bool>(nullable: false),
                DepartmentId = table.Column<string>(maxLength: 64, nullable: true),
                TicketType = table.Column<string>(maxLength: 32, nullable: false),
                RatedAt = table.Column<DateTime>(nullable: false),
                RecordedBy = table.Column<string>(maxLength: 100, nullable: true),
                Evidence = table.Column<string>(maxLength: 500, nullable: true),
                ExcludedFromAssessment = table.Column<bool>(nullable: false),
                ExcludedByAppealId = table.Column<Guid>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_Ratings", x => x.Id));
        migrationBuilder.CreateIndex("IX_Ratings_TicketId_Round", "Ratings", ["TicketId", "Round"], unique: true);
        migrationBuilder.CreateIndex("IX_Ratings_DepartmentId_RatedAt", "Ratings", ["DepartmentId", "RatedAt"]);
        migrationBuilder.CreateIndex("IX_Ratings_RatedAt", "Ratings", "RatedAt");

        migrationBuilder.CreateTable(
            name: "Rectifications",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                RatingId = table.Column<Guid>(nullable: false),
                TicketId = table.Column<Guid>(nullable: false),
                TrackingCode = table.Column<string>(maxLength: 16, nullable: false),
                DepartmentId = table.Column<string>(maxLength: 64, nullable: true),
                Stage = table.Column<string>(maxLength: 32, nullable: false),
                OpenedAt = table.Column<DateTime>(nullable: false),
                VerifyDueAt = table.Column<DateTime>(nullable: false),
                RectifyDueAt = table.Column<DateTime>(nullable: false),
                ReviewDueAt = table.Column<DateTime>(nullable: true),
                FollowUpEndsAt = table.Column<DateTime>(nullable: true),
                VerifiedAt = table.Column<DateTime>(nullable: true),
                CitizenReached = table.Column<bool>(nullable: true),
                VerifyNote = table.Column<string>(maxLength: 2_000, nullable: true),
                ClassifiedAt = table.Column<DateTime>(nullable: true),
                Kind = table.Column<string>(maxLength: 32, nullable: true),
                ClassifyNote = table.Column<string>(maxLength: 2_000, nullable: true),
                RecordedAt = table.Column<DateTime>(nullable: true),
                Action = table.Column<string>(maxLength: 4_000, nullable: true),
                Evidence = table.Column<string>(maxLength: 4_000, nullable: true),
                ReportedBackAt = table.Column<DateTime>(nullable: true),
                ReportText = table.Column<string>(maxLength: 2_000, nullable: true),
                AcceptedAt = table.Column<DateTime>(nullable: true),
                ReviewNote = table.Column<string>(maxLength: 2_000, nullable: true),
                SentBackCount = table.Column<int>(nullable: false),
                FollowUpRatingId = table.Column<Guid>(nullable: true),
                ClosedAt = table.Column<DateTime>(nullable: true),
                Outcome = table.Column<string>(maxLength: 32, nullable: true),
                Version = table.Column<int>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Rectifications", x => x.Id));
        migrationBuilder.CreateIndex("IX_Rectifications_RatingId", "Rectifications", "RatingId", unique: true);
        migrationBuilder.CreateIndex("IX_Rectifications_TicketId", "Rectifications", "TicketId");
        migrationBuilder.CreateIndex("IX_Rectifications_DepartmentId_Stage", "Rectifications", ["DepartmentId", "Stage"]);

        migrationBuilder.CreateTable(
            name: "RectificationUrges",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                RectificationId = table.Column<Guid>(nullable: false),
                Step = table.Column<string>(maxLength: 32, nullable: false),
                TicketId = table.Column<Guid>(nullable: false),
                DepartmentId = table.Column<string>(maxLength: 64, nullable: true),
                DueAt = table.Column<DateTime>(nullable: false),
                UrgedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_RectificationUrges", x => x.Id));
        migrationBuilder.CreateIndex("IX_RectificationUrges_RectificationId_Step", "RectificationUrges", ["RectificationId", "Step"], unique: true);

        migrationBuilder.CreateTable(
            name: "Appeals",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                RatingId = table.Column<Guid>(nullable: false),
                TicketId = table.Column<Guid>(nullable: false),
                TrackingCode = table.Column<string>(maxLength: 16, nullable: false),
                DepartmentId = table.Column<string>(maxLength: 64, nullable: true),
                Ground = table.Column<string>(maxLength: 32, nullable: false),
                Statement = table.Column<string>(maxLength: 4_000, nullable: false),
                Evidence = table.Column<string>(maxLength: 4_000, nullable: false),
                FiledAt = table.Column<DateTime>(nullable: false),
                FiledBy = table.Column<string>(maxLength: 100, nullable: false),
                Status = table.Column<string>(maxLength: 32, nullable: false),
                DecidedAt = table.Column<DateTime>(nullable: true),
                DecidedBy = table.Column<string>(maxLength: 100, nullable: true),
                DecisionReason = table.Column<string>(maxLength: 2_000, nullable: true),
                Version = table.Column<int>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Appeals", x => x.Id));
        migrationBuilder.CreateIndex("IX_Appeals_RatingId", "Appeals", "RatingId", unique: true);
        migrationBuilder.CreateIndex("IX_Appeals_Status", "Appeals", "Status");

        migrationBuilder.CreateTable(
            name: "Callbacks",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                TicketId = table.Column<Guid>(nullable: false),
                TrackingCode = table.Column<string>(maxLength: 16, nullable: false),
                DepartmentId = table.Column<string>(maxLength: 64, nullable: true),
                TicketType = table.Column<string>(maxLength: 32, nullable: false),
                Reason = table.Column<string>(maxLength: 32, nullable: false),
                CauseId = table.Column<Guid>(nullable: false),
                QueuedAt = table.Column<DateTime>(nullable: false),
                Status = table.Column<string>(maxLength: 32, nullable: false),
                Attempts = table.Column<int>(nullable: false),
                LastAttemptAt = table.Column<DateTime>(nullable: true),
                Reached = table.Column<bool>(nullable: true),
                Solved = table.Column<bool>(nullable: true),
                Satisfaction = table.Column<int>(nullable: true),
                Notes = table.Column<string>(maxLength: 2_000, nullable: true),
                CompletedAt = table.Column<DateTime>(nullable: true),
                CompletedBy = table.Column<string>(maxLength: 100, nullable: true),
                Rehandled = table.Column<bool>(nullable: false),
                Version = table.Column<int>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Callbacks", x => x.Id));
        migrationBuilder.CreateIndex("IX_Callbacks_CauseId", "Callbacks", "CauseId", unique: true);
        migrationBuilder.CreateIndex("IX_Callbacks_Status_QueuedAt", "Callbacks", ["Status", "QueuedAt"]);
        migrationBuilder.CreateIndex("IX_Callbacks_TicketId", "Callbacks", "TicketId");

        migrationBuilder.CreateTable(
            name: "FeedbackHistory",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                At = table.Column<DateTime>(nullable: false),
                Subject = table.Column<string>(maxLength: 32, nullable: false),
                SubjectId = table.Column<Guid>(nullable: false),
                TicketId = table.Column<Guid>(nullable: false),
                Kind = table.Column<string>(maxLength: 32, nullable: false),
                ActorId = table.Column<string>(maxLength: 64, nullable: false),
                ActorName = table.Column<string>(maxLength: 100, nullable: false),
                ActorKind = table.Column<string>(maxLength: 32, nullable: false),
                ActorRole = table.Column<string>(maxLength: 32, nullable: true),
                ActorDepartmentId = table.Column<string>(maxLength: 64, nullable: true),
                DepartmentId = table.Column<string>(maxLength: 64, nullable: true),
                Note = table.Column<string>(maxLength: 4_000, nullable: true),
                Data = table.Column<string>(maxLength: 4_000, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_FeedbackHistory", x => x.Id));
        migrationBuilder.CreateIndex("IX_FeedbackHistory_SubjectId_At", "FeedbackHistory", ["SubjectId", "At"]);
        migrationBuilder.CreateIndex("IX_FeedbackHistory_TicketId", "FeedbackHistory", "TicketId");

        migrationBuilder.CreateTable(
            name: "FeedbackKeys",
            columns: table => new
            {
                Name = table.Column<string>(maxLength: 64, nullable: false),
                Value = table.Column<string>(maxLength: 200, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_FeedbackKeys", x => x.Name));

        AppendOnly.Create(migrationBuilder, "FeedbackHistory");
        RatingContentFixed(migrationBuilder);
    }

    private static void RatingContentFixed(MigrationBuilder migrationBuilder)
    {
        if (migrationBuilder.ActiveProvider == AppendOnly.PostgresProvider)
        {
            var columns = string.Join(", ", RatingContent.Select(c => $"\"{c}\""));
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION hotline_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME;
                END $$;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER "Ratings_content_fixed" BEFORE UPDATE OF {columns} ON "Ratings"
                FOR EACH ROW EXECUTE FUNCTION hotline_refuse_change();
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Ratings_no_delete" BEFORE DELETE ON "Ratings"
                FOR EACH ROW EXECUTE FUNCTION hotline_refuse_change();
                """);
        }
        else
        {
            var columns = string.Join(", ", RatingContent.Select(c => $"\"{c}\""));
            migrationBuilder.Sql($"""
                CREATE TRIGGER "Ratings_content_fixed" BEFORE UPDATE OF {columns} ON "Ratings"
                BEGIN SELECT RAISE(ABORT, 'a rating cannot be changed'); END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Ratings_no_delete" BEFORE DELETE ON "Ratings"
                BEGIN SELECT RAISE(ABORT, 'a rating cannot be deleted'); END;
                """);
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[] { "FeedbackKeys", "FeedbackHistory", "Callbacks", "Appeals", "RectificationUrges", "Rectifications", "Ratings" })
        {
            migrationBuilder.DropTable(table);
        }
    }
}
