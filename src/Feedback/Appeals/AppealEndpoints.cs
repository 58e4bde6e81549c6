using System.Security.Claims;
using System.Text.Json;
using Hotline.Feedback.Ratings;
using Hotline.Feedback.Rectification;
using Hotline.Feedback.Storage;
using Hotline.Routing;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Feedback.Appeals;

public sealed record AppealRequest(string? Ground, string? Statement, string[]? Evidence);

public sealed record AppealDecisionRequest(bool? Uphold, string? Reason, int? Version);

public sealed record AppealView(Guid Id, Guid RatingId, Guid TicketId, string TrackingCode, string? DepartmentId, string Ground,
    string GroundLabel, string Statement, IReadOnlyList<string> Evidence, DateTimeOffset FiledAt, string FiledBy, string Status,
    string StatusLabel, DateTimeOffset? DecidedAt, string? DecidedBy, string? DecisionReason, int Version, IReadOnlyList<HistoryView>? History);

/// <summary>申诉复核: a department appeals a bad review of its own; a supervisor decides.</summary>
public static class AppealEndpoints
{
    public static RouteGroupBuilder MapAppeals(this RouteGroupBuilder feedback)
    {
        feedback.MapPost("/ratings/{ratingId:guid}/appeals", FileAsync).WithSummary("承办单位对差评提出申诉（附佐证）");
        feedback.MapGet("/appeals", ListAsync).WithSummary("申诉列表");
        feedback.MapGet("/appeals/{id:guid}", GetAsync).WithSummary("一项申诉及其记录");
        feedback.MapPost("/appeals/{id:guid}/decision", DecideAsync).WithSummary("督办复核：申诉成立（差评不计入考核）或不成立");
        return feedback;
    }

    private static async Task<Results<Created<AppealView>, ProblemHttpResult>> FileAsync(Guid ratingId, AppealRequest request, ClaimsPrincipal user,
        AppealDesk desk, AppealViews views, CancellationToken ct)
    {
        var input = new Input();
        var statement = input.Required(request.Statement, "statement", "申诉理由", 4_000);
        AppealGround? ground = null;
        foreach (var candidate in Enum.GetValues<AppealGround>())
        {
            if (string.Equals(request.Ground, candidate.ToString(), StringComparison.OrdinalIgnoreCase) || request.Ground == AppealLabels.Of(candidate))
            {
                ground = candidate;
            }
        }
        if (ground is null)
        {
            input.Add("ground", "请选择申诉类型：Mistaken（误评）或 Malicious（恶意差评）。");
        }
        var evidence = (request.Evidence ?? []).Select(e => e?.Trim() ?? "").ToArray();
        if (evidence.Length == 0 || evidence.Any(e => e.Length is 0 or > 200) || evidence.Length > 20)
        {
            input.Add("evidence", "申诉须附佐证材料（附件编号、录音编号等），1 到 20 项，每项不超过 200 个字符。");
        }
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var result = await desk.FileAsync(ratingId, StaffPrincipal.ToActor(user), ground!.Value, statement, evidence, ct);
        return result.Error is { } error ? error.ToProblem() : TypedResults.Created($"/api/feedback/appeals/{result.Value!.Id}", await views.OneAsync(result.Value, ct));
    }

    private static async Task<Ok<AppealView[]>> ListAsync(ClaimsPrincipal user, FeedbackDbContext db, AppealViews views, string? status, CancellationToken ct)
    {
        var actor = StaffPrincipal.ToActor(user);
        var query = db.Appeals.AsNoTracking();
        if (actor.Is(StaffRole.Department))
        {
            var own = actor.Department ?? new DepartmentId("");
            query = query.Where(a => a.DepartmentId == own);
        }
        if (Enum.TryParse<AppealStatus>(status, ignoreCase: true, out var s))
        {
            query = query.Where(a => a.Status == s);
        }
        var rows = await query.OrderByDescending(a => a.FiledAt).Take(500).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(a => views.View(a, null)).ToArray());
    }

    private static async Task<Results<Ok<AppealView>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, FeedbackDbContext db,
        AppealViews views, CancellationToken ct)
    {
        var appeal = await db.Appeals.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);
        if (appeal is null || !FeedbackAccess.CanSee(StaffPrincipal.ToActor(user), appeal.DepartmentId))
        {
            return new Routing.NotFound("申诉不存在，或不属于您的单位。").ToProblem();
        }
        return TypedResults.Ok(await views.OneAsync(appeal, ct));
    }

    private static async Task<Results<Ok<AppealView>, ProblemHttpResult>> DecideAsync(Guid id, AppealDecisionRequest request, ClaimsPrincipal user,
        AppealDesk desk, AppealViews views, CancellationToken ct)
    {
        var input = new Input();
        var reason = input.Required(request.Reason, "reason", "复核理由", 2_000);
        if (request.Uphold is null)
        {
            input.Add("uphold", "请给出复核结论（uphold: true 申诉成立，false 不成立）。");
        }
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var result = await desk.DecideAsync(id, StaffPrincipal.ToActor(user), request.Uphold!.Value, reason, request.Version, ct);
        return result.Error is { } error ? error.ToProblem() : TypedResults.Ok(await views.OneAsync(result.Value!, ct));
    }
}

public sealed class AppealViews(FeedbackDbContext db, RectificationDeadlines deadlines)
{
    public async Task<AppealView> OneAsync(Appeal appeal, CancellationToken ct)
    {
        var history = await db.History.AsNoTracking().Where(h => h.SubjectId == appeal.Id).OrderBy(h => h.At).ThenBy(h => h.Id).ToListAsync(ct);
        return View(appeal, [.. history.Select(RatingViews.History)]);
    }

    public AppealView View(Appeal a, IReadOnlyList<HistoryView>? history) => new(a.Id, a.RatingId, a.TicketId.Value, a.TrackingCode,
        a.DepartmentId?.Value, a.Ground.ToString(), AppealLabels.Of(a.Ground), a.Statement, JsonSerializer.Deserialize<string[]>(a.Evidence) ?? [],
        deadlines.Local(a.FiledAt), a.FiledBy, a.Status.ToString(), AppealLabels.Of(a.Status), deadlines.Local(a.DecidedAt), a.DecidedBy,
        a.DecisionReason, a.Version, history);
}
