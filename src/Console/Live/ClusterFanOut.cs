using System.Text.Json;
using System.Threading.Channels;
using Hotline.Host.Storage;
using Hotline.Routing.Supervision;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Hotline.Host.Live;

/// <summary>
/// The sequences this host has pushed to its own connections (by its outbox handlers or from another host's notification),
/// so that no event is pushed twice by one host. Bounded: the newest 20,000 are remembered, far more than can be in flight.
/// </summary>
public sealed class PushedEvents
{
    private const int Capacity = 20_000;
    private readonly HashSet<long> _pushed = [];
    private readonly Queue<long> _order = new();

    /// <summary>The highest sequence this host has pushed or been told about.</summary>
    public long Highest { get; private set; }

    public bool Contains(long sequence)
    {
        lock (_pushed)
        {
            return _pushed.Contains(sequence);
        }
    }

    /// <summary>Records a push; false when the sequence was already pushed (the caller then must not push it).</summary>
    public bool TryMark(long sequence)
    {
        lock (_pushed)
        {
            if (!_pushed.Add(sequence))
            {
                return false;
            }
            _order.Enqueue(sequence);
            if (_order.Count > Capacity)
            {
                _pushed.Remove(_order.Dequeue());
            }
            Highest = Math.Max(Highest, sequence);
            return true;
        }
    }
}

/// <summary>
/// Several hosts on one PostgreSQL database: a host that stores a console event notifies the channel
/// <see cref="Channel"/> with the event's sequence and its own id, in the transaction that inserts the row (so the notice goes
/// out on commit, and only then); every host listens, and pushes the events other hosts stored to its own connections, read
/// back from <c>ConsoleEvents</c> — the rows catch-up reads, so a push and a catch-up still cannot disagree. A host ignores
/// its own notices (its outbox handler already pushed the event) and pushes any sequence once. If the listening connection
/// drops, the host reconnects and pushes what it missed from the table. Off on SQLite (one host per file).
/// </summary>
public sealed partial class ClusterFanOut(DatabaseSettings settings, IServiceScopeFactory scopes, IHubContext<ConsoleHub, IConsoleClient> hub,
    PushedEvents pushed, BackgroundClaims host, ILogger<ClusterFanOut> logger) : BackgroundService
{
    public const string Channel = "hotline_console";

    /// <summary>How far below the highest known sequence a reconnect looks for missed events (commits can be a little out of order).</summary>
    private const int GapWindow = 1_000;

    private readonly Channel<string> _notices = System.Threading.Channels.Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>The notice for one stored event: its sequence and the host that stored (and already pushed) it.</summary>
    public static string Notice(long sequence, string hostId) => $"{sequence}:{hostId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.Provider != DatabaseProvider.Postgres)
        {
            return;
        }
        await Task.WhenAll(ListenAsync(stoppingToken), PushAsync(stoppingToken));
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { KeepAlive = 15, Pooling = false }.ConnectionString;
        var reconnect = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(ct);
                connection.Notification += (_, e) => _notices.Writer.TryWrite(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }
                if (reconnect)
                {
                    await PushMissedAsync(ct);
                }
                reconnect = true;
                while (!ct.IsCancellationRequested)
                {
                    await connection.WaitAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogListenFailed(logger, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task PushAsync(CancellationToken ct)
    {
        var batch = new List<long>();
        try
        {
            while (await _notices.Reader.WaitToReadAsync(ct))
            {
                batch.Clear();
                while (batch.Count < 200 && _notices.Reader.TryRead(out var notice))
                {
                    if (notice.Split(':', 2) is [var number, var origin] && origin != host.HostId && long.TryParse(number, out var sequence)
                        && !pushed.Contains(sequence))
                    {
                        batch.Add(sequence);
                    }
                }
                if (batch.Count > 0)
                {
                    await PushStoredAsync(db => db.ConsoleEvents.Where(e => batch.Contains(e.Sequence)), ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>After a lost connection: every recent event this host has not pushed (its own were pushed by its handlers).</summary>
    private Task PushMissedAsync(CancellationToken ct)
    {
        var from = pushed.Highest - GapWindow;
        return PushStoredAsync(db => db.ConsoleEvents.Where(e => e.Sequence > from), ct);
    }

    private async Task PushStoredAsync(Func<HostDbContext, IQueryable<ConsoleEvent>> which, CancellationToken ct)
    {
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<HostDbContext>();
            foreach (var row in await which(db).AsNoTracking().OrderBy(e => e.Sequence).Take(5_000).ToListAsync(ct))
            {
                if (pushed.TryMark(row.Sequence))
                {
                    await SendAsync(row);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogPushFailed(logger, ex);
        }
    }

    /// <summary>The stored event to the same groups, through the same typed client method, as the host that stored it used.</summary>
    private Task SendAsync(ConsoleEvent row)
    {
        var audience = new Audience(Audience.Split(row.Roles), Audience.Split(row.Departments), row.TicketId);
        var clients = hub.Clients.Groups([.. audience.Groups()]);
        var at = row.At.ToDateTimeOffset();
        return row.Method switch
        {
            nameof(IConsoleClient.TicketChanged) => clients.TicketChanged(new(row.Sequence, at, Read<TicketChange>(row))),
            nameof(IConsoleClient.FeedbackChanged) => clients.FeedbackChanged(new(row.Sequence, at, Read<FeedbackChange>(row))),
            nameof(IConsoleClient.CallRinging) => clients.CallRinging(new(row.Sequence, at, Read<RingingCall>(row))),
            _ => Task.CompletedTask, // a method a newer host introduced: its clients catch up through the API
        };
    }

    private static T Read<T>(ConsoleEvent row) =>
        JsonSerializer.Deserialize<T>(row.Payload, LivePublisher.Json) ?? throw new InvalidDataException($"Console event {row.Sequence} is empty.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for other hosts' console events failed; reconnecting")]
    private static partial void LogListenFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Pushing other hosts' console events failed")]
    private static partial void LogPushFailed(ILogger logger, Exception ex);
}
