using System.Security.Claims;
using System.Text.Json;
using Hotline.Knowledge;
using Hotline.Routing.Deadlines;
using Hotline.Routing.Storage;
using Hotline.Routing.Supervision;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Hotline.Routing.Engine;

/// <summary>
/// A draft to advise on. <c>AreaId</c>: the matter's area (区 or 街道), when the agent knows it, for the catalogue's area rules;
/// <c>Address</c>: the address as given (an area named in it is used when no area is given); <c>CategoryId</c>: the category
/// the agent has chosen on the form so far, so that the advice says what registering under it would do (a category the engine
/// disagrees with holds the ticket for a dispatcher).
/// </summary>
public sealed record SuggestRequest(string? Title, string? Content, string? AreaId = null, string? Address = null, string? CategoryId = null);

/// <param name="Imported">Lines added to the history.</param>
/// <param name="Skipped">Lines without a text or a label.</param>
/// <param name="AlreadyImported">Lines an earlier import already added (the same file sent twice, or a longer export of the
/// same history): not added again.</param>
public sealed record ImportResult(int Imported, int Skipped, int AlreadyImported = 0);

/// <summary>The routing engine's API: advice while typing, a ticket's decision, and (admins) history import, training, models.</summary>
public static class RoutingEndpoints
{
    public const long MaxImportBytes = 64L * 1024 * 1024;

    public static RouteGroupBuilder MapRoutingAdvice(this RouteGroupBuilder api)
    {
        api.MapPost("/routing/suggest", SuggestAsync).WithSummary("智能分类建议（边输入边建议）");
        api.MapGet("/tickets/{id:guid}/routing", DecisionAsync).WithSummary("工单的智能分类决定及理由");
        return api;
    }

    public static RouteGroupBuilder MapRoutingAdmin(this RouteGroupBuilder admin)
    {
        admin.MapPost("/routing/training-data", ImportAsync).WithSummary("导入历史工单（JSONL 或 CSV：text, label）")
            .WithMetadata(new RequestBodyLimit(MaxImportBytes));
        admin.MapPost("/routing/retrain", RetrainAsync).WithSummary("重新训练并启用新模型");
        admin.MapGet("/routing/models", ModelsAsync).WithSummary("模型版本");
        admin.MapPost("/routing/models/{version}/activate", ActivateAsync).WithSummary("启用某一版本的模型（回退到旧版本）");
        admin.MapGet("/routing/outcomes", OutcomesAsync).WithSummary("各版本模型上线后的自动派单及被纠正情况");
        return admin;
    }

    private static async Task<Results<Ok<RoutingAdvice>, ProblemHttpResult>> SuggestAsync(SuggestRequest request, ClaimsPrincipal user,
        RoutingEngine engine, RoutingDbContext db, ModelStore models, CancellationToken ct)
    {
        var input = new Input();
        var content = input.Optional(request.Content, "content", "诉求内容", 10_000) ?? "";
        var title = input.Optional(request.Title, "title", "标题", 200) ?? "";
        var address = input.Optional(request.Address, "address", "地址", 500);
        await input.CheckCategoryAndAreaAsync(db, request.CategoryId, request.AreaId, ct);
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        // Similar cases show other departments' tickets: only the centre's staff see them.
        var includeCases = StaffPrincipal.ToActor(user).IsAnyOf(StaffRole.Agent, StaffRole.Dispatcher, StaffRole.Supervisor, StaffRole.Admin);
        var question = new RoutingQuestion(title, content, request.AreaId is { Length: > 0 } a ? a : null, address)
        {
            ChosenCategoryId = request.CategoryId is { Length: > 0 } c ? c : null,
        };
        var advice = await engine.AdviseAsync(question, ct, includeCases);
        return advice is not null ? TypedResults.Ok(advice)
            : models.Unreadable is { } unreadable ? new RuleViolated($"{unreadable.TrimEnd('。')}。请管理员重新训练，或在「智能派单模型」中启用其他版本。").ToProblem()
            : new RuleViolated("尚未训练分类模型，派单目录和相似案例也没有线索：请人工判断承办单位。管理员导入历史工单并训练后即可智能分派。").ToProblem();
    }

    private static async Task<Results<Ok<JsonElement>, ProblemHttpResult>> DecisionAsync(
        Guid id, ClaimsPrincipal user, TicketWorkflow workflow, RoutingDbContext db, CancellationToken ct)
    {
        var reader = StaffPrincipal.ToActor(user);
        if (await workflow.LoadVisibleAsync(new TicketId(id), reader, ct) is null)
        {
            return new NotFound("工单不存在，或您无权查看。").ToProblem();
        }
        var ticketId = new TicketId(id);
        var decision = await db.Timeline.AsNoTracking().Where(e => e.TicketId == ticketId && e.Kind == TimelineEventKind.Classified)
            .OrderByDescending(e => e.Sequence).Select(e => new { e.Data, e.Note }).FirstOrDefaultAsync(ct);
        if (decision?.Data is null)
        {
            return new NotFound("该工单没有智能分类记录。").ToProblem();
        }
        using var data = JsonDocument.Parse(TicketViews.DecisionFor(reader, decision.Data)!);
        var merged = JsonSerializer.SerializeToElement(new Dictionary<string, object?>
        {
            ["reason"] = decision.Note,
            ["decision"] = data.RootElement.Clone(),
        });
        return TypedResults.Ok(merged);
    }

    private static async Task<Results<Ok<ImportResult>, ProblemHttpResult>> ImportAsync(
        HttpRequest request, RoutingDbContext db, BackgroundClaims claims, IClock clock, CancellationToken ct)
    {
        var labels = await db.Categories.AsNoTracking().Select(c => c.Name).ToListAsync(ct);
        var examples = new List<TrainingExample>();
        var errors = new List<string>();
        var skipped = 0;
        var now = clock.GetCurrentInstant();
        // JSON Lines unless the upload says it is CSV (a header row with text and label columns).
        var format = TabularFile.FormatOf(request.ContentType) ?? TabularFormat.JsonLines;
        var (rows, withText, withLabel) = (0, 0, 0);
        try
        {
            await foreach (var row in TabularFile.ReadAsync(request.Body, format, ct))
            {
                if (row.Error is { } unreadable)
                {
                    errors.Add(unreadable);
                    if (errors.Count >= 20)
                    {
                        break;
                    }
                    continue;
                }
                rows++;
                withText += row.Fields.ContainsKey("text") ? 1 : 0;
                withLabel += row.Fields.ContainsKey("label") ? 1 : 0;
                var text = row.Get("text") ?? "";
                var label = row.Get("label") ?? "";
                if (text.Length == 0 || label.Length == 0)
                {
                    skipped++;
                    continue;
                }
                if (!labels.Contains(label))
                {
                    errors.Add($"第 {row.Line} 行：分类「{label}」不在派单目录中。");
                    if (errors.Count >= 20)
                    {
                        break;
                    }
                    continue;
                }
                examples.Add(new TrainingExample { Text = TrainingExample.Cut(text), Label = label, Source = ExampleSource.Import, CreatedAt = now });
            }
        }
        catch (DataFileException e)
        {
            errors.Add(e.Message);
        }
        if (errors.Count == 0 && (rows == 0 || withText == 0 || withLabel == 0))
        {
            // A file with other column names (诉求内容, 一级分类…) would otherwise "succeed" with nothing imported.
            errors.Add(rows == 0
                ? "文件中没有历史工单。"
                : $"文件缺少{(withText == 0 ? " text" : "")}{(withText == 0 && withLabel == 0 ? " 和" : "")}{(withLabel == 0 ? " label" : "")} 列：每条历史工单须有诉求内容 text 和分类名称 label。");
        }
        if (errors.Count > 0)
        {
            // All or nothing: a half-imported history would train a skewed model.
            return new ValidationFailed(new Dictionary<string, string[]> { ["lines"] = [.. errors] }).ToProblem();
        }
        // One import at a time, on any host: two at once (the retry of a request that timed out, beside the first) would each
        // find the other's lines not yet imported, and add them both.
        ImportResult? imported = null;
        var ran = await claims.RunAloneAsync(HistoryImportLease, TimeSpan.FromMinutes(10), async () =>
        {
            var fresh = await NotYetImportedAsync(db, examples, ct);
            db.TrainingExamples.AddRange(fresh);
            await db.SaveChangesAsync(ct);
            imported = new ImportResult(fresh.Count, skipped, examples.Count - fresh.Count);
        });
        return ran
            ? TypedResults.Ok(imported!)
            : new StateConflict("另一次历史工单导入正在进行，请稍后再试（完成后重新上传同一文件不会重复导入）。", Title: "历史工单导入正在进行").ToProblem();
    }

    /// <summary>The lease an import of history holds while it compares and adds.</summary>
    public const string HistoryImportLease = "routing-history-import";

    /// <summary>
    /// The examples an earlier import has not added yet, counted per text and label: sending the same file twice (a retry after
    /// a timeout, a second click) must not double the history, which would weigh its tickets twice in every later training,
    /// and a longer export of the same history adds only its new lines. Repeats within one file stay: two citizens can write
    /// the same words, and the history should say so.
    /// </summary>
    private static async Task<List<TrainingExample>> NotYetImportedAsync(RoutingDbContext db, List<TrainingExample> examples, CancellationToken ct)
    {
        var stored = await db.TrainingExamples.AsNoTracking().Where(e => e.Source == ExampleSource.Import)
            .Select(e => new { e.Text, e.Label }).ToListAsync(ct);
        var already = stored.CountBy(e => (e.Text, e.Label)).ToDictionary(g => g.Key, g => g.Value);
        var fresh = new List<TrainingExample>(examples.Count);
        foreach (var example in examples)
        {
            var key = (example.Text, example.Label);
            if (already.TryGetValue(key, out var left) && left > 0)
            {
                already[key] = left - 1;
                continue;
            }
            fresh.Add(example);
        }
        return fresh;
    }

    private static async Task<Results<Ok<ModelSummary>, ProblemHttpResult>> RetrainAsync(RoutingTrainer trainer, CancellationToken ct)
    {
        var result = await trainer.TrainAsync(ct);
        return result.Error is { } error ? error.ToProblem() : TypedResults.Ok(result.Value!);
    }

    private static async Task<Results<Ok<ModelSummary>, ProblemHttpResult>> ActivateAsync(string version, RoutingTrainer trainer,
        CancellationToken ct)
    {
        var result = await trainer.ActivateAsync(version, ct);
        return result.Error is { } error ? error.ToProblem() : TypedResults.Ok(result.Value!);
    }

    private static async Task<Results<Ok<RoutingOutcomesView>, ProblemHttpResult>> OutcomesAsync(int? days, RoutingDbContext db,
        DeadlinePolicy deadlines, IClock clock, CancellationToken ct)
    {
        var span = days ?? 30;
        if (span is < 1 or > 366)
        {
            var input = new Input();
            input.Add("days", "统计天数应在 1 到 366 之间。");
            return input.Failure.ToProblem();
        }
        var since = clock.GetCurrentInstant() - Duration.FromDays(span);
        return TypedResults.Ok(new RoutingOutcomesView(since.InZone(deadlines.Zone).ToDateTimeOffset(), span,
            await RoutingOutcomes.SinceAsync(db, since, ct)));
    }

    private static async Task<Ok<ModelSummary[]>> ModelsAsync(RoutingDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.RoutingModels.AsNoTracking()
            .Select(m => new RoutingModel
            {
                Version = m.Version,
                CreatedAt = m.CreatedAt,
                Examples = m.Examples,
                Threshold = m.Threshold,
                Accuracy = m.Accuracy,
                MacroF1 = m.MacroF1,
                DispatchShare = m.DispatchShare,
                Active = m.Active,
                HeldBackReason = m.HeldBackReason,
            })
            .ToListAsync(ct)).OrderByDescending(m => m.CreatedAt).Select(RoutingTrainer.Summary).ToArray());
}
