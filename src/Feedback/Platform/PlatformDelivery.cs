using Hotline.Routing.Tickets;
using NodaTime;

namespace Hotline.Feedback.Platform;

/// <summary>What one attempt to push a record came to.</summary>
public enum PlatformOutcome
{
    Delivered, // the platform answered 2xx
    Retrying,  // 408, 429, 5xx, a timeout or no connection: the outbox tries again later
    Failed,    // any other answer (400, 401, 403, 404, 422…): recorded and not retried, since sending it again cannot help
}

/// <summary>
/// The audit of the push: one row per attempt, with the exact body sent (already stripped of personal data) and its SHA-256, so
/// what the platform was told can be shown and proved later.
/// </summary>
public sealed class PlatformDelivery
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>The record's id, also its <c>Idempotency-Key</c>; every attempt of one record carries the same one.</summary>
    public Guid RecordId { get; init; }

    public string RecordType { get; init; } = "";
    public Guid RatingId { get; init; }
    public TicketId TicketId { get; init; }
    public string TrackingCode { get; init; } = "";

    /// <summary>1 for the first attempt of the record, then 2, 3…</summary>
    public int Attempt { get; init; }

    public Instant AttemptedAt { get; init; }
    public string Endpoint { get; init; } = "";

    /// <summary>The HTTP status the platform answered; null when no answer came (timeout, refused connection).</summary>
    public int? HttpStatus { get; init; }

    public PlatformOutcome Outcome { get; init; }

    /// <summary>Why it failed: the start of the platform's answer, or the connection error.</summary>
    public string? Detail { get; init; }

    public string PayloadSha256 { get; init; } = "";
    public string Payload { get; init; } = "";
}
