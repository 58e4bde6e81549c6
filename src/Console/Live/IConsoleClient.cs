namespace Hotline.Host.Live;

/// <summary>
/// What the live console receives (the SignalR client methods of <see cref="ConsoleHub"/>). Every event comes wrapped in a
/// <see cref="LiveEvent{T}"/> whose <c>Sequence</c> grows with every event Hotline publishes: a client applies events in sequence
/// order, ignores one it has already seen (an event may arrive twice: redelivery, or a push that overlaps a catch-up), and after a
/// reconnect asks <c>GET /api/console/events?after={last sequence}</c> for what it missed.
/// </summary>
public interface IConsoleClient
{
    /// <summary>A ticket's timeline grew (registered, dispatched, signed, replied, returned, urged, overdue, closed…).</summary>
    Task TicketChanged(LiveEvent<TicketChange> change);

    /// <summary>A call is ringing: the screen pop with the caller's earlier tickets (agents only).</summary>
    Task CallRinging(LiveEvent<RingingCall> call);

    /// <summary>The missed-call list changed: a call ended without a ticket, or an agent called one back (agents, supervisors).</summary>
    Task MissedCallChanged(LiveEvent<MissedCallChange> call);

    /// <summary>A 好差评 change: a rating, a bad review, a rectification step, an overdue step, an appeal, a callback.</summary>
    Task FeedbackChanged(LiveEvent<FeedbackChange> change);
}

/// <summary>One pushed event: its place in the global order, when it happened, and what happened.</summary>
public sealed record LiveEvent<T>(long Sequence, DateTimeOffset At, T Data);

/// <summary>A timeline entry as the console shows it; no personal data (fetch the ticket for more).</summary>
public sealed record TicketChange(
    Guid TicketId,
    string TrackingCode,
    int TimelineSequence,
    string Kind,
    string? FromState,
    string? ToState,
    string ActorName,
    string? LeadDepartmentId,
    string[] CoHandlerDepartmentIds,
    string Type,
    string Channel);

/// <summary>The screen pop: the caller's number masked (the full number is revealed, and logged, through the ticket API).</summary>
public sealed record RingingCall(string CallSid, string MaskedPhone, IReadOnlyList<RingingCallHistoryItem> History);

/// <summary>A call joined (<c>Missed</c>) or left (<c>CalledBack</c>, with who did) the callback list; the number masked.</summary>
public sealed record MissedCallChange(string CallSid, string MaskedPhone, string Change, string? ActorName);

public sealed record RingingCallHistoryItem(Guid TicketId, string TrackingCode, string Title, string State, string StateLabel, DateTimeOffset ReceivedAt);

/// <summary>
/// A Feedback change. Never the rater's identity; for ratings not even who recorded it (<c>ActorName</c> is null), so a
/// department cannot tell a callback agent's rating from a citizen's link.
/// </summary>
public sealed record FeedbackChange(
    string Kind,
    string Subject,
    Guid SubjectId,
    Guid TicketId,
    string TrackingCode,
    string? DepartmentId,
    int? Level,
    string? Step,
    string? ActorName);
