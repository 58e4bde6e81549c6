using System.Text.Json;
using Hotline.Routing.Audit;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using NodaTime;

namespace Hotline.Feedback.History;

/// <summary>What a history entry is about.</summary>
public enum FeedbackSubject
{
    Rating,
    Rectification,
    Appeal,
    Callback,
}

/// <summary>Every change Feedback records. Names are stored; never rename one.</summary>
public enum FeedbackEventKind
{
    RatingReceived,
    BadReviewReceived,
    FollowUpRatingReceived,
    RaterIdentityOpened,
    RectificationOpened,
    RectificationVerified,
    RectificationClassified,
    RectificationRecorded,
    RectificationReportedBack,
    RectificationAccepted,
    RectificationSentBack,
    RectificationClosed,
    RectificationOverdue,
    AppealFiled,
    AppealUpheld,
    AppealRejected,
    CallbackQueued,
    CallbackAttempted,
    CallbackUnreachable,
    CallbackCompleted,
}

/// <summary>
/// One line of Feedback's history: who did what to which rating, rectification, appeal or callback, when. Append-only in the
/// database (triggers refuse UPDATE and DELETE), written in the transaction of the change it records, and published through the
/// outbox as a <see cref="FeedbackEvent"/>. Hash-chained per ticket (<see cref="HashChain"/>): Feedback's writers for one ticket
/// (a rating, its callback, the rectification steps) serialise on that ticket's chain head, writers for other tickets never wait.
/// </summary>
public sealed class FeedbackHistoryEntry : IChainedEntry
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Instant At { get; init; }
    public FeedbackSubject Subject { get; init; }
    public Guid SubjectId { get; init; }
    public TicketId TicketId { get; init; }
    public FeedbackEventKind Kind { get; init; }
    public string ActorId { get; init; } = "";
    public string ActorName { get; init; } = "";
    public ActorKind ActorKind { get; init; }
    public string? ActorRole { get; init; }
    public string? ActorDepartmentId { get; init; }

    /// <summary>The department the subject belongs to (the rated department); the live console routes events by it.</summary>
    public string? DepartmentId { get; init; }

    public string? Note { get; init; }
    public string? Data { get; init; }

    /// <summary>1, 2, 3… within the ticket; assigned when the entry is saved (unique with the ticket in the database).</summary>
    public long Sequence { get; private set; }

    /// <summary><see cref="HashChain.Link"/> over <see cref="ChainFields"/> and the previous entry of the same ticket.</summary>
    public string? Hash { get; private set; }

    public string ChainKey => HashChain.Text(TicketId.Value);

    /// <summary>Every column except <see cref="Hash"/>, in the order they are hashed. A new column must be added here.</summary>
    public IReadOnlyList<ChainField> ChainFields() =>
    [
        new("Id", HashChain.Text(Id)),
        new("TicketId", HashChain.Text(TicketId.Value)),
        new("Sequence", HashChain.Text(Sequence)),
        new("At", HashChain.Text(At)),
        new("Subject", HashChain.Text(Subject)),
        new("SubjectId", HashChain.Text(SubjectId)),
        new("Kind", HashChain.Text(Kind)),
        new("ActorId", ActorId),
        new("ActorName", ActorName),
        new("ActorKind", HashChain.Text(ActorKind)),
        new("ActorRole", ActorRole),
        new("ActorDepartmentId", ActorDepartmentId),
        new("DepartmentId", DepartmentId),
        new("Note", Note),
        new("Data", Data),
    ];

    public string Seal(long sequence, string? previous)
    {
        Sequence = sequence;
        return Hash = HashChain.Link(previous, ChainFields());
    }
}

/// <summary>
/// What other modules and the live console learn about each Feedback change after it commits (outbox topic <see cref="Topic"/>).
/// Carries no personal data: a rater's identity never leaves Feedback this way.
/// </summary>
public sealed record FeedbackEvent(
    Guid EntryId,
    string Kind,
    string Subject,
    Guid SubjectId,
    Guid TicketId,
    string TrackingCode,
    string? DepartmentId,
    DateTimeOffset At,
    int? Level,
    string? Step,
    string ActorName)
{
    public const string Topic = "feedback.events";
}

/// <summary>Stages a history entry and its outbox message in the caller's unit of work.</summary>
public sealed class FeedbackJournal(Storage.FeedbackDbContext feedback, RoutingDbContext routing)
{
    public FeedbackHistoryEntry Write(Actor actor, Instant at, FeedbackSubject subject, Guid subjectId, TicketId ticketId,
        string trackingCode, DepartmentId? department, FeedbackEventKind kind, string? note = null, object? data = null,
        int? level = null, string? step = null)
    {
        var entry = new FeedbackHistoryEntry
        {
            At = at,
            Subject = subject,
            SubjectId = subjectId,
            TicketId = ticketId,
            Kind = kind,
            ActorId = actor.Id,
            ActorName = actor.Name,
            ActorKind = actor.Kind,
            ActorRole = actor.Role is { } role ? StaffRoles.NameOf(role) : null,
            ActorDepartmentId = actor.Department?.Value,
            DepartmentId = department?.Value,
            Note = note,
            Data = data is null ? null : JsonSerializer.Serialize(data),
        };
        feedback.History.Add(entry);
        OutboxWriter.Enqueue(routing, FeedbackEvent.Topic, new FeedbackEvent(entry.Id, kind.ToString(), subject.ToString(), subjectId,
            ticketId.Value, trackingCode, department?.Value, at.ToDateTimeOffset(), level, step, actor.Name), at);
        return entry;
    }
}
