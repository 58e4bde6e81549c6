using System.Text.Json;
using Hotline.Feedback.History;
using Hotline.Feedback.Storage;
using Hotline.Routing;
using Hotline.Routing.Calendar;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Hotline.Feedback.Rectification;

/// <summary>A step of a rectification as a request: which step, and what it carries.</summary>
public abstract record RectificationStep
{
    public sealed record Verify(bool Reached, string Note) : RectificationStep;
    public sealed record Classify(RectificationKind Kind, string Note) : RectificationStep;
    public sealed record Record(string Action, IReadOnlyList<string> Evidence) : RectificationStep;
    public sealed record ReportBack(string Text) : RectificationStep;
    public sealed record Review(bool Accept, string? Note) : RectificationStep;
}

/// <summary>
/// Runs one rectification step as one transaction: load the record the actor may see (another department's record is "not
/// found"), let it check order and actor, then save it with its history entry and outbox message. Out of order: 409, nothing written.
/// </summary>
public sealed class RectificationDesk(
    RoutingDbContext routing, FeedbackDbContext feedback, FeedbackJournal journal, RectificationDeadlines deadlines, IClock clock,
    OutboxSignal signal)
{
    public async Task<RectificationRecord?> LoadVisibleAsync(Guid id, Actor actor, CancellationToken ct)
    {
        var record = await feedback.Rectifications.SingleOrDefaultAsync(r => r.Id == id, ct);
        return record is not null && FeedbackAccess.CanSee(actor, record.DepartmentId) ? record : null;
    }

    public async Task<Result<RectificationRecord>> ApplyAsync(Guid id, Actor actor, int? expectedVersion, RectificationStep step, CancellationToken ct)
    {
        var record = await LoadVisibleAsync(id, actor, ct);
        if (record is null)
        {
            return new NotFound("整改记录不存在，或不属于您的单位。");
        }
        if (expectedVersion is { } expected && expected != record.Version)
        {
            return new StateConflict("该整改记录刚被他人更新，请刷新后再操作。");
        }
        var now = clock.GetCurrentInstant();
        HotlineError? error;
        FeedbackEventKind kind;
        object? data = null;
        string? note;
        try
        {
            switch (step)
            {
                case RectificationStep.Verify v:
                    error = record.Verify(actor, now, v.Reached, v.Note);
                    (kind, note, data) = (FeedbackEventKind.RectificationVerified, v.Note, new { reached = v.Reached, onTime = now <= record.VerifyDueAt });
                    break;
                case RectificationStep.Classify c:
                    error = record.Classify(actor, c.Kind, now, c.Note);
                    (kind, note, data) = (FeedbackEventKind.RectificationClassified, c.Note, new { kind = c.Kind.ToString(), label = RectificationRecord.Labels.Of(c.Kind) });
                    break;
                case RectificationStep.Record r:
                    error = record.RecordAction(actor, now, r.Action, JsonSerializer.Serialize(r.Evidence));
                    (kind, note, data) = (FeedbackEventKind.RectificationRecorded, r.Action, new { evidence = r.Evidence });
                    break;
                case RectificationStep.ReportBack b:
                    // The review deadline is only computed when the step can happen (a refused step never needs the calendar).
                    var reviewDue = record.Stage == RectificationStage.ReportBack ? await deadlines.ForReviewAsync(now, ct) : now;
                    error = record.ReportBackToCitizen(actor, now, b.Text, reviewDue);
                    (kind, note, data) = (FeedbackEventKind.RectificationReportedBack, b.Text, new { onTime = now <= record.RectifyDueAt });
                    break;
                case RectificationStep.Review r:
                    error = record.Review(actor, now, r.Accept, r.Note, deadlines.FollowUpEnds(now));
                    (kind, note, data) = (r.Accept ? FeedbackEventKind.RectificationAccepted : FeedbackEventKind.RectificationSentBack, r.Note,
                        new { accept = r.Accept, sentBackCount = record.SentBackCount });
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(step), step, "Unknown rectification step.");
            }
        }
        catch (CalendarYearMissingException missing)
        {
            return new CalendarUnavailable(missing.Year);
        }
        if (error is not null)
        {
            feedback.ChangeTracker.Clear();
            return error;
        }
        try
        {
            return await FeedbackTransaction.RunAsync<RectificationRecord>(routing, feedback, async () =>
            {
                journal.Write(actor, now, FeedbackSubject.Rectification, record.Id, record.TicketId, record.TrackingCode, record.DepartmentId,
                    kind, note, data, step: record.Stage.ToString());
                await feedback.SaveChangesAsync(ct);
                await routing.SaveChangesAsync(ct);
                return record;
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            feedback.ChangeTracker.Clear();
            routing.ChangeTracker.Clear();
            return new StateConflict("该整改记录刚被他人更新，请刷新后再操作。");
        }
        finally
        {
            signal.Notify();
        }
    }
}
