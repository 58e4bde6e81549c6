using System.Security.Claims;
using Hotline.Feedback.Assessment;
using Hotline.Feedback.History;
using Hotline.Feedback.Rectification;
using Hotline.Feedback.Storage;
using Hotline.Routing;
using Hotline.Routing.Llm;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Hotline.Feedback.Ratings;

/// <summary>
/// A rating as staff see it: never the rater's name or number (only whether they rated under their real name); supervisors open
/// the identity through <c>POST …/rater</c>, which is logged.
/// </summary>
public sealed record RatingView(Guid Id, Guid TicketId, string TrackingCode, int Round, int Level, string LevelLabel, bool BadReview,
    int? Overall, int? Efficiency, int? Attitude, int? Result, string? Comment, string Channel, string ChannelLabel, bool RealName,
    string? DepartmentId, string TicketType, DateTimeOffset RatedAt, string? RecordedBy, string? Evidence, bool ExcludedFromAssessment,
    Guid? RectificationId, Guid? AppealId);

public sealed record RaterIdentityRequest(string? Reason);

public sealed record RaterIdentity(Guid RatingId, string? Phone, string? Name, bool Anonymous);

public sealed record HistoryView(DateTimeOffset At, string Subject, Guid SubjectId, string Kind, string ActorName, string? ActorRole,
    string? Note, string? Data);

/// <summary>Staff reading of ratings, the logged opening of a rater's identity, and the refusal of any staff-made rating.</summary>
public static class RatingEndpoints
{
    private const string StaffMayNotRate =
        "评价由市民本人作出，任何工作人员都不能创建、修改或删除评价；回访时可在回访结果中代为记录市民的评价（须注明回访电话）。";

    public static RouteGroupBuilder MapRatings(this RouteGroupBuilder feedback)
    {
        feedback.MapGet("/ratings", ListAsync).WithSummary("评价列表（按工单、单位、差评、等级、轮次、时段筛选；承办单位只看到本单位的评价，均不含评价人身份）");
        feedback.MapGet("/ratings/{id:guid}", GetAsync).WithSummary("一条评价");
        feedback.MapPost("/ratings/{id:guid}/rater", OpenIdentityAsync).WithSummary("督办人员查看评价人身份（须说明理由，记录日志）");
        feedback.MapPost("/ratings", Refused).WithSummary("工作人员不能创建评价（403）");
        feedback.MapPut("/ratings/{id:guid}", Refused).WithSummary("评价不可修改（403）");
        feedback.MapDelete("/ratings/{id:guid}", Refused).WithSummary("评价不可删除（403）");
        feedback.MapGet("/tickets/{ticketId:guid}/history", TicketHistoryAsync).WithSummary("工单的好差评记录（评价、整改、申诉、回访）");
        return feedback;
    }

    private static ProblemHttpResult Refused() => new NotPermitted(StaffMayNotRate).ToProblem();

    /// <summary>
    /// The period filter takes the assessment's own query (<c>period</c>/<c>date</c> or <c>from</c>/<c>to</c>, Beijing dates), so a
    /// dashboard's drill-down from a rating figure lists exactly the ratings that figure counted.
    /// </summary>
    private static async Task<Results<Ok<RatingView[]>, ProblemHttpResult>> ListAsync(ClaimsPrincipal user, FeedbackDbContext db,
        RatingViews views, IClock clock, Guid? ticketId, string? department, bool? bad, int? level, int? round, string? period, string? date,
        string? from, string? to, CancellationToken ct)
    {
        var actor = StaffPrincipal.ToActor(user);
        var input = new Input();
        if (level is not null and not (>= 1 and <= 5))
        {
            input.Add("level", "评价等级应为 1 到 5（5 非常满意 … 1 非常不满意）。");
        }
        if (round is not null and not (1 or 2))
        {
            input.Add("round", "评价轮次应为 1（对办理的评价）或 2（整改后的再评价）。");
        }
        AssessmentPeriod? within = null;
        if (new[] { period, date, from, to }.Any(p => p is { Length: > 0 }))
        {
            var (parsed, error) = AssessmentPeriod.Parse(period, date, from, to, clock.GetCurrentInstant().InZone(AssessmentPeriod.Zone).Date);
            if (error is not null)
            {
                return error.ToProblem();
            }
            within = parsed;
        }
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var query = db.Ratings.AsNoTracking();
        if (actor.Is(StaffRole.Department))
        {
            var own = actor.Department ?? new DepartmentId("");
            query = query.Where(r => r.DepartmentId == own);
        }
        if (ticketId is { } t)
        {
            var id = new TicketId(t);
            query = query.Where(r => r.TicketId == id);
        }
        if (department is { Length: > 0 })
        {
            var dept = new DepartmentId(department);
            query = query.Where(r => r.DepartmentId == dept);
        }
        if (bad is { } onlyBad)
        {
            query = query.Where(r => r.BadReview == onlyBad);
        }
        if (level is { } l)
        {
            var wanted = (RatingLevel)l;
            query = query.Where(r => r.Level == wanted);
        }
        if (round is { } n)
        {
            query = query.Where(r => r.Round == n);
        }
        if (within is not null)
        {
            var (start, end) = (within.Start, within.End);
            query = query.Where(r => r.RatedAt >= start && r.RatedAt < end);
        }
        var rows = await query.OrderByDescending(r => r.RatedAt).Take(500).ToListAsync(ct);
        return TypedResults.Ok(await views.ManyAsync(rows, actor, ct));
    }

    private static async Task<Results<Ok<RatingView>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, FeedbackDbContext db,
        RatingViews views, CancellationToken ct)
    {
        var actor = StaffPrincipal.ToActor(user);
        var rating = await db.Ratings.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (rating is null || !FeedbackAccess.CanSee(actor, rating.DepartmentId))
        {
            return new Routing.NotFound("评价不存在，或不属于您的单位。").ToProblem();
        }
        return TypedResults.Ok((await views.ManyAsync([rating], actor, ct))[0]);
    }

    private static async Task<Results<Ok<RaterIdentity>, ProblemHttpResult>> OpenIdentityAsync(Guid id, RaterIdentityRequest request,
        ClaimsPrincipal user, FeedbackDbContext feedback, RoutingDbContext routing, FeedbackJournal journal, IClock clock, OutboxSignal signal,
        CancellationToken ct)
    {
        var actor = StaffPrincipal.ToActor(user);
        if (!actor.Is(StaffRole.Supervisor))
        {
            return new NotPermitted("评价人身份受保护，只有督办人员可以在说明理由后查看。").ToProblem();
        }
        var input = new Input();
        var reason = input.Required(request.Reason, "reason", "查看理由", 450);
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var rating = await feedback.Ratings.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (rating is null)
        {
            return new Routing.NotFound("评价不存在。").ToProblem();
        }
        var ticket = await routing.Tickets.AsNoTracking().SingleAsync(t => t.Id == rating.TicketId, ct);
        var now = clock.GetCurrentInstant();
        await FeedbackTransaction.RunAsync<int>(routing, feedback, async () =>
        {
            // The personal-data access log is Routing's, shared by every reveal of a citizen's identity.
            routing.PersonalDataAccess.Add(new PersonalDataAccess
            {
                At = now,
                StaffId = actor.Id,
                StaffName = actor.Name,
                StaffRole = StaffRoles.NameOf(StaffRole.Supervisor),
                TicketId = rating.TicketId,
                Purpose = $"查看评价人身份：{reason}",
            });
            journal.Write(actor, now, FeedbackSubject.Rating, rating.Id, rating.TicketId, rating.TrackingCode, rating.DepartmentId,
                FeedbackEventKind.RaterIdentityOpened, reason);
            await feedback.SaveChangesAsync(ct);
            await routing.SaveChangesAsync(ct);
            return 0;
        }, ct);
        signal.Notify();
        return TypedResults.Ok(new RaterIdentity(rating.Id, ticket.CitizenPhone.Length > 0 ? ticket.CitizenPhone : null, ticket.CitizenName, ticket.Anonymous));
    }

    private static async Task<Results<Ok<HistoryView[]>, ProblemHttpResult>> TicketHistoryAsync(Guid ticketId, ClaimsPrincipal user,
        FeedbackDbContext db, CancellationToken ct)
    {
        var actor = StaffPrincipal.ToActor(user);
        var id = new TicketId(ticketId);
        var entries = await db.History.AsNoTracking().Where(h => h.TicketId == id).OrderBy(h => h.At).ThenBy(h => h.Id).ToListAsync(ct);
        if (actor.Is(StaffRole.Department))
        {
            var own = actor.Department?.Value;
            entries = [.. entries.Where(h => h.DepartmentId == own)];
        }
        if (!actor.Is(StaffRole.Supervisor))
        {
            // Who opened a rater's identity, and why, is the supervisors' own record (as on the live console).
            entries = [.. entries.Where(h => h.Kind != FeedbackEventKind.RaterIdentityOpened)];
        }
        var views = entries.Select(RatingViews.History);
        return TypedResults.Ok(actor.Is(StaffRole.Department)
            ? [.. views.Select(v => v with { Note = v.Note is null ? null : PromptRedaction.Mask(v.Note) })]
            : views.ToArray());
    }
}

/// <summary>Builds rating views with their rectification and appeal ids.</summary>
public sealed class RatingViews(FeedbackDbContext db, RectificationDeadlines deadlines)
{
    /// <summary>
    /// Rating views for <paramref name="reader"/>. A department reads the comment with phone, ID and card numbers and e-mail
    /// addresses masked, and not who recorded a rating on a callback or the call it cites: nothing that points to the rater.
    /// </summary>
    public async Task<RatingView[]> ManyAsync(IReadOnlyList<Rating> ratings, Actor reader, CancellationToken ct)
    {
        var department = reader.Is(StaffRole.Department);
        var ids = ratings.Select(r => r.Id).ToList();
        var rectifications = await db.Rectifications.AsNoTracking().Where(r => ids.Contains(r.RatingId))
            .ToDictionaryAsync(r => r.RatingId, r => r.Id, ct);
        var appeals = await db.Appeals.AsNoTracking().Where(a => ids.Contains(a.RatingId)).ToDictionaryAsync(a => a.RatingId, a => a.Id, ct);
        return [.. ratings.Select(r => new RatingView(r.Id, r.TicketId.Value, r.TrackingCode, r.Round, (int)r.Level, RatingLevels.Label(r.Level),
            r.BadReview, r.Overall, r.Efficiency, r.Attitude, r.Result, department && r.Comment is not null ? PromptRedaction.Mask(r.Comment) : r.Comment,
            r.Channel.ToString(), RatingLabels.Of(r.Channel), r.RealName, r.DepartmentId?.Value, r.TicketType.ToString(), deadlines.Local(r.RatedAt),
            department ? null : r.RecordedBy, department ? null : r.Evidence, r.ExcludedFromAssessment,
            rectifications.TryGetValue(r.Id, out var rect) ? rect : null, appeals.TryGetValue(r.Id, out var appeal) ? appeal : null))];
    }

    public static HistoryView History(FeedbackHistoryEntry h) =>
        new(h.At.ToDateTimeOffset(), h.Subject.ToString(), h.SubjectId, h.Kind.ToString(), h.ActorName, h.ActorRole, h.Note, h.Data);
}
