using System.Text.Json;
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
        var entries = await (
            from e in db.Timeline.AsNoTracking()
            join t in db.Tickets.AsNoTracking() on e.TicketId equals t.Id
            where t.ReceivedAt >= since && kinds.Contains(e.Kind)
            select new { e.TicketId, e.Sequence, e.Kind, e.ActorId, e.ActorKind, e.Data }).ToListAsync(ct);
        var byVersion = new Dictionary<string, (int Classified, int Auto, int Corrected)>(StringComparer.Ordinal);
        foreach (var ticket in entries.GroupBy(e => e.TicketId))
        {
            var ordered = ticket.OrderBy(e => e.Sequence).ToList();
            var classified = ordered.FirstOrDefault(e => e.Kind == TimelineEventKind.Classified);
            if (classified?.Data is null || Read(classified.Data, "modelVersion") is not { } version)
            {
                continue;
            }
            var counts = byVersion.GetValueOrDefault(version);
            counts.Classified++;
            var auto = ordered.FindIndex(e => e.Kind == TimelineEventKind.Dispatched && e.ActorId == Actor.Router.Id);
            if (auto >= 0)
            {
                counts.Auto++;
                var lead = Read(ordered[auto].Data, "lead");
                var corrected = ordered.Skip(auto + 1).Any(e => e.Kind == TimelineEventKind.ReturnApproved
                    || (e.Kind == TimelineEventKind.Dispatched && e.ActorKind == ActorKind.Staff && Read(e.Data, "lead") != lead));
                counts.Corrected += corrected ? 1 : 0;
            }
            byVersion[version] = counts;
        }
        return [.. byVersion.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new ModelOutcome(p.Key, p.Value.Classified, p.Value.Auto,
            p.Value.Corrected, p.Value.Auto == 0 ? null : Math.Round(1.0 - (double)p.Value.Corrected / p.Value.Auto, 4)))];
    }

    private static string? Read(string? data, string property)
    {
        if (data is null)
        {
            return null;
        }
        using var document = JsonDocument.Parse(data);
        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(property, out var value)
            && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
