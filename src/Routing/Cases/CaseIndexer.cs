using Hotline.Knowledge.Search;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Routing.Cases;

/// <summary>
/// Reacts to the ticket timeline: a ticket closed after handling, or answered directly, goes into the search index as a past
/// case. Indexing is an upsert by the ticket's id, so a repeated delivery changes nothing.
/// </summary>
public sealed class CaseIndexer(IServiceScopeFactory scopes, ISearchIndex index) : IOutboxHandler
{
    public string Name => "case-indexer";
    public string Topic => TicketEvent.Topic;

    public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var change = OutboxWriter.Read<TicketEvent>(message);
        if (change.Kind is not (nameof(TimelineEventKind.Closed) or nameof(TimelineEventKind.DirectlyAnswered)))
        {
            return;
        }
        using var scope = scopes.CreateScope();
        await CaseSearch.IndexAsync(index, scope.ServiceProvider.GetRequiredService<RoutingDbContext>(), [new TicketId(change.TicketId)], ct);
    }
}
