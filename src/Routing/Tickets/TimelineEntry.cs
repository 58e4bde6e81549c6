using Hotline.Routing.Audit;
using NodaTime;

namespace Hotline.Routing.Tickets;

/// <summary>
/// One line of a ticket's history: who did what, when, and how the state moved. Append-only: the database refuses updates and
/// deletes (triggers created by the initial migration), and each entry is written in the same transaction as the change it records.
/// Each entry carries a hash chained to the previous entry of the same ticket (<see cref="HashChain"/>), so an edit or a deletion
/// made behind the application's back is found by <c>hotline audit verify</c>.
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

    /// <summary>
    /// <see cref="HashChain.Link"/> over <see cref="ChainFields"/> and the previous entry's hash (the ticket's
    /// <c>TimelineHash</c> before this entry). Null only on rows written before the chain existed and not yet sealed.
    /// </summary>
    public string? Hash { get; private set; }

    /// <summary>Every column except <see cref="Hash"/>, in the order they are hashed. A new column must be added here.</summary>
    public IReadOnlyList<ChainField> ChainFields() =>
    [
        new("Id", HashChain.Text(Id)),
        new("TicketId", HashChain.Text(TicketId.Value)),
        new("Sequence", HashChain.Text(Sequence)),
        new("At", HashChain.Text(At)),
        new("Kind", HashChain.Text(Kind)),
        new("ActorId", ActorId),
        new("ActorName", ActorName),
        new("ActorKind", HashChain.Text(ActorKind)),
        new("ActorRole", ActorRole),
        new("ActorDepartmentId", ActorDepartmentId),
        new("FromState", HashChain.Text(FromState)),
        new("ToState", HashChain.Text(ToState)),
        new("Note", Note),
        new("PublicText", PublicText),
        new("Data", Data),
    ];

    /// <summary>Links this new entry after <paramref name="previous"/> and returns its hash.</summary>
    public string Seal(string? previous) => Hash = HashChain.Link(previous, ChainFields());
}
