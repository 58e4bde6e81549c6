using NodaTime;

namespace Hotline.Routing.Tickets;

/// <summary>
/// One line of a ticket's history: who did what, when, and how the state moved. Append-only: the database refuses updates and
/// deletes (triggers created by the initial migration), and each entry is written in the same transaction as the change it records.
/// </summary>
public sealed class TimelineEntry
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public TicketId TicketId { get; init; }

    /// <summary>1, 2, 3… within the ticket; unique together with the ticket id, so two writers cannot both append entry N.</summary>
    public int Sequence { get; init; }

    public Instant At { get; init; }
    public TimelineEventKind Kind { get; init; }
    public string ActorId { get; init; } = "";
    public string ActorName { get; init; } = "";
    public ActorKind ActorKind { get; init; }
    public string? ActorRole { get; init; }
    public string? ActorDepartmentId { get; init; }
    public TicketState? FromState { get; init; }
    public TicketState? ToState { get; init; }

    /// <summary>Staff-facing note (a return reason, an urge message). Never shown to citizens.</summary>
    public string? Note { get; init; }

    /// <summary>Text the citizen may read (a reply, a direct answer, the route for a not-accepted request).</summary>
    public string? PublicText { get; init; }

    /// <summary>Structured detail as JSON (departments dispatched to, deadlines moved, extension days…).</summary>
    public string? Data { get; init; }
}
