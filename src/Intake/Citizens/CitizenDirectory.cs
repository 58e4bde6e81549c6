using System.Security.Claims;
using Hotline.Intake.Storage;
using Hotline.Routing;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Hotline.Intake.Citizens;

/// <summary>
/// Keeps one citizen record per phone number, whatever the channel: every registered ticket touches it (from the outbox, so the
/// record follows the ticket and never blocks intake). Idempotent: it only widens first/last contact times.
/// </summary>
public sealed class CitizenDirectory(IServiceScopeFactory scopes) : IOutboxHandler
{
    public string Name => "citizen-directory";
    public string Topic => TicketEvent.Topic;

    public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var change = OutboxWriter.Read<TicketEvent>(message);
        if (change.Kind != nameof(TimelineEventKind.Registered))
        {
            return;
        }
        using var scope = scopes.CreateScope();
        var routing = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var intake = scope.ServiceProvider.GetRequiredService<IntakeDbContext>();
        var ticketId = new TicketId(change.TicketId);
        var phone = await routing.Tickets.AsNoTracking().Where(t => t.Id == ticketId).Select(t => t.CitizenPhone).SingleAsync(ct);
        if (phone.Length == 0)
        {
            return; // a withheld number is no citizen record
        }
        var at = Instant.FromDateTimeOffset(change.At);
        var citizen = await intake.Citizens.SingleOrDefaultAsync(c => c.Phone == phone, ct);
        if (citizen is null)
        {
            intake.Citizens.Add(new Citizen { Phone = phone, FirstContactAt = at, LastContactAt = at });
        }
        else
        {
            // Max and min, not increments: a redelivered or late event changes nothing.
            citizen.LastContactAt = Instant.Max(citizen.LastContactAt, at);
            citizen.FirstContactAt = Instant.Min(citizen.FirstContactAt, at);
        }
        try
        {
            await intake.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (citizen is null)
        {
            // Another handler created the record at the same moment; this event's times are within its own.
        }
    }
}

public sealed record CitizenHistory(string Phone, string MaskedPhone, DateTimeOffset? FirstContactAt, DateTimeOffset? LastContactAt,
    int TicketCount, bool SmsOptedOut,
    IReadOnlyList<CitizenTicket> Tickets);

public sealed record CitizenTicket(Guid Id, string TrackingCode, string Title, string Type, string State, string StateLabel, string Channel,
    DateTimeOffset ReceivedAt);

/// <summary>A citizen's history for agents (screen pop, merge decisions): every ticket from the number, newest first.</summary>
public static class CitizenEndpoints
{
    public static RouteGroupBuilder MapCitizenHistory(this RouteGroupBuilder api)
    {
        api.MapGet("/citizens/history", HistoryAsync).WithSummary("按号码查看市民的历史工单");
        return api;
    }

    private static async Task<Results<Ok<CitizenHistory>, ProblemHttpResult>> HistoryAsync(
        string? phone, ClaimsPrincipal user, IntakeDbContext intake, RoutingDbContext routing, TicketViews views, IClock clock,
        CancellationToken ct)
    {
        var actor = StaffPrincipal.ToActor(user);
        if (!TicketAccess.MayRevealCitizen(actor))
        {
            return new NotPermitted("只有话务员、派单员和督办人员可以按号码查询市民历史。").ToProblem();
        }
        if (!PhoneNumber.TryNormalize(phone, out var normalized))
        {
            return ValidationFailed.One("phone", PhoneNumber.Invalid).ToProblem();
        }
        var citizen = await intake.Citizens.AsNoTracking().SingleOrDefaultAsync(c => c.Phone == normalized, ct);
        var tickets = await routing.Tickets.AsNoTracking().Where(t => t.CitizenPhone == normalized)
            .OrderByDescending(t => t.ReceivedAt).Take(100).ToListAsync(ct);
        // Looking a number up is access to personal data: it is logged against the newest ticket of that number.
        if (tickets.Count > 0)
        {
            routing.PersonalDataAccess.Add(new PersonalDataAccess
            {
                At = clock.GetCurrentInstant(),
                StaffId = actor.Id,
                StaffName = actor.Name,
                StaffRole = actor.Role is { } role ? StaffRoles.NameOf(role) : "",
                TicketId = tickets[0].Id,
                Purpose = "按号码查询市民历史工单",
            });
            await routing.SaveChangesAsync(ct);
        }
        var ticketCount = await routing.Tickets.CountAsync(t => t.CitizenPhone == normalized, ct);
        return TypedResults.Ok(new CitizenHistory(normalized, PersonalDataMask.Phone(normalized), views.Local(citizen?.FirstContactAt),
            views.Local(citizen?.LastContactAt), ticketCount, citizen?.SmsOptedOut ?? false,
            [.. tickets.Select(t => new CitizenTicket(t.Id.Value, t.TrackingCode, t.Title, TicketLabels.Of(t.Type), t.State.ToString(),
                TicketLabels.Of(t.State), t.Channel.ToString(), views.Local(t.ReceivedAt)))]));
    }
}
