using System.Text.Json;
using Hotline.Feedback.History;
using Hotline.Feedback.Rectification;
using Hotline.Feedback.Storage;
using Hotline.Routing;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Hotline.Feedback.Appeals;

/// <summary>
/// Appeals (申诉复核): the rated department appeals a mistaken or malicious bad review with evidence; a supervisor upholds or
/// rejects it with a reason. Upheld, the rating is excluded from assessment and its rectification ends. Every step is in the history.
/// </summary>
public sealed class AppealDesk(RoutingDbContext routing, FeedbackDbContext feedback, FeedbackJournal journal, IClock clock, OutboxSignal signal)
{
    public async Task<Result<Appeal>> FileAsync(Guid ratingId, Actor actor, AppealGround ground, string statement, IReadOnlyList<string> evidence,
        CancellationToken ct)
    {
        var rating = await feedback.Ratings.AsNoTracking().SingleOrDefaultAsync(r => r.Id == ratingId, ct);
        if (rating is null || !FeedbackAccess.CanSee(actor, rating.DepartmentId))
        {
            return new NotFound("评价不存在，或不属于您的单位。");
        }
        var owner = rating.DepartmentId is { } dept
            ? actor.Is(StaffRole.Department) && actor.Department == dept
            : actor.IsAnyOf(StaffRole.Agent, StaffRole.Supervisor);
        if (!owner)
        {
            return new NotPermitted("只有被评价的承办单位可以对差评提出申诉。");
        }
        if (!rating.BadReview)
        {
            return new StateConflict($"该评价为「{RatingLevels.Label(rating.Level)}」，不是差评；只有差评（不满意、非常不满意）可以申诉。");
        }
        if (await feedback.Appeals.AnyAsync(a => a.RatingId == ratingId, ct))
        {
            return new StateConflict("该差评已提出过申诉；每条差评只能申诉一次。");
        }
        var now = clock.GetCurrentInstant();
        var appeal = new Appeal
        {
            RatingId = rating.Id,
            TicketId = rating.TicketId,
            TrackingCode = rating.TrackingCode,
            DepartmentId = rating.DepartmentId,
            Ground = ground,
            Statement = statement,
            Evidence = JsonSerializer.Serialize(evidence),
            FiledAt = now,
            FiledBy = actor.Name,
            Status = AppealStatus.Pending,
        };
        return await SaveAsync(appeal, isNew: true, () => journal.Write(actor, now, FeedbackSubject.Appeal, appeal.Id, appeal.TicketId,
            appeal.TrackingCode, appeal.DepartmentId, FeedbackEventKind.AppealFiled, statement,
            new { ratingId, ground = ground.ToString(), evidence }, (int)rating.Level), ct);
    }

    public async Task<Result<Appeal>> DecideAsync(Guid appealId, Actor actor, bool uphold, string reason, int? expectedVersion, CancellationToken ct)
    {
        if (!actor.Is(StaffRole.Supervisor))
        {
            return new NotPermitted("只有督办人员可以复核申诉。");
        }
        var appeal = await feedback.Appeals.SingleOrDefaultAsync(a => a.Id == appealId, ct);
        if (appeal is null)
        {
            return new NotFound("申诉不存在。");
        }
        if (appeal.Status != AppealStatus.Pending || (expectedVersion is { } v && v != appeal.Version))
        {
            return new StateConflict($"该申诉已复核（{AppealLabels.Of(appeal.Status)}），不能再次复核。");
        }
        var now = clock.GetCurrentInstant();
        appeal.Status = uphold ? AppealStatus.Upheld : AppealStatus.Rejected;
        appeal.DecidedAt = now;
        appeal.DecidedBy = actor.Name;
        appeal.DecisionReason = reason;
        appeal.Version++;
        RectificationRecord? ended = null;
        if (uphold)
        {
            var rating = await feedback.Ratings.SingleAsync(r => r.Id == appeal.RatingId, ct);
            rating.ExcludedFromAssessment = true;
            rating.ExcludedByAppealId = appeal.Id;
            var rectification = await feedback.Rectifications.SingleOrDefaultAsync(r => r.RatingId == appeal.RatingId, ct);
            if (rectification is { Stage: not RectificationStage.Closed })
            {
                rectification.CloseByAppeal(now);
                ended = rectification;
            }
        }
        return await SaveAsync(appeal, isNew: false, () =>
        {
            journal.Write(actor, now, FeedbackSubject.Appeal, appeal.Id, appeal.TicketId, appeal.TrackingCode, appeal.DepartmentId,
                uphold ? FeedbackEventKind.AppealUpheld : FeedbackEventKind.AppealRejected, reason,
                new { ratingId = appeal.RatingId, excludedFromAssessment = uphold });
            if (ended is not null)
            {
                journal.Write(actor, now, FeedbackSubject.Rectification, ended.Id, ended.TicketId, ended.TrackingCode, ended.DepartmentId,
                    FeedbackEventKind.RectificationClosed, RectificationRecord.Labels.Of(RectificationOutcome.AppealUpheld),
                    new { appealId = appeal.Id }, step: ended.Stage.ToString());
            }
        }, ct);
    }

    private async Task<Result<Appeal>> SaveAsync(Appeal appeal, bool isNew, Action record, CancellationToken ct)
    {
        try
        {
            var result = await FeedbackTransaction.RunAsync<Appeal>(routing, feedback, async () =>
            {
                if (isNew)
                {
                    feedback.Appeals.Add(appeal);
                }
                record();
                await feedback.SaveChangesAsync(ct);
                await routing.SaveChangesAsync(ct);
                return appeal;
            }, ct);
            signal.Notify();
            return result;
        }
        catch (DbUpdateException)
        {
            feedback.ChangeTracker.Clear();
            routing.ChangeTracker.Clear();
            return new StateConflict(isNew ? "该差评已提出过申诉；每条差评只能申诉一次。" : "该申诉刚被他人复核，请刷新后查看。");
        }
    }
}
