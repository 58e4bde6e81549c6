using System.Diagnostics.Metrics;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Hotline.Routing.Telemetry;

/// <summary>
/// Hotline's business metrics, on one <see cref="Meter"/> named <see cref="MeterName"/> (created through <see cref="IMeterFactory"/>,
/// so each host — and each test host — has its own). Counted after the change commits, from what the change wrote:
/// <list type="bullet">
/// <item><c>hotline.intakes</c> — tickets registered; tag <c>channel</c> (phone, sms, web, app…).</item>
/// <item><c>hotline.dispatches</c> — dispatches to a department; tag <c>mode</c>: <c>auto</c> (智能派单) or <c>manual</c>.</item>
/// <item><c>hotline.overdue</c> — missed deadlines recorded; tag <c>deadline</c>: <c>sign</c>, <c>reply</c>, <c>rectification</c>.</item>
/// <item><c>hotline.ratings</c> — ratings received; tags <c>channel</c> (sms, web, ivr, callback) and <c>level</c> (1–5).</item>
/// <item><c>hotline.outbox.backlog</c> — gauge: outbox messages committed but not yet delivered (read at most every 5 s).</item>
/// </list>
/// </summary>
public sealed partial class HotlineMetrics
{
    public const string MeterName = "Hotline";
    private static readonly Duration BacklogCacheFor = Duration.FromSeconds(5);

    private readonly Counter<long> _intakes;
    private readonly Counter<long> _dispatches;
    private readonly Counter<long> _overdue;
    private readonly Counter<long> _ratings;
    private readonly IServiceScopeFactory _scopes;
    private readonly IClock _clock;
    private readonly ILogger<HotlineMetrics> _logger;
    private readonly Lock _backlogLock = new();
    private (Instant At, long Count)? _backlog;

    public HotlineMetrics(IMeterFactory meters, IServiceScopeFactory scopes, IClock clock, ILogger<HotlineMetrics> logger)
    {
        _scopes = scopes;
        _clock = clock;
        _logger = logger;
        var meter = meters.Create(MeterName);
        _intakes = meter.CreateCounter<long>("hotline.intakes", "{ticket}", "Tickets registered, by channel");
        _dispatches = meter.CreateCounter<long>("hotline.dispatches", "{dispatch}", "Tickets dispatched to a department, automatically or by a person");
        _overdue = meter.CreateCounter<long>("hotline.overdue", "{deadline}", "Missed deadlines recorded (ticket sign and reply, rectification steps)");
        _ratings = meter.CreateCounter<long>("hotline.ratings", "{rating}", "Ratings received, by channel and level");
        meter.CreateObservableGauge("hotline.outbox.backlog", ObserveBacklog, "{message}", "Outbox messages committed and not yet delivered");
    }

    /// <summary>Counts what committed timeline entries record: registrations, dispatches, missed ticket deadlines.</summary>
    public void TimelineCommitted(IEnumerable<(Channel Channel, TimelineEntry Entry)> committed)
    {
        foreach (var (channel, entry) in committed)
        {
            switch (entry.Kind)
            {
                case TimelineEventKind.Registered:
                    _intakes.Add(1, new KeyValuePair<string, object?>("channel", channel.ToString().ToLowerInvariant()));
                    break;
                case TimelineEventKind.Dispatched:
                    _dispatches.Add(1, new KeyValuePair<string, object?>("mode", entry.ActorKind == ActorKind.System ? "auto" : "manual"));
                    break;
                case TimelineEventKind.SignOverdue:
                    Overdue("sign");
                    break;
                case TimelineEventKind.ReplyOverdue:
                    Overdue("reply");
                    break;
                default:
                    break;
            }
        }
    }

    public void Overdue(string deadline) => _overdue.Add(1, new KeyValuePair<string, object?>("deadline", deadline));

    public void Rating(string channel, int level) => _ratings.Add(1,
        new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("level", level));

    private IEnumerable<Measurement<long>> ObserveBacklog()
    {
        lock (_backlogLock)
        {
            var now = _clock.GetCurrentInstant();
            if (_backlog is not { } cached || now - cached.At >= BacklogCacheFor || now < cached.At)
            {
                try
                {
                    // Observable instruments are read synchronously by the exporter's collection; a short count on the outbox's
                    // (DeliveredAt, NextAttemptAt) index, at most once per cache period.
                    using var scope = _scopes.CreateScope();
                    var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
                    _backlog = (now, db.Outbox.LongCount(m => m.DeliveredAt == null));
                }
                catch (Exception e)
                {
                    LogBacklogUnavailable(_logger, e.Message);
                    return [];
                }
            }
            return [new Measurement<long>(_backlog.Value.Count)];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox backlog not measured: {Error}")]
    private static partial void LogBacklogUnavailable(ILogger logger, string error);
}
