using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Routing.Engine;

/// <summary>A model version was put in use (a training or a rollback); written in the same transaction as the switch.</summary>
public sealed record ModelActivated(string Version)
{
    public const string Topic = "routing.model-activated";
}

/// <summary>
/// When a model is put in use, gives the tickets waiting in the dispatcher's queue without a model's decision (registered
/// before the installation's first training, or while its model could not be read) the model's decision, oldest first, and
/// dispatches those it is sure of, as it would a new ticket (<see cref="RoutingEngine.ReclassifyWithModelAsync"/>). Each
/// ticket is a change of its own, so a repeated delivery, or another host working through the same list, records nothing
/// twice.
/// </summary>
public sealed class WaitingTicketsReclassifier(IServiceScopeFactory scopes) : IOutboxHandler
{
    public string Name => "waiting-tickets-reclassifier";
    public string Topic => ModelActivated.Topic;

    public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        List<TicketId> waiting;
        using (var scope = scopes.CreateScope())
        {
            waiting = await scope.ServiceProvider.GetRequiredService<RoutingDbContext>().Tickets.AsNoTracking()
                .Where(t => t.State == TicketState.PendingDispatch).OrderBy(t => t.ReceivedAt).Select(t => t.Id).ToListAsync(ct);
        }
        foreach (var id in waiting)
        {
            // A scope per ticket: one context tracking thousands of tickets would slow every later save.
            using var scope = scopes.CreateScope();
            await scope.ServiceProvider.GetRequiredService<RoutingEngine>().ReclassifyWithModelAsync(id, ct);
        }
    }
}
