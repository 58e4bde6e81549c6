using Hotline.Feedback.History;
using Hotline.Feedback.Ratings;
using Hotline.Feedback.Storage;
using Hotline.Routing;
using Hotline.Routing.Calendar;
using Hotline.Routing.Deadlines;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Feedback.Callbacks;

/// <summary>What the callback agent records after a call.</summary>
public sealed record CallbackOutcome(bool Reached, bool? Solved, int? Satisfaction, string? Notes, bool Rehandle, string? RehandleReason,
    RatingInput? Rating, string? Evidence);

/// <summary>
/// Records callback outcomes. A reached citizen completes the task; an unreached one counts a try, and after
/// <c>CallbackMaxAttempts</c> tries the task is closed as not reached. The ticket's own callback transition (Routing's
/// <see cref="Ticket.RecordCallback"/>), an optional rating the agent records with the call as evidence, and 重办 for an unsolved
/// matter all commit with the task, or none of them does.
/// </summary>
public sealed class CallbackDesk(
    RoutingDbContext routing, FeedbackDbContext feedback, TicketWorkflow workflow, FeedbackJournal journal, RatingService ratings,
    DeadlinePolicy deadlines, IOptions<FeedbackOptions> options, IClock clock, OutboxSignal signal)
{
    public async Task<Result<CallbackTask>> RecordAsync(Guid id, Actor actor, CallbackOutcome outcome, CancellationToken ct)
    {
        if (!actor.IsAnyOf(StaffRole.Agent, StaffRole.Supervisor))
        {
            return new NotPermitted("只有话务员或督办人员可以回访。");
        }
        var task = await feedback.Callbacks.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (task is null)
        {
            return new NotFound("回访任务不存在。");
        }
        if (task.Status != CallbackStatus.Pending)
        {
            return new StateConflict($"该回访已结束（{CallbackLabels.Of(task.Status)}），不能再记录结果。");
        }
        if (outcome.Rehandle && !(outcome.Reached && (outcome.Solved == false || outcome.Satisfaction is <= 2)))
        {
            return new RuleViolated("只有联系上市民且诉求未解决或不满意时，才能要求重办。");
        }
        if (outcome.Rating is not null && !outcome.Reached)
        {
            return new RuleViolated("未联系上市民，不能代为记录评价。");
        }
        var now = clock.GetCurrentInstant();
        Result<CallbackTask> result;
        try
        {
            result = await FeedbackTransaction.RunAsync(routing, feedback, () => WriteAsync(task, actor, outcome, now, ct), ct);
        }
        catch (CalendarYearMissingException missing)
        {
            return new CalendarUnavailable(missing.Year);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new StateConflict("该回访刚被他人记录，请刷新后查看。");
        }
        if (result.Error is null)
        {
            signal.Notify();
        }
        return result;
    }

    private async Task<Result<CallbackTask>> WriteAsync(CallbackTask task, Actor actor, CallbackOutcome outcome, Instant now, CancellationToken ct)
    {
        var ticket = await routing.Tickets.AsNoTracking().SingleAsync(t => t.Id == task.TicketId, ct);
        task.Attempts++;
        task.LastAttemptAt = now;
        task.Version++;
        if (!outcome.Reached)
        {
            var givenUp = task.Attempts >= options.Value.CallbackMaxAttempts;
            if (givenUp)
            {
                task.Status = CallbackStatus.Unreachable;
                task.Reached = false;
                task.CompletedAt = now;
                task.CompletedBy = actor.Name;
            }
            task.Notes = outcome.Notes ?? task.Notes;
            journal.Write(actor, now, FeedbackSubject.Callback, task.Id, task.TicketId, task.TrackingCode, task.DepartmentId,
                givenUp ? FeedbackEventKind.CallbackUnreachable : FeedbackEventKind.CallbackAttempted, outcome.Notes,
                new { attempts = task.Attempts, maxAttempts = options.Value.CallbackMaxAttempts });
            await feedback.SaveChangesAsync(ct);
            if (ticket.State == TicketState.Replied
                && await ChangeTicketAsync(task, actor, t => t.RecordCallback(actor, now, false, null, null, outcome.Notes), ct) is { } e)
            {
                return e;
            }
            await routing.SaveChangesAsync(ct);
            return task;
        }
        task.Status = CallbackStatus.Completed;
        task.Reached = true;
        task.Solved = outcome.Solved;
        task.Satisfaction = outcome.Satisfaction;
        task.Notes = outcome.Notes;
        task.CompletedAt = now;
        task.CompletedBy = actor.Name;
        task.Rehandled = outcome.Rehandle;
        journal.Write(actor, now, FeedbackSubject.Callback, task.Id, task.TicketId, task.TrackingCode, task.DepartmentId,
            FeedbackEventKind.CallbackCompleted, outcome.Notes,
            new { attempts = task.Attempts, solved = outcome.Solved, satisfaction = outcome.Satisfaction, rehandle = outcome.Rehandle },
            outcome.Satisfaction);
        await feedback.SaveChangesAsync(ct);
        if (ticket.State == TicketState.Replied
            && await ChangeTicketAsync(task, actor, t => t.RecordCallback(actor, now, true, outcome.Solved, outcome.Satisfaction, outcome.Notes), ct) is { } e1)
        {
            return e1;
        }
        if (outcome.Rating is { } rating)
        {
            var rated = await ratings.SubmitAsync(task.TicketId, rating, new Rater.ByCallbackAgent(actor, outcome.Evidence ?? ""), ct);
            if (rated.Error is { } e2)
            {
                return e2;
            }
        }
        if (outcome.Rehandle)
        {
            var current = await routing.Tickets.AsNoTracking().SingleAsync(t => t.Id == task.TicketId, ct);
            var set = await deadlines.ForDispatchAsync(now, current.ReceivedAt, firstDispatch: false, current.Type, current.Urgency, ct);
            if (await ChangeTicketAsync(task, actor, t => t.Rehandle(actor, now, outcome.RehandleReason ?? "回访未解决", set), ct) is { } e3)
            {
                return e3;
            }
        }
        await routing.SaveChangesAsync(ct);
        return task;
    }

    private async Task<HotlineError?> ChangeTicketAsync(CallbackTask task, Actor actor, Func<Ticket, HotlineError?> change, CancellationToken ct) =>
        (await workflow.ChangeAsync(task.TicketId, actor, null, (t, _) => Task.FromResult(change(t)), ct)).Error;
}
