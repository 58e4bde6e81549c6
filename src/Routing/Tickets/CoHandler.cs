namespace Hotline.Routing.Tickets;

/// <summary>A co-handling department (协办单位) of a ticket with one lead department (主办).</summary>
public sealed class CoHandler
{
    public TicketId TicketId { get; init; }
    public DepartmentId DepartmentId { get; init; }
}
