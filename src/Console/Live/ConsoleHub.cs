using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Hotline.Host.Live;

/// <summary>
/// The live console's hub (<c>/hubs/console</c>), for signed-in staff only. The server pushes; clients call only
/// <see cref="WatchTicket"/> and <see cref="UnwatchTicket"/>. Whatever a connection receives, catch-up
/// (<c>GET /api/console/events</c>) would return to the same user.
/// </summary>
[Authorize(Roles = LiveConsole.StaffRoleList)]
public sealed class ConsoleHub(TicketWorkflow tickets, LiveSessions sessions) : Hub<IConsoleClient>
{
    public override async Task OnConnectedAsync()
    {
        sessions.Opened(Context);
        var actor = StaffPrincipal.ToActor(Context.User!);
        await Groups.AddToGroupAsync(Context.ConnectionId, ConsoleGroups.Role(StaffRoles.NameOf(actor.Role!.Value)));
        if (actor.Is(StaffRole.Department) && actor.Department is { } department)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, ConsoleGroups.Department(department.Value));
        }
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        sessions.Closed(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>
    /// Receive every event of one ticket (its detail page is open). A ticket the caller may not see is refused exactly like one
    /// that does not exist, as the ticket API answers 404 for both.
    /// </summary>
    public async Task WatchTicket(Guid ticketId)
    {
        var actor = StaffPrincipal.ToActor(Context.User!);
        if (await tickets.LoadVisibleAsync(new TicketId(ticketId), actor, Context.ConnectionAborted) is null)
        {
            throw new HubException("工单不存在或无权查看。");
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupFor(actor, ticketId));
    }

    public Task UnwatchTicket(Guid ticketId) =>
        Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupFor(StaffPrincipal.ToActor(Context.User!), ticketId));

    private static string GroupFor(Actor actor, Guid ticketId) =>
        actor.Is(StaffRole.Department) ? ConsoleGroups.Ticket(ticketId, actor.Department?.Value ?? "") : ConsoleGroups.Ticket(ticketId);
}
