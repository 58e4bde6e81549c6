namespace Hotline.Routing.Tickets;

/// <summary>
/// What other modules learn about each timeline entry after it commits (outbox topic <see cref="Topic"/>): enough to notify,
/// push to the console and feed statistics without reading Routing's tables.
/// </summary>
public sealed record TicketEvent(
    Guid EntryId,
    Guid TicketId,
    string TrackingCode,
    int Sequence,
    string Kind,
    string? FromState,
    string? ToState,
    DateTimeOffset At,
    string ActorId,
    string ActorName,
    string? LeadDepartmentId,
    string[] CoHandlerDepartmentIds,
    string Channel,
    string Type)
{
    public const string Topic = "ticket.timeline";

    public static TicketEvent From(Ticket ticket, TimelineEntry entry) => new(
        entry.Id,
        ticket.Id.Value,
        ticket.TrackingCode,
        entry.Sequence,
        entry.Kind.ToString(),
        entry.FromState?.ToString(),
        entry.ToState?.ToString(),
        entry.At.ToDateTimeOffset(),
        entry.ActorId,
        entry.ActorName,
        ticket.LeadDepartmentId?.Value,
        [.. ticket.CoHandlers.Select(c => c.DepartmentId.Value)],
        ticket.Channel.ToString(),
        ticket.Type.ToString());
}
