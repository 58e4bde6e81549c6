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
        knowledge.ArticleCitations.Add(Citation(change.EntryId, change.TicketId, cited, Instant.FromDateTimeOffset(change.At)));
        // A concurrent delivery of the same event (another host) fails here on the key and is retried by the outbox, which then
        // finds the citation recorded, as CitizenTexts.QueueOnceAsync does for texts.
        await knowledge.SaveChangesAsync(ct);
    }

    /// <summary>The one-off job (see <see cref="Supervision.BackgroundClaims.RunOnceAsync"/>) that runs <see cref="BackfillAsync"/>.</summary>
    public const string BackfillJob = "knowledge-citations-backfill";

    /// <summary>
    /// Records the citations of direct answers given before this recorder existed: their events were delivered without it, so
    /// the outbox will not bring them again. Run once, at the first start of a release that has it (<see cref="BackfillJob"/>),
    /// before the outbox: from then on the outbox records every one. Reads the timeline a page at a time in order of time and
    /// saves each page on its own, so an installation with years of answers neither holds them all in memory nor the database's
    /// write lock for long. Keyed by the timeline entry like the handler: what is recorded already is skipped, never counted
    /// twice. Returns how many it recorded.
    /// </summary>
    public static async Task<int> BackfillAsync(RoutingDbContext routing, KnowledgeDbContext knowledge, CancellationToken ct,
        int pageSize = 1_000)
    {
        // The entry's data names the article (see KnowledgeSource.EntryData); answers citing none have no data or another shape.
        var answers = routing.Timeline.AsNoTracking()
            .Where(e => e.Kind == TimelineEventKind.DirectlyAnswered && e.Data != null && e.Data.Contains("\"article\""));
        Task<List<CitedAnswer>> ReadAsync(IQueryable<TimelineEntry> entries) =>
            entries.Select(e => new CitedAnswer(e.Id, e.TicketId, e.At, e.Data)).ToListAsync(ct);
        var added = 0;
        Instant? after = null;
        while (true)
        {
            var page = await ReadAsync(answers.Where(e => after == null || e.At > after).OrderBy(e => e.At).Take(pageSize));
            if (page.Count == 0)
            {
                return added;
            }
            var last = page[^1].At;
            if (page.Count == pageSize)
            {
                // Answers at the page's last instant may run past it: take all of them now, since the next page starts after it.
                page = [.. page.Where(a => a.At != last), .. await ReadAsync(answers.Where(e => e.At == last))];
            }
            var ids = page.Select(a => a.Id).ToList();
            var recorded = (await knowledge.ArticleCitations.AsNoTracking().Where(c => ids.Contains(c.EntryId)).Select(c => c.EntryId)
                .ToListAsync(ct)).ToHashSet();
            foreach (var answer in page.Where(a => !recorded.Contains(a.Id)))
            {
                if (KnowledgeSource.FromEntryData(answer.Data) is { } cited)
                {
                    knowledge.ArticleCitations.Add(Citation(answer.Id, answer.TicketId.Value, cited, answer.At));
                    added++;
                }
            }
            await knowledge.SaveChangesAsync(ct);
            knowledge.ChangeTracker.Clear();
            after = last;
        }
    }

    /// <summary>The citation of one answer, at the answer's own time (the handler's and the backfill's alike).</summary>
    private static ArticleCitation Citation(Guid entryId, Guid ticketId, KnowledgeSource cited, Instant answeredAt) => new()
    {
        EntryId = entryId,
        TicketId = ticketId,
        ArticleId = cited.ArticleId,
        ArticleVersion = cited.Version,
        CitedAt = answeredAt,
    };

    private sealed record CitedAnswer(Guid Id, TicketId TicketId, Instant At, string? Data);
}
