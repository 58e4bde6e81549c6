using System.Security.Claims;
using System.Text.Json;
using Hotline.Host.Storage;
using Hotline.Routing;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Host.Live;

/// <summary>One missed event: the client method it was pushed as, and the same <c>sequence</c>, <c>at</c> and <c>data</c>.</summary>
public sealed record MissedEvent(long Sequence, string Method, DateTimeOffset At, JsonElement Data);

/// <summary>
/// <c>Events</c> in sequence order; <c>Latest</c> is the cursor to keep when <c>More</c> is false (the last event's sequence
/// otherwise). <c>Reset</c>: events after <c>after</c> were pruned (or the database was replaced), so reload the page's state.
/// </summary>
public sealed record CatchUpAnswer(long Latest, bool Reset, bool More, IReadOnlyList<MissedEvent> Events);

/// <summary>Catch-up after a disconnect: every event after a sequence that the caller's live connection would have received.</summary>
public static class CatchUp
{
    public const int PageSize = 500;

    public static async Task<Results<Ok<CatchUpAnswer>, ProblemHttpResult>> GetAsync(long? after, Guid[]? ticket, ClaimsPrincipal user,
        HostDbContext db, CancellationToken ct)
    {
        if (after < 0)
        {
            return ValidationFailed.One("after", "after 不能为负数。").ToProblem();
        }
        // Read the cursor first and never look past it: an event committed meanwhile is left for the push or the next call.
        var latest = await db.ConsoleEvents.MaxAsync(e => (long?)e.Sequence, ct) ?? 0;
        if (after is not { } from)
        {
            return TypedResults.Ok(new CatchUpAnswer(latest, false, false, []));
        }
        var oldest = await db.ConsoleEvents.MinAsync(e => (long?)e.Sequence, ct);
        if (from > latest || (oldest is { } o && from + 1 < o))
        {
            return TypedResults.Ok(new CatchUpAnswer(latest, true, false, []));
        }
        var rows = await Visible(db.ConsoleEvents, StaffPrincipal.ToActor(user), ticket ?? [])
            .Where(e => e.Sequence > from && e.Sequence <= latest)
            .OrderBy(e => e.Sequence)
            .Take(PageSize + 1)
            .ToListAsync(ct);
        var events = rows.Take(PageSize)
            .Select(e => new MissedEvent(e.Sequence, e.Method, e.At.ToDateTimeOffset(), JsonDocument.Parse(e.Payload).RootElement))
            .ToList();
        return TypedResults.Ok(new CatchUpAnswer(latest, false, rows.Count > PageSize, events));
    }

    /// <summary>
    /// The same audience the groups had: a department user its department's events (a superset of what its ticket groups get);
    /// other staff their role's events plus those of the tickets they watch (they may see every ticket).
    /// </summary>
    private static IQueryable<ConsoleEvent> Visible(IQueryable<ConsoleEvent> events, Actor actor, Guid[] watched)
    {
        if (actor.Is(StaffRole.Department))
        {
            if (actor.Department is not { } department)
            {
                return events.Where(e => false);
            }
            var tag = Audience.Delimit([department.Value]);
            return events.Where(e => e.Departments.Contains(tag));
        }
        var role = Audience.Delimit([StaffRoles.NameOf(actor.Role!.Value)]);
        Guid?[] tickets = [.. watched.Take(100).Select(t => (Guid?)t)];
        return events.Where(e => e.Roles.Contains(role) || tickets.Contains(e.TicketId));
    }
}
