using NodaTime;

namespace Hotline.Routing.Outbox;

/// <summary>
/// A message committed in the same transaction as the change that caused it, delivered afterwards to every handler of its
/// topic (at least once). Handlers must be idempotent: after a crash between a handler's effect and the delivery record, the
/// handler sees the message again.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public string Topic { get; init; } = "";
    public string Payload { get; init; } = "";
    public Instant CreatedAt { get; init; }
    public Instant NextAttemptAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public Instant? DeliveredAt { get; set; }

    /// <summary>A host that claimed the message for delivery until this time; another host may take it over afterwards.</summary>
    public Instant? ClaimedUntil { get; set; }
    public string? ClaimedBy { get; set; }
}

/// <summary>That one handler has processed one message, so a retry of the message skips it.</summary>
public sealed class OutboxDelivery
{
    public Guid MessageId { get; init; }
    public string Handler { get; init; } = "";
    public Instant DeliveredAt { get; init; }
}
