using Hotline.Routing.Calendar;
using Hotline.Routing.Cases;
using Hotline.Routing.Catalogue;
using Hotline.Routing.Classification;
using Hotline.Routing.Deadlines;
using Hotline.Routing.Departments;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Routing.Engine;

/// <summary>
/// The active model, loaded once and reloaded when another version becomes active (checked at most once a minute). An active
/// model whose file cannot be read (damaged storage) counts as no model: tickets wait for a dispatcher, advice says why, and
/// the error is logged once per version rather than on every ticket.
/// </summary>
public sealed partial class ModelStore(IServiceScopeFactory scopes, IClock clock, ILogger<ModelStore> logger)
{
    private static readonly Duration CheckEvery = Duration.FromMinutes(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    // One immutable object swapped whole: read without the gate, a struct of three fields could be seen half written (a
    // ticket then classified as if no model were in use while another thread invalidated the cache).
    private sealed record Cached(TextClassifier? Model, string? Version, Instant CheckedAt);

    private volatile Cached? _cached;

    // Moved by Invalidate: a load that began before it must not put back what it read (the older version, for up to a minute).
    private int _generation;

    /// <summary>Why the active version could not be loaded, when it could not; null when it loaded or none is active.</summary>
    public string? Unreadable { get; private set; }

    /// <param name="ct">Cancellation.</param>
    /// <param name="checkNow">Ask the database now rather than trust a check less than a minute old: another host may have
    /// switched versions since. A version already loaded (or already found unreadable) is not loaded again.</param>
    public async Task<TextClassifier?> ActiveAsync(CancellationToken ct, bool checkNow = false)
    {
        if (!checkNow && _cached is { } hit && clock.GetCurrentInstant() - hit.CheckedAt < CheckEvery)
        {
            return hit.Model;
        }
        await _gate.WaitAsync(ct);
        try
        {
            var generation = Volatile.Read(ref _generation);
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
            var version = await db.RoutingModels.AsNoTracking().Where(m => m.Active).Select(m => m.Version).SingleOrDefaultAsync(ct);
            var model = _cached is { } old && old.Version == version ? old.Model
                : version is null ? null
                : await LoadAsync(db, version, ct);
            if (version is null)
            {
                Unreadable = null;
            }
            if (generation == Volatile.Read(ref _generation))
            {
                _cached = new Cached(model, version, clock.GetCurrentInstant());
            }
            return model;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _cached = null;
    }

    private async Task<TextClassifier?> LoadAsync(RoutingDbContext db, string version, CancellationToken ct)
    {
        var file = await db.RoutingModels.AsNoTracking().Where(m => m.Version == version).Select(m => m.File).SingleAsync(ct);
        try
        {
            var model = TextClassifier.Load(new MemoryStream(file));
            Unreadable = null;
            return model;
        }
        catch (ModelFormatException unreadable)
        {
            LogUnreadable(logger, unreadable, version);
            Unreadable = $"当前启用的模型（{version[..Math.Min(12, version.Length)]}）无法读取：{unreadable.Message}";
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error,
        Message = "The active routing model {Version} cannot be read; tickets wait for a dispatcher until an admin retrains or activates another version")]
    private static partial void LogUnreadable(ILogger logger, Exception ex, string version);
}

/// <summary>A suggested destination for a ticket: category, its department, and how sure the model is (null without a model).</summary>
public sealed record RouteSuggestion(string Label, string? CategoryId, string? DepartmentId, string? DepartmentName, double? Probability);

/// <summary>A catalogue matter matched in the text, and where its area rule sends it. <c>InTitle</c>: the title names it too;
/// <c>NamedInTitle</c>: strongly, which is what it takes to weigh against the text model's category.</summary>
public sealed record CatalogueMatchView(Guid EntryId, string Name, string CategoryId, IReadOnlyList<string> Terms, bool Strong,
    ResolvedUnitView? Resolved, bool InTitle, bool NamedInTitle);

/// <summary>Where the engine located the matter (区/街道) and how: the registered area, or a name in the text.</summary>
public sealed record LocatedArea(string AreaId, string Name, string How);

/// <summary>
/// What the engine says about a text: its suggestions (the first is the decision), the reason, and whether it would dispatch
/// on its own. The positional part is what the engine has always answered; the rest says what each member said.
/// </summary>
/// <remarks><c>Threshold</c> is null when the model dispatches nothing on its own (no confidence kept the target precision on its
/// training data) and when there is no usable model; then <c>ModelVersion</c> and <c>Confidence</c> are null too, and the
/// suggestions come from the catalogue and similar cases alone.</remarks>
public sealed record RoutingAdvice(string? ModelVersion, IReadOnlyList<RouteSuggestion> Suggestions, double? Confidence, string Reason,
    bool WouldDispatch, double? Threshold)
{
    /// <summary>Which member chose the department: catalogue (area rule), cases, or category (its usual department).</summary>
    public string DepartmentSource { get; init; } = "category";

    /// <summary>The urgency the triage rule read (Normal when no word was found) and its label.</summary>
    public string Urgency { get; init; } = nameof(Tickets.Urgency.Normal);
    public string UrgencyLabel { get; init; } = TicketLabels.Of(Tickets.Urgency.Normal);

    /// <summary>The type the triage rule read, when a word named one.</summary>
    public string? Type { get; init; }
    public string? TypeLabel { get; init; }

    public LocatedArea? Area { get; init; }
    public IReadOnlyList<MemberOpinion> Members { get; init; } = [];
    public IReadOnlyList<string> Holds { get; init; } = [];

    /// <summary>The centre's setting. Off, <see cref="WouldDispatch"/> is always false and every ticket waits for a dispatcher.</summary>
    public bool AutoDispatch { get; init; } = true;

    public IReadOnlyList<CatalogueMatchView> CatalogueMatches { get; init; } = [];

    /// <summary>Similar closed tickets with their department and reply (empty for department users).</summary>
    public IReadOnlyList<SimilarCase> SimilarCases { get; init; } = [];
}

/// <summary>
/// The routing engine: one interface over an ensemble of members — the dispatch catalogue (keywords and area rules), the
/// nearest past cases, the statistical text model, a keyword triage rule for urgency and type, and optional advisors
/// (<see cref="IRoutingAdvisor"/>, asked for new tickets only) — combined by <see cref="EnsembleRules"/>. It advises agents as they type, records a
/// decision with what each member said on every new ticket, and dispatches at once only when the model's calibrated
/// confidence reaches the threshold (a setting) and no member objects.
/// </summary>
public sealed partial class RoutingEngine(RoutingDbContext db, ModelStore models, TicketWorkflow workflow, DeadlinePolicy deadlines,
    IOptions<RoutingOptions> options, SimilarCaseFinder cases, IEnumerable<IRoutingAdvisor> advisors, ILogger<RoutingEngine> logger)
{
    private const int CatalogueShown = 5;
    private const int CasesShown = 5;

    /// <summary>Advice for a text whose first line is its title (the engine's original entry point).</summary>
    public Task<RoutingAdvice?> AdviseAsync(string text, CancellationToken ct)
    {
        var split = text.IndexOf('\n', StringComparison.Ordinal);
        return AdviseAsync(split < 0 ? new RoutingQuestion("", text) : new RoutingQuestion(text[..split], text[(split + 1)..]), ct);
    }

    /// <summary>
    /// Advice for a question. Without a usable model (none trained yet, or the active one unreadable) the catalogue and similar
    /// cases still suggest where it goes, with no confidence and never to be dispatched on its own
    /// (<see cref="EnsembleRules.WithoutModel"/>); null when they say nothing either. <paramref name="exclude"/> keeps a ticket
    /// from being its own similar case.
    /// </summary>
    public async Task<RoutingAdvice?> AdviseAsync(RoutingQuestion question, CancellationToken ct, bool includeCases = true, TicketId? exclude = null,
        bool askAdvisors = false)
    {
        var model = await models.ActiveAsync(ct);
        var text = question.Text;
        var reference = await Reference.LoadAsync(db, ct);
        var place = AreaRules.Locate(reference.Areas, question.AreaId, question.Address, question.Title, question.Content);

        var entries = (await db.Catalogue.AsNoTracking().Where(e => e.Active).ToListAsync(ct))
            .Where(e => AreaRules.Applies(e, place, reference.Areas)).ToList();
        // The category rules weigh only matters the title names (see EnsembleRules); without a title, what intake would make
        // its title. Those come first, then the rest of the text's matches, best first.
        var titleScores = MatterMatcher.Match(question.Title is { Length: > 0 } title ? title : NewTicket.DefaultTitle(question.Content), entries)
            .ToDictionary(m => m.Entry.Id, m => m.Score);
        var matches = MatterMatcher.Match(text, entries).OrderByDescending(m => titleScores.GetValueOrDefault(m.Entry.Id)).Take(CatalogueShown)
            .Select(m => (m.Entry, Says: new CatalogueSays(m.Entry.Id, m.Entry.Name, m.Entry.CategoryId, m.Terms, m.Score, m.Strong,
                AreaRules.Resolve(m.Entry, place, reference.DepartmentList), titleScores.GetValueOrDefault(m.Entry.Id))))
            .ToList();

        IReadOnlyList<SimilarCase> similar;
        try
        {
            similar = await cases.FindAsync(question.Title, question.Content, exclude, CasesShown, ct);
        }
        catch (Exception ex) when (Knowledge.Search.SearchFailure.IsOutage(ex))
        {
            // Past cases are one member among several: an index that is down (an Elasticsearch outage) must not stop advice
            // or the routing of new tickets, which the catalogue and the model still decide.
            LogCasesUnavailable(logger, ex);
            similar = [];
        }
        bool AreaMismatch(string? departmentId) =>
            departmentId is not null && reference.Departments.GetValueOrDefault(new DepartmentId(departmentId)) is { } d
            && d.Kind is DepartmentKind.StreetOffice or DepartmentKind.DistrictGovernment
            && (d.AreaId is null || (d.AreaId != place.Street?.Id && d.AreaId != place.District?.Id));

        var triage = Triage.Assess(text);
        // A switched-off department receives nothing from the engine: not as a category's usual department, not from a case.
        Department? Active(string? id) => id is null ? null : reference.Departments.GetValueOrDefault(new DepartmentId(id)) is { Active: true } d ? d : null;
        var categories = reference.Categories.Values.OrderBy(c => c.Id, StringComparer.Ordinal).Select(c => Active(c.DefaultDepartmentId?.Value) is { } d
            ? new CategoryInfo(c.Id, c.Name, d.Id.Value, d.Name)
            : new CategoryInfo(c.Id, c.Name, null, null, c.DefaultDepartmentId is { } off ? reference.Departments.GetValueOrDefault(off)?.Name : null)).ToList();
        List<CatalogueSays> catalogueSays = [.. matches.Select(m => m.Says)];
        List<CaseSays> caseSays = [.. similar.Select(c => new CaseSays(c.TicketId, c.Title, c.Similarity, c.CategoryId, c.DepartmentId,
            c.DepartmentName, AreaMismatch(c.DepartmentId), DepartmentInactive: c.DepartmentId is not null && Active(c.DepartmentId) is null))];
        var prediction = model?.Predict(text, top: model.Labels.Count);
        var threshold = model is null ? double.PositiveInfinity : options.Value.ConfidenceThreshold ?? model.Threshold;
        var decision = model is null || prediction is null
            ? EnsembleRules.WithoutModel(catalogueSays, caseSays, categories, triage,
                models.Unreadable is { } unreadable ? $"{unreadable.TrimEnd('。')}，本次未使用。" : "尚未训练分类模型。", options.Value.AutoDispatch)
            : EnsembleRules.Combine(new EnsembleInput(
                new ModelSays(model.Version, prediction.Top, prediction.Confidence, prediction.Finding, threshold, prediction.NoKnownWords),
                catalogueSays, caseSays, categories, triage, options.Value.AutoDispatch));
        if (decision is null)
        {
            return null;
        }
        // Advisors (an LLM) are slow and may cost money: asked for new tickets only, never as an agent types.
        if (askAdvisors)
        {
            decision = EnsembleRules.WithAdvisors(decision, await AskAdvisorsAsync(question, decision, similar, ct));
        }
        // "选定", not "登记": the same words reach the intake form, where the agent has picked a category but not yet registered.
        if (question.ChosenCategoryId is { } chosen && decision.CategoryId is { } engine && chosen != engine)
        {
            var name = categories.FirstOrDefault(c => c.Id == chosen)?.Name ?? chosen;
            decision = EnsembleRules.HeldBack(decision, $"话务员选定的分类为「{name}」，与智能分类不同");
        }

        var suggestions = new List<RouteSuggestion>
        {
            new(decision.Label, decision.CategoryId, decision.DepartmentId, decision.DepartmentName, decision.Confidence),
        };
        foreach (var other in prediction?.Top.Take(3) ?? [])
        {
            var category = categories.FirstOrDefault(c => c.Name == other.Label || c.Id == other.Label);
            if (suggestions.Count < 3 && (category?.Id ?? other.Label) != (decision.CategoryId ?? decision.Label))
            {
                // Where the engine would send it had it chosen this category: the matter's area unit, agreeing cases, or the
                // category's usual department if it is switched on.
                var (departmentId, departmentName) = category is null ? (null, null)
                    : EnsembleRules.DepartmentWithin(category.Id, categories, catalogueSays, caseSays);
                suggestions.Add(new RouteSuggestion(other.Label, category?.Id, departmentId, departmentName, Math.Round(other.Probability, 4)));
            }
        }
        // Without a model the alternatives are the other categories the catalogue names, each where its matter's area rule sends it.
        foreach (var other in model is null ? matches.Select(m => m.Says) : [])
        {
            if (suggestions.Count < 3 && suggestions.All(s => s.CategoryId != other.CategoryId)
                && categories.FirstOrDefault(c => c.Id == other.CategoryId) is { } category)
            {
                suggestions.Add(new RouteSuggestion(category.Name, category.Id, other.Unit?.DepartmentId.Value ?? category.DefaultDepartmentId,
                    other.Unit?.DepartmentName ?? category.DefaultDepartmentName, Probability: null));
            }
        }
        var urgency = triage.Urgency ?? Tickets.Urgency.Normal;
        return new RoutingAdvice(model?.Version, suggestions, decision.Confidence, decision.Reason, decision.WouldDispatch,
            double.IsFinite(threshold) ? threshold : null)
        {
            DepartmentSource = decision.DepartmentSource,
            AutoDispatch = decision.AutoDispatch,
            Urgency = urgency.ToString(),
            UrgencyLabel = TicketLabels.Of(urgency),
            Type = triage.Type?.ToString(),
            TypeLabel = triage.Type is { } type ? TicketLabels.Of(type) : null,
            Area = place.AreaId is { } areaId ? new LocatedArea(areaId, place.Describe(), place.How) : null,
            Members = decision.Members,
            Holds = decision.Holds,
            CatalogueMatches = [.. matches.Select(m => new CatalogueMatchView(m.Says.EntryId, m.Says.Name, m.Says.CategoryId, m.Says.Terms,
                m.Says.Strong, CatalogueEndpoints.Resolve(m.Entry, place, reference), m.Says.TitleScore > 0, m.Says.NamedInTitle))],
            SimilarCases = includeCases ? similar : [],
        };
    }

    private async Task<List<(string Name, AdvisorOpinion Opinion)>> AskAdvisorsAsync(RoutingQuestion question, EnsembleDecision draft,
        IReadOnlyList<SimilarCase> similar, CancellationToken ct)
    {
        var opinions = new List<(string, AdvisorOpinion)>();
        foreach (var advisor in advisors)
        {
            try
            {
                if (await advisor.AdviseAsync(question, draft, similar, ct) is { } opinion)
                {
                    opinions.Add((advisor.Name, opinion));
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // An advisor is optional: the built-in members decide without it.
                LogAdvisorFailed(logger, ex, advisor.Name);
            }
        }
        return opinions;
    }

    /// <summary>
    /// Classifies a newly registered ticket, records the decision and what each member said on its timeline and, when confident
    /// and allowed, dispatches it to the decided department (raising the urgency when the triage rule read a more urgent one,
    /// and recording the area the engine located). Safe to call twice: a ticket already classified or no longer waiting is left
    /// alone.
    /// </summary>
    public Task ClassifyNewTicketAsync(TicketId id, CancellationToken ct) => ClassifyAsync(id, modelVersion: null, ct);

    /// <summary>
    /// Classifies again, with the model version <paramref name="modelVersion"/> just put in use, a ticket never dispatched and
    /// still waiting for a dispatcher whose decision was made without a model (the installation had none yet, or its model
    /// could not be read), or that got no decision at all: the first training must not leave the tickets already in the queue
    /// on catalogue hints while every new one gets a confidence. A decision a model made is left as it is (a dispatcher may be
    /// reading it), and so is a ticket that was dispatched once and came back (a 退单 approved: the engine must not send it
    /// straight back). Returns whether a new decision was recorded.
    /// </summary>
    public Task<bool> ReclassifyWithModelAsync(TicketId id, string modelVersion, CancellationToken ct) => ClassifyAsync(id, modelVersion, ct);

    /// <param name="id">The ticket.</param>
    /// <param name="modelVersion">Null for a new ticket; for a waiting one, the version that must decide it.</param>
    /// <param name="ct">Cancellation.</param>
    private async Task<bool> ClassifyAsync(TicketId id, string? modelVersion, CancellationToken ct)
    {
        var again = modelVersion is not null;
        var decisions = await db.Timeline.AsNoTracking().Where(e => e.TicketId == id && e.Kind == TimelineEventKind.Classified)
            .OrderBy(e => e.Sequence).Select(e => e.Data).ToListAsync(ct);
        if (decisions.Count > 0 && (!again || MadeByAModel(decisions[^1])))
        {
            return false;
        }
        var ticket = await db.Tickets.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct);
        if (ticket is null || ticket.State != TicketState.PendingDispatch || again && ticket.DispatchCount > 0)
        {
            return false;
        }
        if (again && !await UsingAsync(modelVersion!, ct))
        {
            return false;
        }
        if (!again && await models.ActiveAsync(ct) is null)
        {
            // Another host may have put a model in use less than a minute ago, after its list of waiting tickets was drawn: this
            // ticket must not be the one left on catalogue hints. (Only while this host has no model: one query per new ticket.)
            await models.ActiveAsync(ct, checkNow: true);
        }
        // The category the earlier hint set on the ticket (not one an agent chose) follows the model's decision.
        var hintCategory = decisions.Count > 0 ? CategoryOf(decisions[^1]) : null;
        var question = new RoutingQuestion(ticket.Title, ticket.Content, ticket.AreaId, ticket.Address)
        {
            KnownNames = ticket.CitizenName is { Length: > 0 } name ? [name] : [],
            ChosenCategoryId = ticket.CategoryId is { } given && given != hintCategory ? given : null,
        };
        var advice = await AdviseAsync(question, ct, exclude: ticket.Id, askAdvisors: true);
        if (again && advice?.ModelVersion != modelVersion)
        {
            return false; // switched again in between: the newer version's own message decides
        }
        if (advice is null)
        {
            return false;
        }
        var best = advice.Suggestions[0];
        var automatic = advice.WouldDispatch; // false whenever the centre has automatic dispatch off
        var ensemble = new
        {
            departmentSource = advice.DepartmentSource,
            urgency = advice.Urgency,
            type = advice.Type,
            area = advice.Area,
            holds = advice.Holds,
            members = advice.Members,
            catalogue = advice.CatalogueMatches.Select(m => new { m.EntryId, m.Name, m.Terms, department = m.Resolved?.DepartmentId }),
            similarCases = advice.SimilarCases.Select(c => new { c.TicketId, c.Similarity, c.CategoryId, c.DepartmentId }),
        };
        var result = await workflow.ChangeAsync(id, Actor.Router, expectedVersion: null, async (t, now) =>
        {
            // Checked again on the ticket as loaded for this change: the advice can take longer than the outbox's claim on the
            // message (a slow LLM), so another host may have classified the ticket meanwhile. Its save moved the ticket's
            // version, so a save that began before it fails as a concurrent change, and one that begins after it stops here.
            if (await db.Timeline.CountAsync(e => e.TicketId == id && e.Kind == TimelineEventKind.Classified, ct) != decisions.Count)
            {
                return AlreadyClassified;
            }
            if (again && t.DispatchCount > 0)
            {
                return AlreadyDispatched;
            }
            var urgency = Triage.Raise(t.Urgency, Enum.Parse<Urgency>(advice.Urgency));
            DeadlineSet? set = null;
            var reason = advice.Reason;
            if (automatic)
            {
                try
                {
                    set = await deadlines.ForDispatchAsync(now, t.ReceivedAt, firstDispatch: t.DispatchCount == 0, t.Type, urgency, ct);
                }
                catch (CalendarYearMissingException missing)
                {
                    // The deadlines reach a year whose holiday notice is not entered yet (each December, until an admin enters
                    // it): the ticket waits for a dispatcher, whose dispatch says the same, with the decision and why recorded.
                    reason += $"（未能自动派单：{new CalendarUnavailable(missing.Year).Detail}）";
                }
            }
            if (t.RecordClassification(now, best.Label, best.CategoryId, best.DepartmentId, advice.Confidence, reason,
                    advice.ModelVersion, automatic: set is not null, [.. advice.Suggestions.Select(s => (s.Label, s.DepartmentId, s.Probability))], ensemble,
                    replacingHint: hintCategory) is { } refused)
            {
                return refused;
            }
            if (set is null)
            {
                return null;
            }
            return t.Dispatch(Actor.Router, now, new DispatchPlan(new DepartmentId(best.DepartmentId!), [], set,
                Urgency: urgency == t.Urgency ? null : urgency, CategoryId: best.CategoryId, AreaId: t.AreaId is null ? advice.Area?.AreaId : null,
                Note: $"智能派单（置信度 {advice.Confidence:P0}）：{advice.Reason}"));
        }, ct);
        return result.Error is null;
    }

    /// <summary>
    /// Whether this host now decides with <paramref name="version"/>, checked before any advisor (an LLM) is asked; the database
    /// is asked again when the cache disagrees (another host made the switch less than a minute ago). False when the version is
    /// superseded (the newer version's own message decides the waiting tickets) or in use but unreadable (the tickets keep their
    /// hints, and advice says why: retrying until an admin acts would only fill the log).
    /// </summary>
    private async Task<bool> UsingAsync(string version, CancellationToken ct) =>
        (await models.ActiveAsync(ct))?.Version == version || (await models.ActiveAsync(ct, checkNow: true))?.Version == version;

    /// <summary>The category a recorded decision set on the ticket, if it set one (not one an agent had chosen).</summary>
    private static string? CategoryOf(string? data) => EntryData.IsTrue(data, "setCategory") ? EntryData.String(data, "categoryId") : null;

    /// <summary>Whether a recorded decision names the model version that made it.</summary>
    private static bool MadeByAModel(string? data) => EntryData.String(data, "modelVersion") is not null;

    private static readonly StateConflict AlreadyClassified = new("工单已由另一处理进程完成智能分类。");

    private static readonly StateConflict AlreadyDispatched = new("工单已派发过，不再按新模型重新分类。");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Similar cases could not be searched (the search index is unavailable); deciding without them")]
    private static partial void LogCasesUnavailable(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Routing advisor {Advisor} failed; deciding without it")]
    private static partial void LogAdvisorFailed(ILogger logger, Exception ex, string advisor);
}
