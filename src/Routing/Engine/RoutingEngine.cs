using Hotline.Routing.Classification;
using Hotline.Routing.Deadlines;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Routing.Engine;

/// <summary>The active model, loaded once and reloaded when another version becomes active (checked at most once a minute).</summary>
public sealed class ModelStore(IServiceScopeFactory scopes, IClock clock)
{
    private static readonly Duration CheckEvery = Duration.FromMinutes(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (TextClassifier? Model, string? Version, Instant CheckedAt)? _cached;

    public async Task<TextClassifier?> ActiveAsync(CancellationToken ct)
    {
        if (_cached is { } hit && clock.GetCurrentInstant() - hit.CheckedAt < CheckEvery)
        {
            return hit.Model;
        }
        await _gate.WaitAsync(ct);
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
            var version = await db.RoutingModels.AsNoTracking().Where(m => m.Active).Select(m => m.Version).SingleOrDefaultAsync(ct);
            var model = _cached is { } old && old.Version == version ? old.Model
                : version is null ? null
                : TextClassifier.Load(new MemoryStream(await db.RoutingModels.AsNoTracking().Where(m => m.Version == version).Select(m => m.File).SingleAsync(ct)));
            _cached = (model, version, clock.GetCurrentInstant());
            return model;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate() => _cached = null;
}

/// <summary>A suggested destination for a ticket: category, its department, and how sure the model is.</summary>
public sealed record RouteSuggestion(string Label, string? CategoryId, string? DepartmentId, string? DepartmentName, double Probability);

/// <summary>What the engine says about a text: its suggestions, the reason, and whether it would dispatch on its own.</summary>
public sealed record RoutingAdvice(string ModelVersion, IReadOnlyList<RouteSuggestion> Suggestions, double Confidence, string Reason,
    bool WouldDispatch, double Threshold);

/// <summary>
/// The routing engine: the statistical classifier behind the catalogue of categories and their departments. It advises agents
/// as they type, records a decision on every new ticket, and dispatches at once when confident enough (a setting).
/// </summary>
public sealed class RoutingEngine(RoutingDbContext db, ModelStore models, TicketWorkflow workflow, DeadlinePolicy deadlines,
    IOptions<RoutingOptions> options)
{
    public async Task<RoutingAdvice?> AdviseAsync(string text, CancellationToken ct)
    {
        var model = await models.ActiveAsync(ct);
        if (model is null)
        {
            return null;
        }
        var prediction = model.Predict(text, top: 3);
        var categories = await db.Categories.AsNoTracking().ToListAsync(ct);
        var departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        var suggestions = prediction.Top.Select(t =>
        {
            var category = categories.FirstOrDefault(c => c.Name == t.Label || c.Id == t.Label);
            var department = category?.DefaultDepartmentId;
            return new RouteSuggestion(t.Label, category?.Id, department?.Value,
                department is { } d ? departments.GetValueOrDefault(d) : null, Math.Round(t.Probability, 4));
        }).ToList();
        var threshold = options.Value.ConfidenceThreshold ?? model.Threshold;
        return new RoutingAdvice(model.Version, suggestions, Math.Round(prediction.Confidence, 4), prediction.Reason,
            prediction.Confidence >= threshold && suggestions[0].DepartmentId is not null, threshold);
    }

    /// <summary>
    /// Classifies a newly registered ticket, records the decision on its timeline and, when confident and allowed, dispatches it
    /// to the category's department. Safe to call twice: a ticket already classified or no longer waiting is left alone.
    /// </summary>
    public async Task ClassifyNewTicketAsync(TicketId id, CancellationToken ct)
    {
        if (await db.Timeline.AnyAsync(e => e.TicketId == id && e.Kind == TimelineEventKind.Classified, ct))
        {
            return;
        }
        var ticket = await db.Tickets.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct);
        if (ticket is null || ticket.State != TicketState.PendingDispatch)
        {
            return;
        }
        var advice = await AdviseAsync(ticket.Title + "\n" + ticket.Content, ct);
        if (advice is null)
        {
            return;
        }
        var best = advice.Suggestions[0];
        var automatic = options.Value.AutoDispatch && advice.WouldDispatch;
        await workflow.ChangeAsync(id, Actor.Router, expectedVersion: null, async (t, now) =>
        {
            if (t.RecordClassification(now, best.Label, best.CategoryId, best.DepartmentId, advice.Confidence, advice.Reason,
                    advice.ModelVersion, automatic, [.. advice.Suggestions.Select(s => (s.Label, s.Probability))]) is { } refused)
            {
                return refused;
            }
            if (!automatic)
            {
                return null;
            }
            var set = await deadlines.ForDispatchAsync(now, t.ReceivedAt, firstDispatch: t.DispatchCount == 0, t.Type, t.Urgency, ct);
            return t.Dispatch(Actor.Router, now, new DispatchPlan(new DepartmentId(best.DepartmentId!), [], set,
                CategoryId: best.CategoryId, Note: $"智能派单（置信度 {advice.Confidence:P0}）：{advice.Reason}"));
        }, ct);
    }
}
