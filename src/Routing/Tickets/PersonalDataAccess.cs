using Hotline.Routing.Audit;
using NodaTime;

namespace Hotline.Routing.Tickets;

/// <summary>
/// An append-only record that a staff member saw a citizen's unmasked personal data, and why. One hash chain over the whole log
/// (<see cref="AuditLogs.PersonalDataAccess"/>), in the order the entries were committed.
/// </summary>
public sealed class PersonalDataAccess : IChainedEntry
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Instant At { get; init; }
    public string StaffId { get; init; } = "";
    public string StaffName { get; init; } = "";
    public string StaffRole { get; init; } = "";
    public TicketId TicketId { get; init; }
    public string Purpose { get; init; } = "";

    /// <summary>1, 2, 3… over the whole log; assigned when the entry is saved (unique in the database).</summary>
    public long Sequence { get; private set; }

    /// <summary><see cref="HashChain.Link"/> over <see cref="ChainFields"/> and the previous entry's hash.</summary>
    public string? Hash { get; private set; }

    /// <summary>The log is one chain: reveals are rare and human-paced, and one order makes a deleted entry anywhere visible.</summary>
    public string ChainKey => "";

    /// <summary>Every column except <see cref="Hash"/>, in the order they are hashed. A new column must be added here.</summary>
    public IReadOnlyList<ChainField> ChainFields() =>
    [
        new("Id", HashChain.Text(Id)),
        new("Sequence", HashChain.Text(Sequence)),
        new("At", HashChain.Text(At)),
        new("StaffId", StaffId),
        new("StaffName", StaffName),
        new("StaffRole", StaffRole),
        new("TicketId", HashChain.Text(TicketId.Value)),
        new("Purpose", Purpose),
    ];

    public string Seal(long sequence, string? previous)
    {
        Sequence = sequence;
        return Hash = HashChain.Link(previous, ChainFields());
    }
}
