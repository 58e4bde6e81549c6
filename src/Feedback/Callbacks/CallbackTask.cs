using Hotline.Routing.Tickets;
using NodaTime;

namespace Hotline.Feedback.Callbacks;

/// <summary>Why a ticket is on the callback list.</summary>
public enum CallbackReason
{
    Complaint,         // every complaint is called back
    RealNameBadReview, // 实名差评回访率 100%
    Sample,            // a deterministic share of the rest
}

public enum CallbackStatus
{
    Pending,
    Completed,   // the citizen was reached and the outcome recorded
    Unreachable, // not reached after the allowed number of tries
}

/// <summary>
/// One call an agent owes a citizen after a reply (回访). The outcome (reached, solved, satisfaction) feeds assessment; the
/// ticket's own callback transition (Replied → CalledBack) is made in the same transaction when the ticket is still waiting for it.
/// </summary>
public sealed class CallbackTask
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public TicketId TicketId { get; init; }
    public string TrackingCode { get; init; } = "";
    public DepartmentId? DepartmentId { get; init; }
    public TicketType TicketType { get; init; }
    public CallbackReason Reason { get; init; }

    /// <summary>What put it on the list (the reply's timeline entry, or the rating); unique, so a redelivered event adds nothing.</summary>
    public Guid CauseId { get; init; }

    public Instant QueuedAt { get; init; }
    public CallbackStatus Status { get; set; }
    public int Attempts { get; set; }
    public Instant? LastAttemptAt { get; set; }
    public bool? Reached { get; set; }
    public bool? Solved { get; set; }
    public int? Satisfaction { get; set; }
    public string? Notes { get; set; }
    public Instant? CompletedAt { get; set; }
    public string? CompletedBy { get; set; }

    /// <summary>The ticket was sent back for re-handling (重办) because of this callback.</summary>
    public bool Rehandled { get; set; }

    public int Version { get; set; }
}

public static class CallbackLabels
{
    public static string Of(CallbackReason reason) => reason switch
    {
        CallbackReason.Complaint => "投诉件回访",
        CallbackReason.RealNameBadReview => "实名差评回访",
        CallbackReason.Sample => "抽样回访",
    };

    public static string Of(CallbackStatus status) => status switch
    {
        CallbackStatus.Pending => "待回访",
        CallbackStatus.Completed => "已回访",
        CallbackStatus.Unreachable => "多次未联系上",
    };
}
