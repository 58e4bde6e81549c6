using System.Text.Json;
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
                await RecordCorrectionAsync(scope.ServiceProvider.GetRequiredService<RoutingDbContext>(), new TicketId(change.TicketId), ct);
                break;
        }
    }

    private async Task RecordCorrectionAsync(RoutingDbContext db, TicketId id, CancellationToken ct)
    {
        var decision = await db.Timeline.AsNoTracking().Where(e => e.TicketId == id && e.Kind == TimelineEventKind.Classified)
            .OrderByDescending(e => e.Sequence).Select(e => e.Data).FirstOrDefaultAsync(ct);
        var ticket = await db.Tickets.AsNoTracking().SingleAsync(t => t.Id == id, ct);
        if (decision is null || ticket.LeadDepartmentId is not { } lead)
        {
            return;
        }
        // The category the dispatcher meant: the one given, or the category whose department they chose.
        var categories = await db.Categories.AsNoTracking().ToListAsync(ct);
        var chosen = Corrections.CategoryMeant(ticket.CategoryId, lead, categories);
        var suggested = JsonDocument.Parse(decision).RootElement.GetProperty("label").GetString();
        if (chosen is null || chosen.Name == suggested || await db.TrainingExamples.AnyAsync(e => e.TicketId == id.Value && e.Source == ExampleSource.Correction, ct))
        {
            return;
        }
        db.TrainingExamples.Add(new TrainingExample
        {
            Text = ticket.Title + "\n" + ticket.Content,
            Label = chosen.Name,
            Source = ExampleSource.Correction,
            TicketId = id.Value,
            CreatedAt = clock.GetCurrentInstant(),
        });
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
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
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
    }

    private async Task RetrainIfNewExamplesAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        // Since the newest model, not the active one: after a rollback the active one is older than examples already trained on.
        var since = await db.RoutingModels.MaxAsync(m => (Instant?)m.CreatedAt, ct);
        if (since is null || await db.TrainingExamples.AnyAsync(e => e.CreatedAt > since, ct))
        {
            var result = await scope.ServiceProvider.GetRequiredService<RoutingTrainer>().TrainAsync(ct, scheduled: true);
            LogRetrained(logger, result.Value?.Version ?? "(not enough examples)");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled retraining finished: {Version}")]
    private static partial void LogRetrained(ILogger logger, string version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled retraining failed")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
