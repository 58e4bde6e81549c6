using Hotline.Routing.Tickets;
using NodaTime;

namespace Hotline.Feedback.Appeals;

/// <summary>Why a department thinks a bad review should not count.</summary>
public enum AppealGround
{
    Mistaken,  // 误评: the citizen meant another matter, pressed the wrong key…
    Malicious, // 恶意差评: abuse, extortion, a grievance unrelated to the service
}

public enum AppealStatus
{
    Pending,
    Upheld,
    Rejected,
}

/// <summary>
/// An appeal (申诉复核) against one bad review. One per rating: a rejected appeal is final, and an upheld one has already taken the
/// review out of assessment. Decided by a supervisor with a reason; every step is in Feedback's history.
/// </summary>
public sealed class Appeal
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid RatingId { get; init; }
    public TicketId TicketId { get; init; }
    public string TrackingCode { get; init; } = "";
    public DepartmentId? DepartmentId { get; init; }
    public AppealGround Ground { get; init; }
    public string Statement { get; init; } = "";

    /// <summary>References to the evidence as a JSON array of strings.</summary>
    public string Evidence { get; init; } = "[]";

    public Instant FiledAt { get; init; }
    public string FiledBy { get; init; } = "";
    public AppealStatus Status { get; set; }
    public Instant? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
    public string? DecisionReason { get; set; }
    public int Version { get; set; }
}

public static class AppealLabels
{
    public static string Of(AppealGround ground) => ground switch
    {
        AppealGround.Mistaken => "误评",
        AppealGround.Malicious => "恶意差评",
    };

    public static string Of(AppealStatus status) => status switch
    {
        AppealStatus.Pending => "待复核",
        AppealStatus.Upheld => "申诉成立",
        AppealStatus.Rejected => "申诉不成立",
    };
}
