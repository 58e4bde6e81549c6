using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Supervision;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Routing.Engine;

/// <summary>
/// Reacts to the ticket timeline: a new ticket is classified (and perhaps dispatched) by the engine; a dispatch to another
/// category than the engine suggested is kept as a correction the next model learns from.
/// </summary>
public sealed class AutoRouter(IServiceScopeFactory scopes, IClock clock) : IOutboxHandler
{
    public string Name => "auto-router";
    public string Topic => TicketEvent.Topic;

    public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var change = OutboxWriter.Read<TicketEvent>(message);
        using var scope = scopes.CreateScope();
        switch (change.Kind)
        {
            case nameof(TimelineEventKind.Registered):
                await scope.ServiceProvider.GetRequiredService<RoutingEngine>().ClassifyNewTicketAsync(new TicketId(change.TicketId), ct);
                break;
            case nameof(TimelineEventKind.Dispatched) when change.ActorId != Actor.Router.Id:
            case nameof(TimelineEventKind.ReturnApproved):
                await RecordCorrectionAsync(scope.ServiceProvider.GetRequiredService<RoutingDbContext>(), new TicketId(change.TicketId), ct);
                break;
        }
    }

    /// <summary>
    /// Keeps the ticket's correction in step with its latest dispatch by a person: the category they meant differs from the
    /// engine's, so the next model learns it; a later redispatch (after a 退单, say) replaces it, and one back to the engine's
    /// category withdraws it — the last person's word counts, not the first. An approved 退单 refutes the dispatch before it, so
    /// it withdraws the correction until the ticket is dispatched again. Read from the timeline as it stands, not from the
    /// message, so a message delivered late changes nothing the later ones decided.
    /// </summary>
    private async Task RecordCorrectionAsync(RoutingDbContext db, TicketId id, CancellationToken ct)
    {
        var latest = await db.Timeline.AsNoTracking()
            .Where(e => e.TicketId == id && (e.Kind == TimelineEventKind.Dispatched || e.Kind == TimelineEventKind.ReturnApproved))
            .OrderByDescending(e => e.Sequence).Select(e => new { e.Kind, e.Data }).FirstOrDefaultAsync(ct);
        if (latest?.Kind == TimelineEventKind.ReturnApproved)
        {
            await db.TrainingExamples.Where(e => e.TicketId == id.Value && e.Source == ExampleSource.Correction).ExecuteDeleteAsync(ct);
            return;
        }
        var decision = await db.Timeline.AsNoTracking().Where(e => e.TicketId == id && e.Kind == TimelineEventKind.Classified)
            .OrderByDescending(e => e.Sequence).Select(e => e.Data).FirstOrDefaultAsync(ct);
        var ticket = await db.Tickets.AsNoTracking().SingleAsync(t => t.Id == id, ct);
        if (decision is null || ticket.LeadDepartmentId is not { } lead)
        {
            return;
        }
        var suggested = EntryData.String(decision, "label");
        var suggestedCategory = EntryData.String(decision, "categoryId");
        // The category the dispatcher meant: one given with the dispatch, else the category whose usual department they chose.
        // Not the ticket's category as such: an agent may have filed it under a category the dispatcher then overruled by
        // choosing a department (dispatches recorded before 2026-11-23 do not say whether a category came with them: for
        // those, a ticket category off the engine's still counts as given).
        var categories = await db.Categories.AsNoTracking().ToListAsync(ct);
        var given = EntryData.Has(latest?.Data, "categoryId") ? EntryData.String(latest?.Data, "categoryId")
            : ticket.CategoryId != suggestedCategory ? ticket.CategoryId : null;
        var chosen = given is null ? null : categories.FirstOrDefault(k => k.Id == given);
        chosen ??= Corrections.CategoryMeant(ticket.CategoryId, lead, categories);
        if (chosen is null)
        {
            return; // the department says nothing about the category (a street office); an earlier correction stands
        }
        var existing = await db.TrainingExamples.SingleOrDefaultAsync(e => e.TicketId == id.Value && e.Source == ExampleSource.Correction, ct);
        if (chosen.Name == suggested)
        {
            if (existing is not null)
            {
                db.TrainingExamples.Remove(existing);
            }
        }
        else if (existing is null)
        {
            db.TrainingExamples.Add(new TrainingExample
            {
                Text = TrainingExample.TextOf(ticket.Title, ticket.Content),
                Label = chosen.Name,
                Source = ExampleSource.Correction,
                TicketId = id.Value,
                CreatedAt = clock.GetCurrentInstant(),
            });
        }
        else
        {
            existing.Label = chosen.Name;
        }
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>Retrains on a schedule when new examples have arrived since the active model was made.</summary>
public sealed partial class ScheduledRetraining(IServiceScopeFactory scopes, BackgroundClaims claims, IOptions<RoutingOptions> options,
    ILogger<ScheduledRetraining> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.RetrainEveryHours == 0)
        {
            return;
        }
        var interval = TimeSpan.FromHours(options.Value.RetrainEveryHours);
        // The first pass soon after start, not a whole interval later: a host restarted daily would otherwise never get there.
        // The lease decides whether a pass is due (at most one per interval across restarts and hosts); the delay keeps start-up
        // itself, and an admin's first training on a new installation, clear of it.
        await Task.Delay(interval < FirstPassAfter ? interval : FirstPassAfter, stoppingToken);
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                // Claimed: with several hosts, one of them trains per interval (two would make the same model twice).
                await claims.RunIfClaimedAsync(nameof(ScheduledRetraining), interval, RetrainIfNewExamplesAsync, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static readonly TimeSpan FirstPassAfter = TimeSpan.FromMinutes(10);

    internal async Task RetrainIfNewExamplesAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        // Closed tickets become examples only when a training collects them, so those not collected yet count as new.
        var closed = await db.Tickets.CountAsync(t => t.State == TicketState.Closed && t.Closure == ClosureKind.Handled && t.CategoryId != null
            && db.Categories.Any(c => c.Id == t.CategoryId), ct);
        var collected = await db.TrainingExamples.CountAsync(e => e.Source == ExampleSource.Resolved, ct);
        if (closed > collected || await HistoryChangedAsync(db, ct))
        {
            var result = await scope.ServiceProvider.GetRequiredService<RoutingTrainer>().TrainAsync(ct, scheduled: true);
            LogRetrained(logger, result.Value?.Version ?? $"(no model: {result.Error?.Detail})");
        }
    }

    /// <summary>
    /// Whether no model has been trained on the history as it stands: compared by fingerprint, not by any model's age (after a
    /// rollback the active model is older than examples already trained on, and a history that went back to an earlier state —
    /// a correction withdrawn — matches that state's model). Against a newest model from before fingerprints were kept, an
    /// example newer than it is the sign, as before.
    /// </summary>
    private static async Task<bool> HistoryChangedAsync(RoutingDbContext db, CancellationToken ct)
    {
        var digest = RoutingTrainer.Digest(await RoutingTrainer.UsableExamplesAsync(db, ct));
        if (await db.RoutingModels.AnyAsync(m => m.ExamplesDigest == digest, ct))
        {
            return false;
        }
        var newest = await db.RoutingModels.OrderByDescending(m => m.CreatedAt).Select(m => new { m.CreatedAt, m.ExamplesDigest }).FirstOrDefaultAsync(ct);
        return newest is null || newest.ExamplesDigest is not null || await db.TrainingExamples.AnyAsync(e => e.CreatedAt > newest.CreatedAt, ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled retraining finished: {Version}")]
    private static partial void LogRetrained(ILogger logger, string version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled retraining failed")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
