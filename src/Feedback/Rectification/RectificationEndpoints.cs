using System.Security.Claims;
using System.Text.Json;
using Hotline.Feedback.Ratings;
using Hotline.Feedback.Storage;
using Hotline.Routing;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Hotline.Feedback.Rectification;

public sealed record RectificationView(Guid Id, Guid RatingId, Guid TicketId, string TrackingCode, string? DepartmentId, string Stage,
    string StageLabel, DateTimeOffset OpenedAt, DateTimeOffset VerifyDue, DateTimeOffset RectifyDue, DateTimeOffset? ReviewDue,
    DateTimeOffset? FollowUpEnds, DateTimeOffset? CurrentDue, bool Overdue, DateTimeOffset? VerifiedAt, bool? CitizenReached,
    string? VerifyNote, DateTimeOffset? ClassifiedAt, string? Kind, string? KindLabel, string? ClassifyNote, DateTimeOffset? RecordedAt,
    string? Action, IReadOnlyList<string> Evidence, DateTimeOffset? ReportedBackAt, string? ReportText, DateTimeOffset? AcceptedAt,
    string? ReviewNote, int SentBackCount, Guid? FollowUpRatingId, DateTimeOffset? ClosedAt, string? Outcome, string? OutcomeLabel,
    bool? RectifiedOnTime, IReadOnlyList<string> UrgedSteps, int Version, IReadOnlyList<HistoryView>? History);

public sealed record VerifyRequest(bool? Reached, string? Note, int? Version);

public sealed record ClassifyRequest(string? Kind, string? Note, int? Version);

public sealed record RecordRequest(string? Action, string[]? Evidence, int? Version);

public sealed record ReportBackRequest(string? Text, int? Version);

public sealed record ReviewRequest(bool? Accept, string? Note, int? Version);

/// <summary>差评整改 under <c>/api/feedback/rectifications</c>: lists, one record with its history, and the steps in order.</summary>
public static class RectificationEndpoints
{
    public static RouteGroupBuilder MapRectifications(this RouteGroupBuilder feedback)
    {
        feedback.MapGet("/rectifications", ListAsync).WithSummary("差评整改列表（承办单位只看到本单位的）");
        feedback.MapGet("/rectifications/overdue", OverdueAsync).WithSummary("超期未办的整改步骤（督办）");
        feedback.MapGet("/rectifications/{id:guid}", GetAsync).WithSummary("整改记录及其全部历史");
        feedback.MapPost("/rectifications/{id:guid}/verify", VerifyAsync).WithSummary("核实（回访市民）");
        feedback.MapPost("/rectifications/{id:guid}/classify", ClassifyAsync).WithSummary("分类定性：立行立改 / 建立台账、限期整改 / 解释说明");
        feedback.MapPost("/rectifications/{id:guid}/record", RecordAsync).WithSummary("记录整改情况及佐证材料");
        feedback.MapPost("/rectifications/{id:guid}/report-back", ReportBackAsync).WithSummary("向市民反馈整改结果");
        feedback.MapPost("/rectifications/{id:guid}/review", ReviewAsync).WithSummary("督办审核：通过或退回");
        return feedback;
    }

    private static async Task<Results<Ok<RectificationView[]>, ProblemHttpResult>> ListAsync(ClaimsPrincipal user, FeedbackDbContext db,
        RectificationViews views, string? stage, CancellationToken ct)
    {
        var actor = StaffPrincipal.ToActor(user);
        var query = db.Rectifications.AsNoTracking();
        if (actor.Is(StaffRole.Department))
        {
            var own = actor.Department ?? new DepartmentId("");
            query = query.Where(r => r.DepartmentId == own);
        }
        if (stage is { Length: > 0 })
        {
            if (!Enum.TryParse<RectificationStage>(stage, ignoreCase: true, out var s) || !Enum.IsDefined(s))
            {
                return ValidationFailed.One("stage", $"未知的整改阶段「{stage}」。可选：{string.Join("、", Enum.GetNames<RectificationStage>())}。").ToProblem();
            }
            query = query.Where(r => r.Stage == s);
        }
        var rows = await query.OrderByDescending(r => r.OpenedAt).Take(500).ToListAsync(ct);
        return TypedResults.Ok(await views.ManyAsync(rows, ct));
    }

    private static async Task<Results<Ok<RectificationView[]>, ProblemHttpResult>> OverdueAsync(ClaimsPrincipal user, FeedbackDbContext db,
        RectificationViews views, IClock clock, CancellationToken ct)
    {
        var actor = StaffPrincipal.ToActor(user);
        if (!actor.IsAnyOf(StaffRole.Supervisor, StaffRole.Agent, StaffRole.Department))
        {
            return new NotPermitted("只有督办人员、话务员和承办单位可以查看超期整改。").ToProblem();
        }
        var now = clock.GetCurrentInstant();
        var query = db.Rectifications.AsNoTracking().Where(r =>
            (r.Stage == RectificationStage.Verify && r.VerifyDueAt < now)
            || ((r.Stage == RectificationStage.Classify || r.Stage == RectificationStage.Record || r.Stage == RectificationStage.ReportBack)
                && r.RectifyDueAt < now)
            || (r.Stage == RectificationStage.Review && r.ReviewDueAt < now));
        if (actor.Is(StaffRole.Department))
        {
            var own = actor.Department ?? new DepartmentId("");
            query = query.Where(r => r.DepartmentId == own);
        }
        var rows = await query.OrderBy(r => r.OpenedAt).Take(500).ToListAsync(ct);
        return TypedResults.Ok(await views.ManyAsync(rows, ct));
    }

    private static async Task<Results<Ok<RectificationView>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, RectificationDesk desk,
        RectificationViews views, CancellationToken ct)
    {
        var record = await desk.LoadVisibleAsync(id, StaffPrincipal.ToActor(user), ct);
        return record is null
            ? new Routing.NotFound("整改记录不存在，或不属于您的单位。").ToProblem()
            : TypedResults.Ok(await views.OneAsync(record, ct));
    }

    private static Task<Results<Ok<RectificationView>, ProblemHttpResult>> VerifyAsync(Guid id, VerifyRequest request, ClaimsPrincipal user,
        RectificationDesk desk, RectificationViews views, CancellationToken ct)
    {
        var input = new Input();
        var note = input.Required(request.Note, "note", "核实情况", 2_000);
        if (request.Reached is null)
        {
            input.Add("reached", "请记录是否联系上市民（reached）。");
        }
        return RunAsync(input, () => new RectificationStep.Verify(request.Reached ?? false, note), id, request.Version, user, desk, views, ct);
    }

    private static Task<Results<Ok<RectificationView>, ProblemHttpResult>> ClassifyAsync(Guid id, ClassifyRequest request, ClaimsPrincipal user,
        RectificationDesk desk, RectificationViews views, CancellationToken ct)
    {
        var input = new Input();
        var note = input.Required(request.Note, "note", "定性说明", 2_000);
        RectificationKind? kind = null;
        foreach (var candidate in Enum.GetValues<RectificationKind>())
        {
            if (string.Equals(request.Kind, candidate.ToString(), StringComparison.OrdinalIgnoreCase) || request.Kind == RectificationRecord.Labels.Of(candidate))
            {
                kind = candidate;
            }
        }
        if (kind is null)
        {
            input.Add("kind", "请选择定性：FixNow（立行立改）、RegisterAndFix（建立台账、限期整改）或 Explain（解释说明）。");
        }
        return RunAsync(input, () => new RectificationStep.Classify(kind!.Value, note), id, request.Version, user, desk, views, ct);
    }

    private static Task<Results<Ok<RectificationView>, ProblemHttpResult>> RecordAsync(Guid id, RecordRequest request, ClaimsPrincipal user,
        RectificationDesk desk, RectificationViews views, CancellationToken ct)
    {
        var input = new Input();
        var action = input.Required(request.Action, "action", "整改情况", 4_000);
        var evidence = (request.Evidence ?? []).Select(e => e?.Trim() ?? "").ToArray();
        if (evidence.Length == 0 || evidence.Any(e => e.Length == 0))
        {
            input.Add("evidence", "请提供佐证材料（附件编号、文书号等），每项不能为空。");
        }
        else if (evidence.Length > 20 || evidence.Any(e => e.Length > 200))
        {
            input.Add("evidence", "佐证材料最多 20 项，每项不超过 200 个字符。");
        }
        return RunAsync(input, () => new RectificationStep.Record(action, evidence), id, request.Version, user, desk, views, ct);
    }

    private static Task<Results<Ok<RectificationView>, ProblemHttpResult>> ReportBackAsync(Guid id, ReportBackRequest request, ClaimsPrincipal user,
        RectificationDesk desk, RectificationViews views, CancellationToken ct)
    {
        var input = new Input();
        var text = input.Required(request.Text, "text", "反馈市民的内容", 2_000);
        return RunAsync(input, () => new RectificationStep.ReportBack(text), id, request.Version, user, desk, views, ct);
    }

    private static Task<Results<Ok<RectificationView>, ProblemHttpResult>> ReviewAsync(Guid id, ReviewRequest request, ClaimsPrincipal user,
        RectificationDesk desk, RectificationViews views, CancellationToken ct)
    {
        var input = new Input();
        var note = input.Optional(request.Note, "note", "审核意见", 2_000);
        if (request.Accept is null)
        {
            input.Add("accept", "请给出审核结论（accept: true 通过，false 退回承办单位）。");
        }
        else if (request.Accept == false && note is null)
        {
            input.Add("note", "退回整改时请写明理由。");
        }
        return RunAsync(input, () => new RectificationStep.Review(request.Accept ?? false, note), id, request.Version, user, desk, views, ct);
    }

    private static async Task<Results<Ok<RectificationView>, ProblemHttpResult>> RunAsync(Input input, Func<RectificationStep> step, Guid id,
        int? version, ClaimsPrincipal user, RectificationDesk desk, RectificationViews views, CancellationToken ct)
    {
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var result = await desk.ApplyAsync(id, StaffPrincipal.ToActor(user), version, step(), ct);
        return result.Error is { } error ? error.ToProblem() : TypedResults.Ok(await views.OneAsync(result.Value!, ct));
    }
}

/// <summary>Builds rectification views: local times, the current deadline, the steps already urged.</summary>
public sealed class RectificationViews(FeedbackDbContext db, RectificationDeadlines deadlines, IClock clock)
{
    public async Task<RectificationView[]> ManyAsync(IReadOnlyList<RectificationRecord> records, CancellationToken ct)
    {
        var ids = records.Select(r => r.Id).ToList();
        var urges = (await db.RectificationUrges.AsNoTracking().Where(u => ids.Contains(u.RectificationId)).ToListAsync(ct))
            .ToLookup(u => u.RectificationId, u => u.Step.ToString());
        return [.. records.Select(r => View(r, [.. urges[r.Id]], null))];
    }

    public async Task<RectificationView> OneAsync(RectificationRecord record, CancellationToken ct)
    {
        var urged = await db.RectificationUrges.AsNoTracking().Where(u => u.RectificationId == record.Id).Select(u => u.Step).ToListAsync(ct);
        var history = await db.History.AsNoTracking().Where(h => h.SubjectId == record.Id).OrderBy(h => h.At).ThenBy(h => h.Id).ToListAsync(ct);
        return View(record, [.. urged.Select(s => s.ToString())], [.. history.Select(RatingViews.History)]);
    }

    private RectificationView View(RectificationRecord r, IReadOnlyList<string> urged, IReadOnlyList<HistoryView>? history)
    {
        var now = clock.GetCurrentInstant();
        return new RectificationView(r.Id, r.RatingId, r.TicketId.Value, r.TrackingCode, r.DepartmentId?.Value, r.Stage.ToString(),
            RectificationRecord.Labels.Of(r.Stage), deadlines.Local(r.OpenedAt), deadlines.Local(r.VerifyDueAt), deadlines.Local(r.RectifyDueAt),
            deadlines.Local(r.ReviewDueAt), deadlines.Local(r.FollowUpEndsAt), deadlines.Local(r.CurrentDueAt), r.CurrentDueAt is { } due && now > due,
            deadlines.Local(r.VerifiedAt), r.CitizenReached, r.VerifyNote, deadlines.Local(r.ClassifiedAt), r.Kind?.ToString(),
            r.Kind is { } kind ? RectificationRecord.Labels.Of(kind) : null, r.ClassifyNote, deadlines.Local(r.RecordedAt), r.Action,
            r.Evidence is { } json ? JsonSerializer.Deserialize<string[]>(json) ?? [] : [], deadlines.Local(r.ReportedBackAt), r.ReportText,
            deadlines.Local(r.AcceptedAt), r.ReviewNote, r.SentBackCount, r.FollowUpRatingId, deadlines.Local(r.ClosedAt), r.Outcome?.ToString(),
            r.Outcome is { } outcome ? RectificationRecord.Labels.Of(outcome) : null, r.RectifiedOnTime, urged, r.Version, history);
    }
}
