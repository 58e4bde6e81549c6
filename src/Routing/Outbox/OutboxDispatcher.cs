using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Routing.Outbox;

/// <summary>
/// Delivers committed outbox messages to their handlers, at least once. Messages are claimed with a conditional update (safe when
/// several hosts share the database), each handler's success is recorded so a retry only re-runs the handlers that failed, and
/// failures back off exponentially. Anything committed before a crash is still pending after restart and is delivered then.
/// </summary>
public sealed partial class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IEnumerable<IOutboxHandler> handlers,
    OutboxSignal signal,
    IClock clock,
    IOptions<OutboxOptions> options,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    // With the batch token after it, this must fit ClaimedBy (100 characters).
    private readonly string _hostId = $"{Environment.MachineName[..Math.Min(40, Environment.MachineName.Length)]}:{Environment.ProcessId}";
    private readonly IReadOnlyList<IOutboxHandler> _handlers = [.. handlers];
    private readonly OutboxOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }
        BackgroundWork.MarkCurrentFlow();
        var poll = TimeSpan.FromMilliseconds(_options.PollIntervalMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            int delivered;
            try
            {
                delivered = await DeliverPendingAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogBatchFailed(logger, ex);
                delivered = 0;
            }
            if (delivered == 0)
            {
                try
                {
                    await signal.WaitAsync(poll, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Delivers one batch of due messages; returns how many were processed. Public for tests and the CLI.</summary>
    public async Task<int> DeliverPendingAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var now = clock.GetCurrentInstant();
        var due = await db.Outbox.AsNoTracking()
            .Where(m => m.DeliveredAt == null && m.NextAttemptAt <= now && (m.ClaimedUntil == null || m.ClaimedUntil < now))
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id)
            .Select(m => m.Id)
            .Take(_options.BatchSize)
            .ToListAsync(ct);
        if (due.Count == 0)
        {
            return 0;
        }
        var claim = await ClaimAsync(db, due, now, ct);
        var processed = 0;
        foreach (var id in due.Where(claim.Ids.Contains))
        {
            if (await DeliverAsync(db, id, claim.Token, ct))
            {
                processed++;
            }
        }
        return processed;
    }

    /// <summary>
    /// Claims the due messages in one conditional UPDATE (one write, however many messages; on SQLite every write is a commit
    /// that the whole process queues for), marked with a token of this batch, and reads back which ones this statement won.
    /// </summary>
    private async Task<(string Token, HashSet<Guid> Ids)> ClaimAsync(RoutingDbContext db, List<Guid> ids, Instant now, CancellationToken ct)
    {
        var until = now.Plus(Duration.FromSeconds(_options.ClaimSeconds));
        var token = $"{_hostId}#{Guid.NewGuid():N}";
        // Due again in the condition itself: another host may have tried one since our list was read, failed, and set a backoff.
        await db.Outbox
            .Where(m => ids.Contains(m.Id) && m.DeliveredAt == null && m.NextAttemptAt <= now && (m.ClaimedUntil == null || m.ClaimedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimedUntil, until).SetProperty(m => m.ClaimedBy, token), ct);
        var won = await db.Outbox.AsNoTracking().Where(m => ids.Contains(m.Id) && m.ClaimedBy == token).Select(m => m.Id).ToListAsync(ct);
        return (token, won.ToHashSet());
    }

    /// <summary>
    /// Runs the handlers that have not yet succeeded on the message, then records their successes and the message's outcome in
    /// one commit. A crash before that commit re-runs them all on redelivery, which handlers must bear anyway (at-least-once).
    /// A message whose claim has run out (this batch ran past <c>ClaimSeconds</c>) is left to whoever claims it next: another
    /// host may already be running its handlers.
    /// </summary>
    private async Task<bool> DeliverAsync(RoutingDbContext db, Guid id, string token, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var message = await db.Outbox.SingleAsync(m => m.Id == id, ct);
        if (message.ClaimedBy != token || message.DeliveredAt is not null || message.ClaimedUntil < clock.GetCurrentInstant())
        {
            return false;
        }
        var done = await db.OutboxDeliveries.Where(d => d.MessageId == id).Select(d => d.Handler).ToListAsync(ct);
        string? error = null;
        foreach (var handler in _handlers.Where(h => h.Topic == message.Topic && !done.Contains(h.Name)))
        {
            try
            {
                await handler.HandleAsync(message, ct);
                db.OutboxDeliveries.Add(new OutboxDelivery { MessageId = id, Handler = handler.Name, DeliveredAt = clock.GetCurrentInstant() });
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogHandlerFailed(logger, ex, handler.Name, message.Id, message.Attempts + 1);
                // The innermost message says what went wrong (EF wraps the database's own error in a generic one).
                error = $"{handler.Name}: {ex.GetBaseException().Message}";
            }
        }
        var now = clock.GetCurrentInstant();
        message.ClaimedUntil = null;
        message.ClaimedBy = null;
        if (error is null)
        {
            message.DeliveredAt = now;
        }
        else
        {
            message.Attempts++;
            message.LastError = error.Length > 2_000 ? error[..2_000] : error;
            var backoff = Math.Min(_options.MaxBackoffSeconds, Math.Pow(2, Math.Min(message.Attempts, 20)));
            message.NextAttemptAt = now.Plus(Duration.FromSeconds(backoff));
        }
        await db.SaveChangesAsync(ct);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox handler {Handler} failed on message {MessageId} (attempt {Attempt})")]
    private static partial void LogHandlerFailed(ILogger logger, Exception ex, string handler, Guid messageId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox delivery batch failed; retrying on the next poll")]
    private static partial void LogBatchFailed(ILogger logger, Exception ex);
}
