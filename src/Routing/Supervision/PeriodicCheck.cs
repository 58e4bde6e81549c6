using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hotline.Routing.Supervision;

/// <summary>
/// A background check that runs at start-up and then at a fixed interval until the host stops; a failed pass is logged and the
/// next interval tries again. The overdue checks of tickets (<see cref="OverdueMonitor"/>) and of rectifications (Feedback)
/// share it: each says whether it is on, how often it runs, and what one pass does — and keeps that pass public, so tests and
/// operators can run it once.
/// </summary>
public abstract partial class PeriodicCheck(ILogger logger) : BackgroundService
{
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
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await RunPassAsync(stoppingToken);
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
