using Hotline.Knowledge.Articles;
using Hotline.Knowledge.Storage;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Hotline.Routing.Dispatch;

/// <summary>
/// Records, for the knowledge base, each direct answer given on the basis of an article (the article named in the timeline
/// entry's data, see <see cref="Ticket.DirectAnswer"/>). From the outbox rather than in the answer's own transaction: the
/// knowledge tables are another module's, and a count that arrives a moment later costs nobody anything. Keyed by the
/// timeline entry, so a repeated delivery records nothing new.
/// </summary>
public sealed class KnowledgeCitationRecorder(IServiceScopeFactory scopes) : IOutboxHandler
{
    public string Name => "knowledge-citations";
    public string Topic => TicketEvent.Topic;

    public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var change = OutboxWriter.Read<TicketEvent>(message);
        if (change.Kind != nameof(TimelineEventKind.DirectlyAnswered))
        {
            return;
        }
        using var scope = scopes.CreateScope();
        var data = await scope.ServiceProvider.GetRequiredService<RoutingDbContext>().Timeline.AsNoTracking()
            .Where(e => e.Id == change.EntryId).Select(e => e.Data).SingleOrDefaultAsync(ct);
        if (KnowledgeSource.FromEntryData(data) is not { } cited)
        {
            return; // answered without citing an article
        }
        var knowledge = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        if (await knowledge.ArticleCitations.AnyAsync(c => c.EntryId == change.EntryId, ct))
        {
            return;
        }
        knowledge.ArticleCitations.Add(new ArticleCitation
        {
            EntryId = change.EntryId,
            TicketId = change.TicketId,
            ArticleId = cited.ArticleId,
            ArticleVersion = cited.Version,
            CitedAt = Instant.FromDateTimeOffset(change.At),
        });
        // A concurrent delivery of the same event (another host) fails here on the key and is retried by the outbox, which then
        // finds the citation recorded, as CitizenTexts.QueueOnceAsync does for texts.
        await knowledge.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Records the citations of direct answers given before this recorder existed: their events were delivered without it, so
    /// the outbox will not bring them again. Run at start-up, before the outbox. Only answers up to the first citation recorded
    /// can be missing (from then on the outbox records every one), so once caught up a start reads a handful of entries.
    /// Returns how many were recorded; keyed by the timeline entry like the handler, so running it twice records nothing twice.
    /// </summary>
    public static async Task<int> BackfillAsync(RoutingDbContext routing, KnowledgeDbContext knowledge, CancellationToken ct)
    {
        var first = await knowledge.ArticleCitations.MinAsync(c => (Instant?)c.CitedAt, ct);
        // The entry's data names the article (see KnowledgeSource.EntryData); answers citing none have no data or another shape.
        var answers = await routing.Timeline.AsNoTracking()
            .Where(e => e.Kind == TimelineEventKind.DirectlyAnswered && e.Data != null && e.Data.Contains("\"article\"")
                && (first == null || e.At <= first))
            .Select(e => new { e.Id, e.TicketId, e.At, e.Data }).ToListAsync(ct);
        var ids = answers.Select(a => a.Id).ToList();
        var recorded = new HashSet<Guid>();
        foreach (var chunk in ids.Chunk(500))
        {
            recorded.UnionWith(await knowledge.ArticleCitations.AsNoTracking().Where(c => chunk.Contains(c.EntryId)).Select(c => c.EntryId)
                .ToListAsync(ct));
        }
        var added = 0;
        foreach (var answer in answers.Where(a => !recorded.Contains(a.Id)))
        {
            if (KnowledgeSource.FromEntryData(answer.Data) is { } cited)
            {
                knowledge.ArticleCitations.Add(new ArticleCitation
                {
                    EntryId = answer.Id,
                    TicketId = answer.TicketId.Value,
                    ArticleId = cited.ArticleId,
                    ArticleVersion = cited.Version,
                    CitedAt = answer.At,
                });
                added++;
            }
        }
        await knowledge.SaveChangesAsync(ct);
        return added;
    }
}
