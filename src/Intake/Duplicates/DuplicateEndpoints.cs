using System.Security.Claims;
using Hotline.Routing;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Intake.Duplicates;

public sealed record MergeCandidate(Guid TicketId, string TrackingCode, string Title, string StateLabel, DateTimeOffset ReceivedAt, double Score, string Reason);

public sealed record EventView(string Id, string? AreaId, DateTimeOffset FirstReportedAt, DateTimeOffset LastReportedAt, int Reports,
    IReadOnlyList<EventTicket> Tickets);

public sealed record EventTicket(Guid TicketId, string TrackingCode, string Title, string StateLabel, DateTimeOffset ReceivedAt);

/// <summary>
/// Duplicate detection for people: merge suggestions (并单) for a ticket — the same citizen's other open tickets on the same
/// matter — and events — many citizens reporting the same thing in one area within the window — for supervisors.
/// Word weights come from the last <see cref="CorpusDays"/> days of tickets, so local place names do not look like topics.
/// </summary>
public static class DuplicateEndpoints
{
    private const int CorpusDays = 30;
    private const int CorpusLimit = 5_000;

    public static RouteGroupBuilder MapDuplicates(this RouteGroupBuilder api)
    {
        api.MapGet("/tickets/{id:guid}/merge-suggestions", SuggestAsync).WithSummary("并单建议：同一市民的相近未办结工单");
        api.MapGet("/supervision/events", EventsAsync).WithSummary("同一事件的多人反映（按区域、时间、内容聚合）");
        return api;
    }

    private static async Task<Results<Ok<MergeCandidate[]>, ProblemHttpResult>> SuggestAsync(
        Guid id, ClaimsPrincipal user, TicketWorkflow workflow, RoutingDbContext db, TicketViews views, IClock clock,
        IOptions<DuplicateOptions> options, CancellationToken ct)
    {
        var actor = StaffPrincipal.ToActor(user);
        if (!actor.IsAnyOf(StaffRole.Agent, StaffRole.Dispatcher, StaffRole.Supervisor))
        {
            return new NotPermitted("只有话务员、派单员和督办人员可以查看并单建议。").ToProblem();
        }
        var ticket = await workflow.LoadVisibleAsync(new TicketId(id), actor, ct);
        if (ticket is null)
        {
            return new Routing.NotFound("工单不存在，或您无权查看。").ToProblem();
        }
        if (ticket.CitizenPhone.Length == 0)
        {
            return TypedResults.Ok(Array.Empty<MergeCandidate>()); // a withheld number is nobody's repeat
        }
        var open = await db.Tickets.AsNoTracking()
            .Where(t => t.CitizenPhone == ticket.CitizenPhone && t.Id != ticket.Id
                && (t.State == TicketState.PendingDispatch || t.State == TicketState.Dispatched || t.State == TicketState.Signed))
            .OrderByDescending(t => t.ReceivedAt).Take(50).ToListAsync(ct);
        if (open.Count == 0)
        {
            return TypedResults.Ok(Array.Empty<MergeCandidate>());
        }
        var statistics = await CorpusAsync(db, clock, ct);
        var suggestions = MergeSuggester.Suggest(
            new NewContact(ticket.Content, ticket.ReceivedAt) { Title = ticket.Title },
            open.Select(t => new OpenTicket(t.Id.Value.ToString(), t.Content, t.ReceivedAt) { Title = t.Title }),
            statistics, options.Value);
        var byId = open.ToDictionary(t => t.Id.Value.ToString());
        return TypedResults.Ok(suggestions.Select(s =>
        {
            var t = byId[s.TicketId];
            return new MergeCandidate(t.Id.Value, t.TrackingCode, t.Title, TicketLabels.Of(t.State), views.Local(t.ReceivedAt), Math.Round(s.Score, 3), s.Reason);
        }).ToArray());
    }

    private static async Task<Results<Ok<EventView[]>, ProblemHttpResult>> EventsAsync(
        int? hours, int? minReports, ClaimsPrincipal user, RoutingDbContext db, TicketViews views, IClock clock,
        IOptions<DuplicateOptions> options, CancellationToken ct)
    {
        var actor = StaffPrincipal.ToActor(user);
        if (!actor.IsAnyOf(StaffRole.Agent, StaffRole.Dispatcher, StaffRole.Supervisor))
        {
            return new NotPermitted("只有话务员、派单员和督办人员可以查看事件聚合。").ToProblem();
        }
        var span = hours ?? 72;
        var least = minReports ?? 2;
        if (span is < 1 or > 24 * 31 || least is < 2 or > 1_000)
        {
            return ValidationFailed.One("hours", "hours 应在 1 到 744 之间，minReports 应在 2 到 1000 之间。").ToProblem();
        }
        var now = clock.GetCurrentInstant();
        var since = now.Minus(Duration.FromHours(span));
        // The newest reports matter most: past the limit, the oldest in the window are the ones left out.
        var recent = (await db.Tickets.AsNoTracking().Where(t => t.ReceivedAt >= since && t.State != TicketState.Transferred)
            .OrderByDescending(t => t.ReceivedAt).Take(CorpusLimit).ToListAsync(ct)).OrderBy(t => t.ReceivedAt).ToList();
        var grouper = new EventGrouper(await CorpusAsync(db, clock, ct), options.Value);
        foreach (var t in recent)
        {
            grouper.Add(new Report(t.Id.Value.ToString(), t.Content, t.AreaId, t.ReceivedAt) { Title = t.Title });
        }
        var byId = recent.ToDictionary(t => t.Id.Value.ToString());
        var events = grouper.Events.Where(e => e.Count >= least).OrderByDescending(e => e.Count).ThenByDescending(e => e.LastReportedAt)
            .Select(e => new EventView(e.Id, e.Area, views.Local(e.FirstReportedAt), views.Local(e.LastReportedAt), e.Count,
                [.. e.ReportIds.Select(r => byId[r]).Select(t => new EventTicket(t.Id.Value, t.TrackingCode, t.Title, TicketLabels.Of(t.State), views.Local(t.ReceivedAt)))]))
            .ToArray();
        return TypedResults.Ok(events);
    }

    private static async Task<TermStatistics> CorpusAsync(RoutingDbContext db, IClock clock, CancellationToken ct)
    {
        var since = clock.GetCurrentInstant().Minus(Duration.FromDays(CorpusDays));
        var documents = await db.Tickets.AsNoTracking().Where(t => t.ReceivedAt >= since)
            .OrderByDescending(t => t.ReceivedAt).Take(CorpusLimit)
            .Select(t => new { t.Title, t.Content }).ToListAsync(ct);
        return TermStatistics.From(documents.Select(d => TextSimilarity.Document(d.Title, d.Content)));
    }
}
