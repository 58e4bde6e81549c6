using Hotline.Feedback.Callbacks;
using Hotline.Feedback.Rectification;
using Hotline.Feedback.Storage;
using Hotline.Routing.Departments;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Feedback.Assessment;

/// <summary>Settings of the assessment (考核): the weights of the score and the repeat-request window. All are settings.</summary>
public sealed class AssessmentOptions
{
    public const string Section = "Hotline:Assessment";

    /// <summary>
    /// The score's weights by figure (any rates of <see cref="Metric"/>; they need not add up to one). The default weighs the
    /// three rates Beijing assesses (三率: 响应率, 解决率, 满意率) — response lightly, solution and satisfaction equally — and
    /// a city sets its own rules here.
    /// </summary>
    public Dictionary<Metric, double> Weights { get; set; } = new()
    {
        [Metric.ResponseRate] = 0.1,
        [Metric.SolutionRate] = 0.45,
        [Metric.SatisfactionRate] = 0.45,
    };

    /// <summary>A request counts as repeated when the same number raised the same category within this many days before.</summary>
    public int RepeatWindowDays { get; set; } = 30;
}

/// <summary>One department's line in an assessment: its own figures, or with every unit under it for a district or the centre.</summary>
public sealed record DepartmentAssessment(Department Department, bool IncludesSubordinates, DepartmentFigures Figures, double? Score,
    int? Rank, int RankedAmong, double? PreviousScore);

/// <summary>
/// Computes assessments from the tickets' timelines and Feedback's own records (ratings, rectifications, callbacks): each figure per department and period, rolled up the hierarchy (street → district → city), scored, ranked among
/// departments of the same kind (functional departments, district governments, street offices and enterprises are ranked
/// separately, as cities publish them), with the previous period's score for the trend.
/// </summary>
public sealed class AssessmentCalculator(RoutingDbContext routing, FeedbackDbContext feedback, IClock clock, IOptions<AssessmentOptions> options)
{
    // Entries that show a ticket was worked on, or fell due, in a period; the overdue marks catch assignments nobody touched.
    private static readonly TimelineEventKind[] TouchKinds = [.. AssignmentHistory.Kinds, TimelineEventKind.SignOverdue, TimelineEventKind.ReplyOverdue];

    public async Task<IReadOnlyList<DepartmentAssessment>> AssessAsync(AssessmentPeriod period, CancellationToken ct)
    {
        var departments = await routing.Departments.AsNoTracking().ToListAsync(ct);
        var current = await FiguresAsync(period, departments, ct);
        var previous = await FiguresAsync(period.Previous(), departments, ct);
        var weights = options.Value.Weights;
        var children = departments.Where(d => d.ParentId is not null).ToLookup(d => d.ParentId!.Value);

        var lines = departments.Select(d => (Department: d, Figures: current[d.Id], Score: current[d.Id].Score(weights),
            Previous: previous[d.Id].Score(weights))).ToList();
        var ranks = lines.Where(l => l.Score is not null).GroupBy(l => l.Department.Kind)
            .SelectMany(g => g.OrderByDescending(l => l.Score).Select((l, i) => (l.Department.Id, Rank: i + 1, Among: g.Count())))
            .ToDictionary(r => r.Id, r => (r.Rank, r.Among));
        return [.. lines.OrderBy(l => l.Department.Kind).ThenByDescending(l => l.Score ?? -1).ThenBy(l => l.Department.Id.Value, StringComparer.Ordinal)
            .Select(l => new DepartmentAssessment(l.Department, children[l.Department.Id].Any(), l.Figures, l.Score,
                ranks.TryGetValue(l.Department.Id, out var r) ? r.Rank : null, ranks.TryGetValue(l.Department.Id, out var a) ? a.Among : 0, l.Previous))];
    }

    /// <summary>The figures of every department for <paramref name="period"/>, each including all departments under it.</summary>
    public async Task<Dictionary<DepartmentId, DepartmentFigures>> FiguresAsync(AssessmentPeriod period, IReadOnlyList<Department> departments,
        CancellationToken ct)
    {
        var (start, end, now) = (period.Start, period.End, clock.GetCurrentInstant());
        // The tickets worked on in the period, and those whose deadlines fall in it (a reply given last month may be due now).
        var dueInPeriod = routing.Tickets.Where(t => (t.ReplyDueAt >= start && t.ReplyDueAt < end) || (t.SignDueAt >= start && t.SignDueAt < end))
            .Select(t => t.Id);
        var entries = await routing.Timeline.AsNoTracking()
            .Where(e => AssignmentHistory.Kinds.Contains(e.Kind)
                && (routing.Timeline.Any(t => t.TicketId == e.TicketId && t.At >= start && t.At < end && TouchKinds.Contains(t.Kind))
                    || dueInPeriod.Contains(e.TicketId)))
            .ToListAsync(ct);
        var assignments = AssignmentHistory.Build(entries);
        var repeats = await RepeatsAsync(start, end, ct);

        bool In(Instant at) => at >= start && at < end;

        var own = departments.ToDictionary(d => d.Id, _ => new DepartmentFigures());
        foreach (var a in assignments)
        {
            if (!own.TryGetValue(a.Department, out var f))
            {
                continue; // a department removed from the list (departments are only deactivated, so this does not happen)
            }
            if (In(a.AssignedAt))
            {
                // Judged once the department has answered or its sign deadline has passed; until then it is still pending.
                if (a.FirstResponse is not null || a.SignDue is { } due && due < now)
                {
                    f[Metric.ResponseRate].Add(a.Ticket, a.RespondedOnTime);
                }
                f[Metric.ReturnRate].Add(a.Ticket, a.ReturnApproved);
                if (a.ReturnsRejected > 0)
                {
                    f[Metric.ImproperReturns].Met.AddRange(Enumerable.Repeat(a.Ticket, a.ReturnsRejected));
                }
                if (!a.IsRehandling)
                {
                    f[Metric.RepeatRate].Add(a.Ticket, repeats.Contains(a.Ticket));
                }
            }
            if (a.SignedAt is { } signed && In(signed))
            {
                f[Metric.OnTimeSignRate].Add(a.Ticket, a.SignDue is not { } due || signed <= due);
            }
            // 按时办结率 over the reply deadlines that fell in the period (应办结), judged once replied or past due: a late reply
            // next month does not move this month's figure.
            if (!a.ReturnApproved && a.ReplyDue is { } replyDue && In(replyDue) && (a.RepliedAt is not null || replyDue < now))
            {
                f[Metric.OnTimeCompletionRate].Add(a.Ticket, a.RepliedOnTime);
            }
            if (a.CalledBackAt is { } called && In(called) && a.Solved is { } solved)
            {
                f[Metric.SolutionRate].Add(a.Ticket, solved);
            }
            if (a.ClosedAt is { } closed && In(closed))
            {
                f[Metric.FirstContactResolutionRate].Add(a.Ticket, !a.IsRehandling);
            }
        }
        await AddRatingFiguresAsync(own, start, end, now, ct);

        // Roll up: each department's line is its own figures plus those of every unit under it, however deep.
        var parentOf = departments.ToDictionary(d => d.Id, d => d.ParentId);
        var total = departments.ToDictionary(d => d.Id, _ => new DepartmentFigures());
        foreach (var department in departments)
        {
            var seen = new HashSet<DepartmentId>(); // a cycle in the hierarchy (an admin's mistake) must not loop forever
            for (DepartmentId? up = department.Id; up is { } id && total.ContainsKey(id) && seen.Add(id); up = parentOf[id])
            {
                total[id].AddAll(own[department.Id]);
            }
        }
        return total;
    }

    /// <summary>
    /// The 好差评 figures, from Feedback's records: first-round ratings given in the period, counted on the department rated
    /// (a review an upheld appeal excluded counts only as an upheld appeal); rectifications due in the period, once reported
    /// back or past due; real-name bad reviews given in the period whose owed callback was made, and whether it reached the
    /// citizen.
    /// </summary>
    private async Task AddRatingFiguresAsync(Dictionary<DepartmentId, DepartmentFigures> own, Instant start, Instant end, Instant now, CancellationToken ct)
    {
        DepartmentFigures? Of(DepartmentId? department) => department is { } d && own.TryGetValue(d, out var f) ? f : null;

        var ratings = await feedback.Ratings.AsNoTracking().Where(r => r.Round == 1 && r.RatedAt >= start && r.RatedAt < end)
            .Select(r => new { r.TicketId, r.DepartmentId, r.Level, r.RealName, r.ExcludedFromAssessment, r.RatedAt }).ToListAsync(ct);
        var realNameBad = ratings.Where(r => r.RealName && RatingLevels.IsBadReview(r.Level) && !r.ExcludedFromAssessment).ToDictionary(r => r.TicketId, r => r.RatedAt);
        var ids = realNameBad.Keys.ToList();
        // The callback a bad review is owed comes after it: a complaint's earlier callback does not count. Like every figure, it
        // is judged once it can be: when the citizen was reached, or the call was given up as unreachable — not while pending.
        var calls = (await feedback.Callbacks.AsNoTracking()
            .Where(c => ids.Contains(c.TicketId) && c.Status != CallbackStatus.Pending && c.CompletedAt != null)
            .Select(c => new { c.TicketId, c.CompletedAt, Reached = c.Status == CallbackStatus.Completed && c.Reached == true }).ToListAsync(ct))
            .Where(c => c.CompletedAt >= realNameBad[c.TicketId]).ToList();
        var called = calls.Select(c => c.TicketId).ToHashSet();
        var reached = calls.Where(c => c.Reached).Select(c => c.TicketId).ToHashSet();
        foreach (var r in ratings)
        {
            if (Of(r.DepartmentId) is not { } f)
            {
                continue; // answered by the centre itself: no department to assess
            }
            if (r.ExcludedFromAssessment)
            {
                f[Metric.AppealsUpheld].Met.Add(r.TicketId);
                continue;
            }
            f.RatingsByLevel[(int)r.Level]++;
            f[Metric.SatisfactionRate].Add(r.TicketId, RatingLevels.CountsAsSatisfied(r.Level));
            if (RatingLevels.IsBadReview(r.Level))
            {
                f[Metric.BadReviews].Met.Add(r.TicketId);
                if (r.RealName && called.Contains(r.TicketId))
                {
                    f[Metric.RealNameCallbackRate].Add(r.TicketId, reached.Contains(r.TicketId));
                }
            }
        }

        // Like replies, rectifications count in the period their deadline falls in, once reported back or past due.
        var rectifications = await feedback.Rectifications.AsNoTracking()
            .Where(x => x.RectifyDueAt >= start && x.RectifyDueAt < end && (x.ReportedBackAt != null || x.RectifyDueAt < now))
            .Select(x => new { x.TicketId, x.DepartmentId, x.ReportedBackAt, x.RectifyDueAt, x.Outcome }).ToListAsync(ct);
        foreach (var x in rectifications.Where(x => x.Outcome != RectificationOutcome.AppealUpheld))
        {
            Of(x.DepartmentId)?[Metric.RectifiedOnTime].Add(x.TicketId, x.ReportedBackAt is { } at && at <= x.RectifyDueAt);
        }
    }

    /// <summary>
    /// Tickets received in the period that repeat an earlier request: same phone number, same category, within the window.
    /// The numbers are compared here and never leave this method.
    /// </summary>
    private async Task<HashSet<TicketId>> RepeatsAsync(Instant start, Instant end, CancellationToken ct)
    {
        var since = start - Duration.FromDays(options.Value.RepeatWindowDays);
        var window = Duration.FromDays(options.Value.RepeatWindowDays);
        var tickets = await routing.Tickets.AsNoTracking()
            .Where(t => t.ReceivedAt >= since && t.ReceivedAt < end && t.CategoryId != null && t.CitizenPhone != "")
            .Select(t => new { t.Id, t.CitizenPhone, t.CategoryId, t.ReceivedAt })
            .ToListAsync(ct);
        var repeats = new HashSet<TicketId>();
        foreach (var group in tickets.GroupBy(t => (t.CitizenPhone, t.CategoryId)))
        {
            var ordered = group.OrderBy(t => t.ReceivedAt).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                if (ordered[i].ReceivedAt >= start && ordered[i].ReceivedAt - ordered[i - 1].ReceivedAt <= window)
                {
                    repeats.Add(ordered[i].Id);
                }
            }
        }
        return repeats;
    }
}
