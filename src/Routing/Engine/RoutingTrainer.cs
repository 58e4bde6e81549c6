using System.Globalization;
using System.Security.Cryptography;
using Hotline.Routing.Classification;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Supervision;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Routing.Engine;

/// <summary>A model version as admins see it. <c>Threshold</c> is null for a model that dispatches nothing on its own: no
/// confidence kept the target precision on its training data (little or contradictory history). <c>HeldBackReason</c> says
/// why a scheduled training left it off (see <see cref="RoutingModel.HeldBackReason"/>).</summary>
public sealed record ModelSummary(string Version, DateTimeOffset CreatedAt, int Examples, double? Threshold, double Accuracy, double MacroF1,
    double DispatchShare, bool Active, string? HeldBackReason = null);

/// <summary>
/// Trains a new model from every example (imported history, resolved tickets, dispatchers' corrections), keeps it as a new
/// version and makes it active (a scheduled training only when it is not clearly worse, see <see cref="TrainAsync"/>). The old
/// versions stay, so earlier decisions remain explainable, and any of them can be put back in use.
/// </summary>
public sealed partial class RoutingTrainer(RoutingDbContext db, ModelStore models, IClock clock, IOptions<RoutingOptions> options,
    ILogger<RoutingTrainer> logger, BackgroundClaims claims)
{
    /// <summary>
    /// The lease held while a training or an activation changes which model is active. Two at once (an admin's click beside the
    /// scheduled job, a double click, two hosts) could each switch off only the rows it saw and leave two models active, or
    /// insert the same version or the same resolved ticket twice. The second waits for nothing: it is told to try again.
    /// </summary>
    public const string ModelLease = "routing-model";

    /// <summary>The longest a training may hold <see cref="ModelLease"/> if its host dies mid-way (10,000 tickets train in seconds).</summary>
    private static readonly TimeSpan LongestChange = TimeSpan.FromMinutes(30);

    private async Task<Result<ModelSummary>> ExclusivelyAsync(Func<Task<Result<ModelSummary>>> change)
    {
        Result<ModelSummary> result = default;
        return await claims.RunAloneAsync(ModelLease, LongestChange, async () => result = await change())
            ? result
            : new StateConflict("另一次模型训练或启用正在进行，请稍后再试。", Title: "模型训练正在进行");
    }

    /// <summary>
    /// Trains on every example and keeps the model as a version. On demand (an admin's click) it becomes active. On schedule it
    /// becomes active unless it is clearly worse than the model in use (its cross-validated macro-F1 or dispatched share lower by
    /// more than the settings allow: a flood of wrong corrections, say) or is a version someone switched off (a rollback), which
    /// no unattended job should undo; it is then kept, inactive, for an admin to look at and enable.
    /// </summary>
    public Task<Result<ModelSummary>> TrainAsync(CancellationToken ct, bool scheduled = false) =>
        ExclusivelyAsync(() => TrainExclusivelyAsync(scheduled, ct));

    private async Task<Result<ModelSummary>> TrainExclusivelyAsync(bool scheduled, CancellationToken ct)
    {
        await CollectResolvedAsync(ct);
        var usable = await UsableExamplesAsync(db, ct);
        var thin = usable.GroupBy(e => e.Label).Where(g => g.Count() < options.Value.MinimumExamplesPerLabel).Select(g => g.Key).ToList();
        if (usable.Select(e => e.Label).Distinct().Count() < 2 || thin.Count > 0)
        {
            return new RuleViolated(thin.Count > 0
                ? $"以下分类的训练样本少于 {options.Value.MinimumExamplesPerLabel} 条：{string.Join("、", thin)}。请先导入历史工单。"
                : "至少需要两个分类的训练样本。请先导入历史工单。");
        }
        var fewest = ClassifierTrainer.FewestExamples(new ClassifierOptions());
        if (usable.Count < fewest)
        {
            return new RuleViolated($"训练样本共 {usable.Count} 条，至少需要 {fewest} 条。请先导入历史工单。");
        }
        // Training is CPU-bound; off the request thread's synchronisation context, on the thread pool.
        var classifier = await Task.Run(() => ClassifierTrainer.Train(usable), ct);
        // Trained: minutes of work, kept even if the admin's request is gone meanwhile (a proxy's timeout); the save is short.
        ct = CancellationToken.None;
        using var file = new MemoryStream();
        classifier.Save(file);
        var existing = await db.RoutingModels.SingleOrDefaultAsync(m => m.Version == classifier.Version, ct);
        var trainedBefore = existing is not null;
        var digest = Digest(usable);
        if (existing is not null)
        {
            // A version first trained before fingerprints were kept: without its fingerprint the scheduled job would take this
            // history for new at every pass, and train it again each time.
            existing.ExamplesDigest ??= digest;
        }
        else
        {
            existing = new RoutingModel
            {
                Version = classifier.Version,
                CreatedAt = clock.GetCurrentInstant(),
                Examples = usable.Count,
                Threshold = classifier.Threshold,
                Accuracy = classifier.Estimate.Accuracy,
                MacroF1 = classifier.Estimate.MacroF1,
                DispatchShare = classifier.Estimate.Dispatch.Coverage,
                ExamplesDigest = digest,
                File = file.ToArray(),
            };
            db.RoutingModels.Add(existing);
        }
        var held = scheduled ? await HoldBackAsync(existing, trainedBefore, ct) : null;
        if (held is not null)
        {
            existing.HeldBackReason = held;
            await db.SaveChangesAsync(ct);
            LogHeldBack(logger, existing.Version, held);
        }
        else
        {
            await MakeActiveAsync(existing, ct);
        }
        return Summary(existing);
    }

    /// <summary>
    /// The examples a training learns from, in the order it reads them. A model is a function of that order too (the folds are
    /// drawn from it). One import's rows share a timestamp and come back from the database in no particular order, so ties are
    /// ordered by content, in memory (ordinal, whatever the database's collation): the same history gives the same model, and
    /// the same version, on every installation. A correction overrides the engine's own earlier guess for the same ticket;
    /// otherwise every example counts.
    /// </summary>
    internal static async Task<List<LabelledText>> UsableExamplesAsync(RoutingDbContext db, CancellationToken ct)
    {
        var examples = (await db.TrainingExamples.AsNoTracking()
                .Select(e => new { e.Text, e.Label, e.Source, e.TicketId, e.CreatedAt }).ToListAsync(ct))
            .OrderBy(e => e.CreatedAt).ThenBy(e => e.Text, StringComparer.Ordinal).ThenBy(e => e.Label, StringComparer.Ordinal).ToList();
        var corrected = examples.Where(e => e.Source == ExampleSource.Correction && e.TicketId is not null).Select(e => e.TicketId).ToHashSet();
        return [.. examples.Where(e => e.Source == ExampleSource.Correction || e.TicketId is null || !corrected.Contains(e.TicketId))
            .Select(e => new LabelledText(e.Text, e.Label))];
    }

    /// <summary>
    /// A fingerprint of a history (SHA-256 of its texts and labels, in order), stored with each model: the scheduled job
    /// retrains when the history differs from every model's, which also notices a correction relabelled or withdrawn — neither
    /// adds a row with a new timestamp.
    /// </summary>
    internal static string Digest(IEnumerable<LabelledText> examples)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var example in examples)
        {
            // Lengths first, so ("ab", "c") and ("a", "bc") differ.
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{example.Text.Length}:{example.Label.Length}:{example.Text}{example.Label}"));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Why a scheduled training's model must not replace the one in use, in the admins' words (stored with the version
    /// and logged), or null when it may.</summary>
    private async Task<string?> HoldBackAsync(RoutingModel trained, bool trainedBefore, CancellationToken ct)
    {
        var inUse = await db.RoutingModels.AsNoTracking().Where(m => m.Active)
            .Select(m => new { m.Version, m.MacroF1, m.DispatchShare }).SingleOrDefaultAsync(ct);
        if (inUse is null || inUse.Version == trained.Version)
        {
            return null;
        }
        var limits = options.Value;
        var shortVersion = inUse.Version[..Math.Min(12, inUse.Version.Length)];
        var f1Drop = inUse.MacroF1 - trained.MacroF1;
        var shareDrop = inUse.DispatchShare - trained.DispatchShare;
        var invariant = CultureInfo.InvariantCulture;
        if (trainedBefore && trained.HeldBackReason is null)
        {
            // The same history gave a version that exists already and was not held back: it was in use until someone switched
            // it off (a rollback), and a job does not overrule them. One held back before is judged again on its figures below.
            return "该版本曾被停用（管理员启用了其他版本），定时训练不会重新启用它；需要时可手动启用。";
        }
        if (f1Drop > limits.ScheduledMaxMacroF1Drop)
        {
            return string.Create(invariant, $"定时训练未启用：宏平均 F1 {trained.MacroF1:0.000}，比使用中的 {shortVersion}（{inUse.MacroF1:0.000}）低 {f1Drop:0.000}，超过允许的 {limits.ScheduledMaxMacroF1Drop:0.000}。核对训练数据后可手动启用。");
        }
        if (shareDrop > limits.ScheduledMaxDispatchShareDrop)
        {
            return string.Create(invariant, $"定时训练未启用：自动派单比例 {trained.DispatchShare * 100:0.0}%，比使用中的 {shortVersion}（{inUse.DispatchShare * 100:0.0}%）低 {shareDrop * 100:0.0} 个百分点，超过允许的 {limits.ScheduledMaxDispatchShareDrop * 100:0.0} 个百分点。核对训练数据后可手动启用。");
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Scheduled retraining kept model {Version} inactive: {Why}")]
    private static partial void LogHeldBack(ILogger logger, string version, string why);

    /// <summary>
    /// Puts an earlier version back in use (a rollback, when a retrained model routes worse than the one before). The file is
    /// read first: a version this release can no longer load (an older file format) is refused rather than left active with
    /// nothing routing. The next training on demand makes its own model active; a scheduled one only a new version that is not
    /// clearly worse, never the one just switched off.
    /// </summary>
    public Task<Result<ModelSummary>> ActivateAsync(string version, CancellationToken ct) =>
        ExclusivelyAsync(() => ActivateExclusivelyAsync(version, ct));

    private async Task<Result<ModelSummary>> ActivateExclusivelyAsync(string version, CancellationToken ct)
    {
        var model = await db.RoutingModels.SingleOrDefaultAsync(m => m.Version == version, ct);
        if (model is null)
        {
            return new NotFound("没有这个版本的模型。");
        }
        try
        {
            TextClassifier.Load(new MemoryStream(model.File));
        }
        catch (ModelFormatException unreadable)
        {
            return new RuleViolated($"该版本的模型文件无法读取，不能启用：{unreadable.Message}");
        }
        await MakeActiveAsync(model, ct);
        return Summary(model);
    }

    /// <summary>One active model: the others are switched off and this one on in one transaction.</summary>
    private async Task MakeActiveAsync(RoutingModel model, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.RoutingModels.Where(m => m.Active && m.Version != model.Version).ExecuteUpdateAsync(s => s.SetProperty(m => m.Active, false), ct);
        model.Active = true;
        model.HeldBackReason = null;
        // The tickets already waiting without a model's decision get one (WaitingTicketsReclassifier).
        OutboxWriter.Enqueue(db, ModelActivated.Topic, new ModelActivated(model.Version), clock.GetCurrentInstant());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        models.Invalidate();
    }

    /// <summary>Closed, handled tickets with a category become examples (once each).</summary>
    private async Task CollectResolvedAsync(CancellationToken ct)
    {
        var names = await db.Categories.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var known = await db.TrainingExamples.Where(e => e.Source == ExampleSource.Resolved).Select(e => e.TicketId).ToListAsync(ct);
        var resolved = await db.Tickets.AsNoTracking()
            .Where(t => t.State == TicketState.Closed && t.Closure == ClosureKind.Handled && t.CategoryId != null)
            .Select(t => new { t.Id, t.Title, t.Content, t.CategoryId }).ToListAsync(ct);
        var now = clock.GetCurrentInstant();
        foreach (var t in resolved.Where(t => !known.Contains(t.Id.Value) && names.ContainsKey(t.CategoryId!)))
        {
            db.TrainingExamples.Add(new TrainingExample
            {
                Text = TrainingExample.TextOf(t.Title, t.Content),
                Label = names[t.CategoryId!],
                Source = ExampleSource.Resolved,
                TicketId = t.Id.Value,
                CreatedAt = now,
            });
        }
        await db.SaveChangesAsync(ct);
    }

    public static ModelSummary Summary(RoutingModel m) =>
        new(m.Version, m.CreatedAt.ToDateTimeOffset(), m.Examples, double.IsFinite(m.Threshold) ? m.Threshold : null, m.Accuracy, m.MacroF1,
            m.DispatchShare, m.Active, m.HeldBackReason);
}
