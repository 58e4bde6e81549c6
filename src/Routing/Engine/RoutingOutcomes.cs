using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Hotline.Routing.Engine;

/// <summary>
/// What one model version did in service: tickets it classified, those it dispatched on its own, and how many of those a person
/// had to correct — the department's return approved by the centre, or a dispatcher sending it to another department.
/// <c>Precision</c> is the share of its automatic dispatches nobody corrected (null before it dispatched any).
/// </summary>
public sealed record ModelOutcome(string Version, int Classified, int AutoDispatched, int Corrected, double? Precision);

/// <summary>The outcomes of the tickets received in the last <c>Days</c> days (from <c>From</c> on), per model version.</summary>
public sealed record RoutingOutcomesView(DateTimeOffset From, int Days, IReadOnlyList<ModelOutcome> Models);

/// <summary>
/// Whether automatic dispatch keeps in service the precision it was trained for (98 %): read from the tickets' timelines, so
/// the figures are the record itself, not a counter that could drift from it. Corrections arrive days after a dispatch, so the
/// latest days' figures are provisional.
/// </summary>
public static class RoutingOutcomes
{
    public static async Task<IReadOnlyList<ModelOutcome>> SinceAsync(RoutingDbContext db, Instant since, CancellationToken ct)
    {
        TimelineEventKind[] kinds = [TimelineEventKind.Classified, TimelineEventKind.Dispatched, TimelineEventKind.ReturnApproved];
        // From the tickets received in the window (indexed), to their entries by ticket: never a scan of the whole timeline.
        // Streamed one ticket at a time: a month of a city's tickets is hundreds of thousands of decisions, each with its
        // members' opinions in its data, far too much to hold at once.
        var entries = (
            from e in db.Timeline.AsNoTracking()
            join t in db.Tickets.AsNoTracking() on e.TicketId equals t.Id
            where t.ReceivedAt >= since && kinds.Contains(e.Kind)
            orderby e.TicketId, e.Sequence
            select new Entry(e.TicketId, e.Kind, e.ActorId, e.ActorKind, e.Kind == TimelineEventKind.ReturnApproved ? null : e.Data))
            .AsAsyncEnumerable();
        var byVersion = new Dictionary<string, Counts>(StringComparer.Ordinal);
        var ticket = new List<Entry>();
        await foreach (var entry in entries.WithCancellation(ct))
        {
            if (ticket.Count > 0 && ticket[0].TicketId != entry.TicketId)
            {
                Count(ticket, byVersion);
                ticket.Clear();
            }
            ticket.Add(entry);
        }
        Count(ticket, byVersion);
        return [.. byVersion.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new ModelOutcome(p.Key, p.Value.Classified,
            p.Value.Auto, p.Value.Corrected, p.Value.Auto == 0 ? null : Math.Round(1.0 - (double)p.Value.Corrected / p.Value.Auto, 4)))];
    }

    private sealed record Entry(TicketId TicketId, TimelineEventKind Kind, string ActorId, ActorKind ActorKind, string? Data);

    private sealed class Counts
    {
        public int Classified;
        public int Auto;
        public int Corrected;
    }

    /// <summary>One ticket's entries, in timeline order, added to the counts of the version that classified it.</summary>
    private static void Count(List<Entry> ticket, Dictionary<string, Counts> byVersion)
    {
        // The decision a model made: a ticket registered before any model was in use carries a model-less decision first, and
        // the model's comes when one is put in use (a model's decision is never redone, so there is at most one).
        var decided = ticket.FindLastIndex(e => e.Kind == TimelineEventKind.Classified && EntryData.String(e.Data, "modelVersion") is not null);
        if (decided < 0 || EntryData.String(ticket[decided].Data, "modelVersion") is not { } version)
        {
            return;
        }
        if (!byVersion.TryGetValue(version, out var counts))
        {
            byVersion[version] = counts = new Counts();
        }
        counts.Classified++;
        var auto = ticket.FindIndex(decided, e => e.Kind == TimelineEventKind.Dispatched && e.ActorId == Actor.Router.Id);
        if (auto < 0)
        {
            return;
        }
        counts.Auto++;
        var lead = EntryData.String(ticket[auto].Data, "lead");
        if (ticket.Skip(auto + 1).Any(e => e.Kind == TimelineEventKind.ReturnApproved
                || (e.Kind == TimelineEventKind.Dispatched && e.ActorKind == ActorKind.Staff && EntryData.String(e.Data, "lead") != lead)))
        {
            counts.Corrected++;
        }
    }
}
