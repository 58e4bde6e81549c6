using System.Security.Claims;
using Hotline.Feedback.Ratings;
using Hotline.Feedback.Rectification;
using Hotline.Feedback.Storage;
using Hotline.Routing;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Feedback.Callbacks;

public sealed record CallbackRatingRequest(int? Level, int? Overall, int? Efficiency, int? Attitude, int? Result, string? Comment);

public sealed record CallbackOutcomeRequest(bool? Reached, bool? Solved, int? Satisfaction, string? Notes, bool? Rehandle, string? RehandleReason,
    CallbackRatingRequest? Rating, string? Evidence);

public sealed record CallbackView(Guid Id, Guid TicketId, string TrackingCode, string? DepartmentId, string TicketType, string Reason,
    string ReasonLabel, DateTimeOffset QueuedAt, string Status, string StatusLabel, int Attempts, DateTimeOffset? LastAttemptAt,
    bool? Reached, bool? Solved, int? Satisfaction, string? Notes, DateTimeOffset? CompletedAt, string? CompletedBy, bool Rehandled, int Version);

/// <summary>Callback figures of one group of tasks; rates are over the tasks reached (completed) with a satisfaction given.</summary>
public sealed record CallbackTally(string? Reason, int Queued, int Reached, int NotReached, int Pending, int Solved, double? AverageSatisfaction,
    double? SatisfiedShare);

public sealed record CallbackFigures(string From, string To, CallbackTally All, IReadOnlyList<CallbackTally> ByReason);

/// <summary>
/// The callback queue (回访) under <c>/api/feedback/callbacks</c>, for agents and supervisors. Routing's
/// <c>POST /api/tickets/{id}/callback</c> stays the ticket's own transition; this records the task, and makes that transition too.
/// </summary>
public static class CallbackEndpoints
{
    public static RouteGroupBuilder MapCallbacks(this RouteGroupBuilder feedback)
    {
        feedback.MapGet("/callbacks/figures", FiguresAsync).WithSummary("回访统计：联系上、多次未联系上、已解决、满意度（按周期）");
        feedback.MapGet("/callbacks", ListAsync).WithSummary("回访队列（投诉件、实名差评、抽样）");
        feedback.MapPost("/callbacks/{id:guid}/outcome", RecordAsync).WithSummary("记录回访结果；未解决可要求重办，可代为记录市民评价（注明回访电话）");
        return feedback;
    }

    /// <summary>
    /// Callback figures for the tasks queued in a period (day, week, month, quarter, or from/to): how many were reached, how many
    /// could not be reached after the allowed tries, how many are still waiting, how many citizens said the matter was solved,
    /// and the satisfaction they gave — in all and by why the call was owed.
    /// </summary>
    private static async Task<Results<Ok<CallbackFigures>, ProblemHttpResult>> FiguresAsync(string? period, string? date, string? from, string? to,
        ClaimsPrincipal user, FeedbackDbContext db, NodaTime.IClock clock, CancellationToken ct)
    {
        if (!StaffPrincipal.ToActor(user).IsAnyOf(StaffRole.Agent, StaffRole.Supervisor, StaffRole.Admin))
        {
            return new NotPermitted("回访统计只对话务员、督办人员和管理员开放。").ToProblem();
        }
        var (parsed, error) = Assessment.AssessmentPeriod.Parse(period, date, from, to,
            clock.GetCurrentInstant().InZone(Assessment.AssessmentPeriod.Zone).Date);
        if (error is not null)
        {
            return error.ToProblem();
        }
        var (start, end) = (parsed!.Start, parsed.End);
        var tasks = await db.Callbacks.AsNoTracking().Where(c => c.QueuedAt >= start && c.QueuedAt < end)
            .Select(c => new { c.Reason, c.Status, c.Solved, c.Satisfaction }).ToListAsync(ct);
        CallbackTally Tally(string? reason, IEnumerable<(CallbackStatus Status, bool? Solved, int? Satisfaction)> rows)
        {
            var list = rows.ToList();
            var rated = list.Where(r => r.Status == CallbackStatus.Completed && r.Satisfaction is not null).Select(r => r.Satisfaction!.Value).ToList();
            return new CallbackTally(reason, list.Count, list.Count(r => r.Status == CallbackStatus.Completed),
                list.Count(r => r.Status == CallbackStatus.Unreachable), list.Count(r => r.Status == CallbackStatus.Pending),
                list.Count(r => r.Status == CallbackStatus.Completed && r.Solved == true),
                rated.Count == 0 ? null : Math.Round(rated.Average(), 2),
                rated.Count == 0 ? null : Math.Round((double)rated.Count(l => l >= 3) / rated.Count, 4));
        }
        return TypedResults.Ok(new CallbackFigures(parsed.First.ToString("yyyy-MM-dd", null), parsed.Last.ToString("yyyy-MM-dd", null),
            Tally(null, tasks.Select(t => (t.Status, t.Solved, t.Satisfaction))),
            [.. Enum.GetValues<CallbackReason>().Select(r => Tally(r.ToString(), tasks.Where(t => t.Reason == r).Select(t => (t.Status, t.Solved, t.Satisfaction))))]));
    }

    private static async Task<Results<Ok<CallbackView[]>, ProblemHttpResult>> ListAsync(ClaimsPrincipal user, FeedbackDbContext db,
        RectificationDeadlines deadlines, string? status, CancellationToken ct)
    {
        var actor = StaffPrincipal.ToActor(user);
        if (!actor.IsAnyOf(StaffRole.Agent, StaffRole.Supervisor))
        {
            return new NotPermitted("回访队列只对话务员和督办人员开放。").ToProblem();
        }
        var wanted = CallbackStatus.Pending;
        if (status is { Length: > 0 } && (!Enum.TryParse(status, ignoreCase: true, out wanted) || !Enum.IsDefined(wanted)))
        {
            return ValidationFailed.One("status", "状态可选：Pending（待回访）、Completed（已回访）、Unreachable（多次未联系上）。").ToProblem();
        }
        var rows = await db.Callbacks.AsNoTracking().Where(c => c.Status == wanted).OrderBy(c => c.QueuedAt).Take(500).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(c => View(c, deadlines)).ToArray());
    }

    private static async Task<Results<Ok<CallbackView>, ProblemHttpResult>> RecordAsync(Guid id, CallbackOutcomeRequest request, ClaimsPrincipal user,
        CallbackDesk desk, RectificationDeadlines deadlines, CancellationToken ct)
    {
        var input = new Input();
        var notes = input.Optional(request.Notes, "notes", "回访记录", 2_000);
        var reason = input.Optional(request.RehandleReason, "rehandleReason", "重办理由", 2_000);
        var evidence = input.Optional(request.Evidence, "evidence", "回访电话依据", 200);
        if (request.Reached is null)
        {
            input.Add("reached", "请记录是否联系上市民（reached）。");
        }
        else if (request.Reached == true && request.Solved is null)
        {
            input.Add("solved", "联系上市民时，请记录诉求是否解决（solved）。");
        }
        if (request.Satisfaction is < 1 or > 5)
        {
            input.Add("satisfaction", "满意度为 1（非常不满意）到 5（非常满意）。");
        }
        if (request.Rehandle == true && reason is null)
        {
            input.Add("rehandleReason", "要求重办时请写明理由。");
        }
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var rating = request.Rating is { } r ? new RatingInput(r.Level, r.Overall, r.Efficiency, r.Attitude, r.Result, r.Comment) : null;
        var result = await desk.RecordAsync(id, StaffPrincipal.ToActor(user),
            new CallbackOutcome(request.Reached!.Value, request.Solved, request.Satisfaction, notes, request.Rehandle == true, reason, rating, evidence), ct);
        return result.Error is { } error ? error.ToProblem() : TypedResults.Ok(View(result.Value!, deadlines));
    }

    private static CallbackView View(CallbackTask c, RectificationDeadlines deadlines) => new(c.Id, c.TicketId.Value, c.TrackingCode,
        c.DepartmentId?.Value, c.TicketType.ToString(), c.Reason.ToString(), CallbackLabels.Of(c.Reason), deadlines.Local(c.QueuedAt),
        c.Status.ToString(), CallbackLabels.Of(c.Status), c.Attempts, deadlines.Local(c.LastAttemptAt), c.Reached, c.Solved, c.Satisfaction,
        c.Notes, deadlines.Local(c.CompletedAt), c.CompletedBy, c.Rehandled, c.Version);
}
