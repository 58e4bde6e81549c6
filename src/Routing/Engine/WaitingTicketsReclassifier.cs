using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Hotline.Routing.Engine;

/// <summary>A model version was put in use (a training or a rollback); written in the same transaction as the switch.</summary>
public sealed record ModelActivated(string Version)
{
    public const string Topic = "routing.model-activated";
}

/// <summary>One waiting ticket to be decided by the model version just put in use.</summary>
public sealed record WaitingTicketToReclassify(Guid TicketId, string Version)
{
    public const string Topic = "routing.reclassify-waiting";
}

/// <summary>
/// When a model is put in use, gives the tickets waiting in the dispatcher's queue, never dispatched and without a model's
/// decision (registered before the installation's first training, or while its model could not be read), the model's
/// decision, and dispatches those it is sure of, as it would a new ticket (<see cref="RoutingEngine.ReclassifyWithModelAsync"/>).
/// The switch's message only lists the tickets, one message each: deciding hundreds of tickets (an LLM asked for each) in one
/// delivery would hold the outbox up for everything else and outlast its claim, so that another host would start the same list.
/// Each ticket's decision is checked again at its save, so a repeated delivery records nothing twice.
/// </summary>
public sealed class WaitingTicketsReclassifier(IServiceScopeFactory scopes, IClock clock) : IOutboxHandler
{
    public string Name => "waiting-tickets-reclassifier";
    public string Topic => ModelActivated.Topic;

    public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var activated = OutboxWriter.Read<ModelActivated>(message);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var waiting = await db.Tickets.AsNoTracking().Where(t => t.State == TicketState.PendingDispatch && t.DispatchCount == 0)
            .OrderBy(t => t.ReceivedAt).Select(t => t.Id).ToListAsync(ct);
        var now = clock.GetCurrentInstant();
        foreach (var id in waiting)
        {
            OutboxWriter.Enqueue(db, WaitingTicketToReclassify.Topic, new WaitingTicketToReclassify(id.Value, activated.Version), now);
        }
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>Decides one waiting ticket with the version named (<see cref="WaitingTicketsReclassifier"/>).</summary>
public sealed class WaitingTicketReclassifier(IServiceScopeFactory scopes) : IOutboxHandler
{
    public string Name => "waiting-ticket-reclassifier";
    public string Topic => WaitingTicketToReclassify.Topic;

    public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var ticket = OutboxWriter.Read<WaitingTicketToReclassify>(message);
        using var scope = scopes.CreateScope();
        await scope.ServiceProvider.GetRequiredService<RoutingEngine>().ReclassifyWithModelAsync(new TicketId(ticket.TicketId), ticket.Version, ct);
    }
}
