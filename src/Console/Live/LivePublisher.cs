using System.Text.Json;
using Hotline.Host.Storage;
using Hotline.Routing.Supervision;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Host.Live;

/// <summary>
/// Stores an event for catch-up, then pushes it to its audience's groups. Called from outbox handlers, so every event is
/// published at least once and in commit order; the outbox message's id is the event's unique source, so a redelivered message
/// keeps the sequence it already has, and is pushed again only if this host has not pushed it (it failed before the push, or
/// the host restarted). On PostgreSQL the row is inserted under a transaction-scoped advisory lock, so sequences commit in
/// order even with several hosts delivering (catch-up's "latest" never passes an event still to commit), and other hosts are
/// notified in the same transaction (<see cref="ClusterFanOut"/>).
/// </summary>
public sealed class LivePublisher(IServiceScopeFactory scopes, IHubContext<ConsoleHub, IConsoleClient> hub, IClock clock,
    IOptions<LiveConsoleOptions> options, PushedEvents pushed, BackgroundClaims host)
{
    /// <summary>The advisory lock key that orders console-event inserts across hosts (any constant unique to this use).</summary>
    private const long SequenceLock = 0x486f746c696e65; // "Hotline"

    /// <summary>The JSON the hub protocol writes (camelCase), so a caught-up event reads exactly like a pushed one.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Prune expired events once every this many events (a cheap indexed delete, not worth a timer).</summary>
    private const int PruneEvery = 100;

    public async Task PublishAsync<T>(Guid sourceId, string method, DateTimeOffset at, T data, Audience audience,
        Func<IConsoleClient, LiveEvent<T>, Task> send, CancellationToken ct)
    {
        var groups = audience.Groups().ToList();
        if (groups.Count == 0)
        {
            return;
        }
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HostDbContext>();
        var sequence = await db.ConsoleEvents.Where(e => e.SourceId == sourceId).Select(e => (long?)e.Sequence).SingleOrDefaultAsync(ct);
        if (sequence is null)
        {
            var now = clock.GetCurrentInstant();
            var row = new ConsoleEvent
            {
                SourceId = sourceId,
                Method = method,
                Payload = JsonSerializer.Serialize(data, Json),
                At = Instant.FromDateTimeOffset(at),
                CreatedAt = now,
                Roles = Audience.Delimit(audience.Roles),
                Departments = Audience.Delimit(audience.Departments),
                TicketId = audience.TicketId,
            };
            if (db.Database.IsNpgsql())
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({SequenceLock})", ct);
                db.ConsoleEvents.Add(row);
                await db.SaveChangesAsync(ct);
                var notice = ClusterFanOut.Notice(row.Sequence, host.HostId);
                await db.Database.ExecuteSqlAsync($"SELECT pg_notify({ClusterFanOut.Channel}, {notice})", ct);
                await transaction.CommitAsync(ct);
            }
            else
            {
                db.ConsoleEvents.Add(row);
                await db.SaveChangesAsync(ct);
            }
            sequence = row.Sequence;
            if (row.Sequence % PruneEvery == 0)
            {
                // The newest event is always kept, so catch-up can tell "nothing new" from "pruned" (see CatchUp).
                var cutoff = now - Duration.FromHours(options.Value.RetentionHours);
                await db.ConsoleEvents.Where(e => e.CreatedAt < cutoff && e.Sequence < row.Sequence).ExecuteDeleteAsync(ct);
            }
        }
        if (pushed.TryMark(sequence.Value))
        {
            await send(hub.Clients.Groups(groups), new LiveEvent<T>(sequence.Value, at, data));
        }
    }
}
