using System.Security.Claims;
using Hotline.Intake.Storage;
using Hotline.Routing;
using Hotline.Routing.Outbox;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Hotline.Intake.Voice;

public sealed record MissedCallView(string CallSid, string Phone, DateTimeOffset StartedAt, int EarlierTickets, string? Transcript,
    string? RecordingUrl);

public sealed record CallView(string CallSid, DateTimeOffset StartedAt, string Outcome, string? Transcript, double? Confidence,
    string? RecordingUrl, int? RecordingSeconds);

/// <summary>Agents' callback list of missed calls (漏接回拨), and a ticket's call records.</summary>
public static class CallEndpoints
{
    public static RouteGroupBuilder MapCalls(this RouteGroupBuilder api)
    {
        api.MapGet("/calls/missed", MissedAsync).WithSummary("漏接来电回拨列表");
        api.MapPost("/calls/{callSid}/called-back", CalledBackAsync).WithSummary("标记已回拨");
        api.MapGet("/tickets/{id:guid}/calls", TicketCallsAsync).WithSummary("工单的来电记录（转写、置信度、录音）");
        return api;
    }

    private static async Task<Results<Ok<MissedCallView[]>, ProblemHttpResult>> MissedAsync(
        ClaimsPrincipal user, IntakeDbContext intake, Routing.Storage.RoutingDbContext routing, TicketViews views, CancellationToken ct)
    {
        if (!StaffPrincipal.ToActor(user).IsAnyOf(StaffRole.Agent, StaffRole.Supervisor))
        {
            return new NotPermitted("只有话务员和督办人员可以查看漏接回拨列表。").ToProblem();
        }
        var calls = await intake.Calls.AsNoTracking().Where(c => c.Outcome == CallOutcome.Missed && c.CalledBackAt == null)
            .OrderBy(c => c.StartedAt).Take(500).ToListAsync(ct);
        var phones = calls.Select(c => c.From).Where(p => p.Length > 0).Distinct().ToList();
        var counts = await routing.Tickets.AsNoTracking().Where(t => phones.Contains(t.CitizenPhone))
            .GroupBy(t => t.CitizenPhone).Select(g => new { Phone = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Phone, g => g.Count, ct);
        // Agents call these numbers back, so they see them in full; the list is limited to the roles that do that work.
        return TypedResults.Ok(calls.Select(c => new MissedCallView(c.CallSid, c.From.Length > 0 ? c.From : "未显示号码", views.Local(c.StartedAt),
            c.From.Length > 0 ? counts.GetValueOrDefault(c.From) : 0, c.Transcript, c.RecordingUrl)).ToArray());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> CalledBackAsync(
        string callSid, ClaimsPrincipal user, IntakeDbContext intake, Routing.Storage.RoutingDbContext routing, TicketViews views,
        OutboxSignal signal, IClock clock, CancellationToken ct)
    {
        var actor = StaffPrincipal.ToActor(user);
        if (!actor.IsAnyOf(StaffRole.Agent, StaffRole.Supervisor))
        {
            return new NotPermitted("只有话务员和督办人员可以标记回拨。").ToProblem();
        }
        var call = await intake.Calls.SingleOrDefaultAsync(c => c.CallSid == callSid, ct);
        if (call is null)
        {
            return new Routing.NotFound("来电记录不存在。").ToProblem();
        }
        if (call.CalledBackAt is not null)
        {
            return TypedResults.NoContent(); // marked already (a double click, a colleague): nothing changes, nobody is told again
        }
        var now = clock.GetCurrentInstant();
        call.CalledBackAt = now;
        call.CalledBackBy = actor.Name;
        await SharedTransaction.RunAsync(routing, intake, async () =>
        {
            await intake.SaveChangesAsync(ct);
            OutboxWriter.Enqueue(routing, MissedCallChanged.Topic, new MissedCallChanged(call.CallSid, CallDesk.MaskedCaller(call.From),
                MissedCallChanged.CalledBack, actor.Name, views.Local(now)), now);
            await routing.SaveChangesAsync(ct);
            return 0;
        }, ct);
        signal.Notify();
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<CallView[]>, ProblemHttpResult>> TicketCallsAsync(
        Guid id, ClaimsPrincipal user, TicketWorkflow workflow, IntakeDbContext intake, TicketViews views, CancellationToken ct)
    {
        if (await workflow.LoadVisibleAsync(new TicketId(id), StaffPrincipal.ToActor(user), ct) is null)
        {
            return new Routing.NotFound("工单不存在，或您无权查看。").ToProblem();
        }
        var calls = await intake.Calls.AsNoTracking().Where(c => c.TicketId == id).OrderBy(c => c.StartedAt).ToListAsync(ct);
        return TypedResults.Ok(calls.Select(c => new CallView(c.CallSid, views.Local(c.StartedAt), c.Outcome.ToString(), c.Transcript,
            c.Confidence, c.RecordingUrl, c.RecordingSeconds)).ToArray());
    }
}
