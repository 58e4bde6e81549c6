using Hotline.Feedback.History;
using Hotline.Feedback.Storage;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Supervision;
using Hotline.Routing.Telemetry;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Feedback.Rectification;

/// <summary>
/// Urges the department and escalates to supervisors when a rectification step passes its deadline — exactly once per step:
/// the urge row is unique per (rectification, step), so a second pass or a second host writes nothing. Also closes
/// rectifications whose follow-up rating window passed without a rating.
/// </summary>
public sealed class RectificationMonitor(
    IServiceScopeFactory scopes, IClock clock, IOptions<FeedbackOptions> options, ILogger<RectificationMonitor> logger,
    BackgroundClaims claims) : PeriodicCheck(logger, claims)
{
    protected override bool Enabled => options.Value.OverdueEnabled;

    protected override TimeSpan Interval => TimeSpan.FromSeconds(options.Value.OverdueCheckSeconds);

    protected override Task RunPassAsync(CancellationToken ct) => CheckOnceAsync(ct);

    /// <summary>One pass; returns how many steps were urged and how many rectifications closed. Safe to run twice, or on two hosts.</summary>
    public async Task<(int Urged, int Closed)> CheckOnceAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var feedback = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
        var now = clock.GetCurrentInstant();
        var overdue = await feedback.Rectifications.AsNoTracking()
            .Where(r => ((r.Stage == RectificationStage.Verify && r.VerifyDueAt < now)
                    || ((r.Stage == RectificationStage.Classify || r.Stage == RectificationStage.Record || r.Stage == RectificationStage.ReportBack)
                        && r.RectifyDueAt < now)
                    || (r.Stage == RectificationStage.Review && r.ReviewDueAt < now))
                && !feedback.RectificationUrges.Any(u => u.RectificationId == r.Id && u.Step == r.Stage))
            .Select(r => r.Id).ToListAsync(ct);
        var urged = 0;
        foreach (var id in overdue)
        {
            urged += await UrgeAsync(id, ct) ? 1 : 0;
        }
        var lapsed = await feedback.Rectifications.AsNoTracking()
            .Where(r => r.Stage == RectificationStage.FollowUp && r.FollowUpEndsAt < now).Select(r => r.Id).ToListAsync(ct);
        var closed = 0;
        foreach (var id in lapsed)
        {
            closed += await CloseLapsedAsync(id, ct) ? 1 : 0;
        }
        return (urged, closed);
    }

    private async Task<bool> UrgeAsync(Guid id, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var feedback = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
        var routing = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var journal = scope.ServiceProvider.GetRequiredService<FeedbackJournal>();
        var now = clock.GetCurrentInstant();
        var record = await feedback.Rectifications.AsNoTracking().SingleAsync(r => r.Id == id, ct);
        if (record.CurrentDueAt is not { } due || now <= due)
        {
            return false;
        }
        try
        {
            await FeedbackTransaction.RunAsync<int>(routing, feedback, async () =>
            {
                feedback.RectificationUrges.Add(new RectificationUrge
                {
                    RectificationId = record.Id,
                    Step = record.Stage,
                    TicketId = record.TicketId,
                    DepartmentId = record.DepartmentId,
                    DueAt = due,
                    UrgedAt = now,
                });
                var label = RectificationRecord.Labels.Of(record.Stage);
                journal.Write(Actor.System, now, FeedbackSubject.Rectification, record.Id, record.TicketId, record.TrackingCode, record.DepartmentId,
                    FeedbackEventKind.RectificationOverdue, $"差评整改「{label}」已超过期限，已催办承办单位并报督办。",
                    new { step = record.Stage.ToString(), due = due.ToString(), urged = true, escalated = true }, step: record.Stage.ToString());
                await feedback.SaveChangesAsync(ct);
                await routing.SaveChangesAsync(ct);
                return 0;
            }, ct);
        }
        catch (DbUpdateException)
        {
            // Another pass or host urged this step first: the unique (rectification, step) index keeps it to once.
            return false;
        }
        scope.ServiceProvider.GetRequiredService<HotlineMetrics>().Overdue("rectification");
        scope.ServiceProvider.GetRequiredService<OutboxSignal>().Notify();
        return true;
    }

    private async Task<bool> CloseLapsedAsync(Guid id, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var feedback = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
        var routing = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var journal = scope.ServiceProvider.GetRequiredService<FeedbackJournal>();
        var now = clock.GetCurrentInstant();
        var record = await feedback.Rectifications.SingleAsync(r => r.Id == id, ct);
        if (!record.CloseWithoutFollowUp(now))
        {
            return false;
        }
        try
        {
            await FeedbackTransaction.RunAsync<int>(routing, feedback, async () =>
            {
                journal.Write(Actor.System, now, FeedbackSubject.Rectification, record.Id, record.TicketId, record.TrackingCode, record.DepartmentId,
                    FeedbackEventKind.RectificationClosed, RectificationRecord.Labels.Of(RectificationOutcome.NoFollowUpRating), step: record.Stage.ToString());
                await feedback.SaveChangesAsync(ct);
                await routing.SaveChangesAsync(ct);
                return 0;
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return false; // rated or closed meanwhile
        }
        return true;
    }

}
