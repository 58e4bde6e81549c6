using NodaTime;

namespace Hotline.Intake.Sms;

/// <summary>What an inbound text turned out to be.</summary>
public enum InboundKind
{
    NewTicket,
    FollowUp,
    Rating,
    OptOut,
    OptIn,
    Empty,
}

/// <summary>
/// An inbound text, keyed by Twilio's MessageSid: Twilio retries a webhook it did not get a 2xx for, and the key makes the retry
/// find the first outcome instead of creating a second ticket.
/// </summary>
public sealed class InboundSms
{
    public string MessageSid { get; set; } = "";
    public string From { get; set; } = "";
    public string To { get; set; } = "";
    public string Body { get; set; } = "";
    public int MediaCount { get; set; }
    public Instant ReceivedAt { get; set; }
    public InboundKind Kind { get; set; }
    public Guid? TicketId { get; set; }

    /// <summary>The TwiML reply sent the first time, replayed verbatim on a retry.</summary>
    public string Reply { get; set; } = "";
}

public enum OutboundStatus
{
    Queued,     // committed, not yet handed to Twilio
    Sending,    // handed to Twilio; no answer recorded yet
    Accepted,   // Twilio accepted it (queued/sent on their side)
    Delivered,
    Undelivered,
    Failed,
    Skipped,    // not sent: opted out, or a number that cannot receive SMS
}

public enum OutboundPurpose
{
    Receipt,           // 受理回执
    Replied,           // 已答复通知
    RatingInvitation,  // 评价邀请
    RectificationReport,      // 差评整改反馈
    FollowUpRatingInvitation, // 整改后再评价邀请
}

/// <summary>An outbound text: written in the transaction that decided to send it, sent from the outbox, updated by status callbacks.</summary>
public sealed class OutboundSms
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public OutboundPurpose Purpose { get; init; }

    /// <summary>The timeline entry that caused it; unique with the purpose, so a redelivered event does not text twice.</summary>
    public Guid? CauseId { get; init; }

    public Guid? TicketId { get; init; }
    public string To { get; init; } = "";
    public string Body { get; init; } = "";
    public Instant CreatedAt { get; init; }
    public OutboundStatus Status { get; set; }
    public string? ProviderSid { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public Instant UpdatedAt { get; set; }
}

/// <summary>An admin-editable Chinese text with {placeholders}.</summary>
public sealed class MessageTemplate
{
    public string Key { get; set; } = "";
    public string Text { get; set; } = "";
    public Instant UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
}
