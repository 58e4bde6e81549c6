using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hotline.Routing.Supervision;

/// <summary>
/// A background check that runs at start-up and then at a fixed interval until the host stops; a failed pass is logged and the
/// next interval tries again. The overdue checks of tickets (<see cref="OverdueMonitor"/>) and of rectifications (Feedback)
/// share it: each says whether it is on, how often it runs, and what one pass does — and keeps that pass public, so tests and
/// operators can run it once. Every host runs the timer; each scheduled pass is claimed (<see cref="BackgroundClaims"/>), so
/// with several hosts on one database a pass runs on one of them, once per interval.
/// </summary>
public abstract partial class PeriodicCheck(ILogger logger, BackgroundClaims claims) : BackgroundService
{
    private int _ticks;
    private int _passes;

    /// <summary>Times this host's timer asked for a pass (start-up included).</summary>
    public int Ticks => Volatile.Read(ref _ticks);

    /// <summary>Scheduled passes this host claimed and ran (not counting passes run directly through the public method).</summary>
    public int PassesRun => Volatile.Read(ref _passes);

    /// <summary>Whether the check runs at all (a setting).</summary>
    protected abstract bool Enabled { get; }

    /// <summary>Time between passes (a setting).</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>One pass; safe to run twice, or on two hosts.</summary>
    protected abstract Task RunPassAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }
        Outbox.BackgroundWork.MarkCurrentFlow();
        using var timer = new PeriodicTimer(Interval);
        do
        {
            Interlocked.Increment(ref _ticks);
            try
            {
                if (await claims.RunIfClaimedAsync(GetType().Name, Interval, RunPassAsync, stoppingToken))
                {
                    Interlocked.Increment(ref _passes);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogPassFailed(logger, ex, GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false) is true);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Check} failed; retrying at the next interval")]
    private static partial void LogPassFailed(ILogger logger, Exception ex, string check);
}
