using NodaTime;

namespace Hotline.Routing.Tickets;

/// <summary>An append-only record that a staff member saw a citizen's unmasked personal data, and why.</summary>
public sealed class PersonalDataAccess
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Instant At { get; init; }
    public string StaffId { get; init; } = "";
    public string StaffName { get; init; } = "";
    public string StaffRole { get; init; } = "";
    public TicketId TicketId { get; init; }
    public string Purpose { get; init; } = "";
}
