using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Routing.Outbox;

/// <summary>
/// Delivers committed outbox messages to their handlers, at least once. A message is claimed with a conditional update (safe when
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
    private readonly string _hostId = $"{Environment.MachineName}:{Environment.ProcessId}";
    private readonly IReadOnlyList<IOutboxHandler> _handlers = [.. handlers];
    private readonly OutboxOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }
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
        var processed = 0;
        foreach (var id in due)
        {
            if (await ClaimAsync(db, id, now, ct))
            {
                await DeliverAsync(db, id, ct);
                processed++;
            }
        }
        return processed;
    }

    private async Task<bool> ClaimAsync(RoutingDbContext db, Guid id, Instant now, CancellationToken ct)
    {
        var until = now.Plus(Duration.FromSeconds(_options.ClaimSeconds));
        var claimed = await db.Outbox
            // Due again in the condition itself: another host may have tried it since our list was read, failed, and set a backoff.
            .Where(m => m.Id == id && m.DeliveredAt == null && m.NextAttemptAt <= now && (m.ClaimedUntil == null || m.ClaimedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimedUntil, until).SetProperty(m => m.ClaimedBy, _hostId), ct);
        return claimed == 1;
    }

    private async Task DeliverAsync(RoutingDbContext db, Guid id, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var message = await db.Outbox.SingleAsync(m => m.Id == id, ct);
        var done = await db.OutboxDeliveries.Where(d => d.MessageId == id).Select(d => d.Handler).ToListAsync(ct);
        string? error = null;
        foreach (var handler in _handlers.Where(h => h.Topic == message.Topic && !done.Contains(h.Name)))
        {
            try
            {
                await handler.HandleAsync(message, ct);
                db.OutboxDeliveries.Add(new OutboxDelivery { MessageId = id, Handler = handler.Name, DeliveredAt = clock.GetCurrentInstant() });
                await db.SaveChangesAsync(ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogHandlerFailed(logger, ex, handler.Name, message.Id, message.Attempts + 1);
                error = $"{handler.Name}: {ex.Message}";
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
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox handler {Handler} failed on message {MessageId} (attempt {Attempt})")]
    private static partial void LogHandlerFailed(ILogger logger, Exception ex, string handler, Guid messageId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox delivery batch failed; retrying on the next poll")]
    private static partial void LogBatchFailed(ILogger logger, Exception ex);
}
