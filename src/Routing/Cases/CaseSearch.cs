using System.Globalization;
using Hotline.Knowledge.Search;
using Hotline.Routing.Departments;
using Hotline.Routing.Engine;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Routing.Cases;

/// <summary>
/// Closed tickets as documents of <c>kind = case</c> in the knowledge search index, for similar-case retrieval: the citizen's
/// title and message with personal data removed, the category and department that finally handled it (a dispatcher's
/// correction included), and the reply. Never the phone number or name fields.
/// </summary>
public static class CaseSearch
{
    public const string Kind = "case";

    /// <summary>The reply is kept with the case up to this length (a metadata value, returned with every hit).</summary>
    public const int MaxReplyCharacters = 2_000;

    private const int ReconcileBatch = 500;

    public static string DocumentId(TicketId id) => $"case:{id.Value}";

    public static SearchFilter Filter { get; } = new() { Metadata = new Dictionary<string, string> { ["kind"] = Kind } };

    /// <summary>Indexes (or re-indexes) the given tickets if they are closed; others are left out. Idempotent.</summary>
    public static async Task IndexAsync(ISearchIndex index, RoutingDbContext db, IReadOnlyCollection<TicketId> ids, CancellationToken ct)
    {
        var tickets = await db.Tickets.AsNoTracking().Where(t => ids.Contains(t.Id) && t.State == TicketState.Closed).ToListAsync(ct);
        if (tickets.Count == 0)
        {
            return;
        }
        var categories = await db.Categories.AsNoTracking().ToListAsync(ct);
        await index.IndexAsync(tickets.Select(t => Document(t, categories)), ct);
    }

    /// <summary>Re-indexes every closed ticket, in batches, when the index holds a different number of cases (a lost or new index).</summary>
    public static async Task ReconcileAsync(RoutingDbContext db, ISearchIndex index, CancellationToken ct)
    {
        var closed = await db.Tickets.CountAsync(t => t.State == TicketState.Closed, ct);
        if (await index.CountAsync(Filter, ct) == closed)
        {
            return;
        }
        var ids = await db.Tickets.AsNoTracking().Where(t => t.State == TicketState.Closed).Select(t => t.Id).ToListAsync(ct);
        foreach (var batch in ids.Chunk(ReconcileBatch))
        {
            await IndexAsync(index, db, batch, ct);
        }
    }

    internal static SearchDocument Document(Ticket t, IReadOnlyList<Category> categories)
    {
        var categoryId = Corrections.CategoryMeant(t.CategoryId, t.LeadDepartmentId, categories)?.Id ?? t.CategoryId;
        var metadata = new Dictionary<string, string>
        {
            ["kind"] = Kind,
            ["ticketId"] = t.Id.Value.ToString(),
            ["closure"] = t.Closure?.ToString() ?? "",
        };
        if (categoryId is not null)
        {
            metadata["categoryId"] = categoryId;
        }
        if (t.AreaId is not null)
        {
            metadata["areaId"] = t.AreaId;
        }
        if (t.ClosedAt is { } closed)
        {
            metadata["closedAt"] = closed.ToDateTimeOffset().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        if (t.PublicReply is { Length: > 0 } reply)
        {
            var scrubbed = PersonalDataScrubber.Scrub(reply, t.CitizenName);
            metadata["reply"] = scrubbed.Length > MaxReplyCharacters ? scrubbed[..MaxReplyCharacters] + "…" : scrubbed;
        }
        return new SearchDocument(DocumentId(t.Id), PersonalDataScrubber.Scrub(t.Title, t.CitizenName),
            PersonalDataScrubber.Scrub(t.Content, t.CitizenName))
        {
            Category = categories.FirstOrDefault(c => c.Id == categoryId)?.Name,
            Department = t.LeadDepartmentId?.Value,
            Metadata = metadata,
        };
    }
}
