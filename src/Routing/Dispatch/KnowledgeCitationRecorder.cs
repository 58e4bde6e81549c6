using System.Text.Json;
using System.Text.Json.Nodes;
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
        if (CitedArticle(data) is not { } cited)
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
            ArticleId = cited.Id,
            ArticleVersion = cited.Version,
            CitedAt = Instant.FromDateTimeOffset(change.At),
        });
        try
        {
            await knowledge.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another delivery of the same event (another host) may have recorded it first: then there is nothing to do.
            if (!await RecordedMeanwhileAsync(change.EntryId, ct))
            {
                throw;
            }
        }
    }

    private async Task<bool> RecordedMeanwhileAsync(Guid entryId, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().ArticleCitations.AnyAsync(c => c.EntryId == entryId, ct);
    }

    /// <summary>The article a direct answer's entry data names (<c>{"article":{"id","version","title"}}</c>); null if none.</summary>
    internal static (Guid Id, int Version)? CitedArticle(string? data)
    {
        if (string.IsNullOrEmpty(data))
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(data)?["article"] is JsonObject article
                && article["id"]?.GetValue<string>() is { } id && Guid.TryParse(id, out var articleId)
                && article["version"]?.GetValue<int>() is { } version
                ? (articleId, version)
                : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null; // not the shape a direct answer writes
        }
    }
}
