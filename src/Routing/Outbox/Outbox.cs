using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Hotline.Routing.Storage;
using NodaTime;

namespace Hotline.Routing.Outbox;

/// <summary>Something that reacts to committed outbox messages of one topic. Must be idempotent (delivery is at-least-once).</summary>
public interface IOutboxHandler
{
    /// <summary>A stable name: deliveries are recorded per handler, so renaming one makes it see old messages again.</summary>
    string Name { get; }

    string Topic { get; }

    Task HandleAsync(OutboxMessage message, CancellationToken ct);
}

public sealed class OutboxOptions
{
    /// <summary>Turn delivery off on a host (e.g. a read-only replica host); another host delivers instead.</summary>
    public bool Enabled { get; set; } = true;

    [Range(10, 60_000)]
    public int PollIntervalMilliseconds { get; set; } = 500;

    [Range(1, 1_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>How long a claimed message is reserved for this host before another may take it over (a crashed host).</summary>
    [Range(1, 3_600)]
    public int ClaimSeconds { get; set; } = 60;

    [Range(1, 86_400)]
    public int MaxBackoffSeconds { get; set; } = 300;
}

/// <summary>Wakes the dispatcher right after a commit, so delivery does not wait for the next poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another thread signalled at the same moment; one wake-up is enough.
            }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}

/// <summary>Stages outbox messages in the caller's unit of work, so they commit (or not) with the change that caused them.</summary>
public static class OutboxWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Enqueue<T>(RoutingDbContext db, string topic, T payload, Instant now) => db.Outbox.Add(Create(topic, payload, now));

    /// <summary>A message not yet staged anywhere (for a caller that stages it on a context of its choosing).</summary>
    public static OutboxMessage Create<T>(string topic, T payload, Instant now) => new()
    {
        Topic = topic,
        Payload = JsonSerializer.Serialize(payload, Json),
        CreatedAt = now,
        NextAttemptAt = now,
    };

    public static T Read<T>(OutboxMessage message) =>
        JsonSerializer.Deserialize<T>(message.Payload, Json)
        ?? throw new InvalidDataException($"Outbox message {message.Id} has an empty payload.");
}

/// <summary>
/// Marks the work of background loops (outbox delivery, scheduled checks) for the current asynchronous flow, so that a storage
/// layer with one writer (SQLite) can let a citizen's request go first and the background catch up after a burst.
/// </summary>
public static class BackgroundWork
{
    private static readonly AsyncLocal<bool> Marked = new();

    /// <summary>Whether the calling flow is background work.</summary>
    public static bool InProgress => Marked.Value;

    /// <summary>Marks the rest of the calling method's flow (and what it awaits) as background work.</summary>
    public static void MarkCurrentFlow() => Marked.Value = true;
}
