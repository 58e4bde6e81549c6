using System.Security.Claims;
using Hotline.Knowledge.Articles;
using Hotline.Knowledge.Storage;
using Hotline.Routing.Deadlines;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Hotline.Routing.Dispatch;

public sealed record DispatchRequest(
    string? LeadDepartmentId,
    string?[]? CoHandlerDepartmentIds,
    string? Type,
    string? Urgency,
    string? CategoryId,
    string? AreaId,
    string? Note,
    int? Version);

/// <summary>
/// An answer given on the spot, closing the ticket. <c>ArticleId</c>: the knowledge article it was taken from, if any; recorded
/// with the answer (title and version), so a later change of the article can be traced to the citizens told the old text.
/// </summary>
public sealed record DirectAnswerRequest(string? Answer, int? Version, Guid? ArticleId = null);

public sealed record MergeRequest(Guid? TargetId, string? Note);

public sealed record NotAcceptedRequest(string? Reason, string? Route, int? Version);

public sealed record TransferRequest(string? Target, string? Note, int? Version);

public sealed record ReviewRequest(bool? Approve, string? Note, int? Version);

/// <summary>The centre's side: dispatch (派单) and redispatch, direct answers, merges, refusals, emergency transfers, return review.</summary>
public static class DispatchEndpoints
{
    public static RouteGroupBuilder MapDispatch(this RouteGroupBuilder tickets)
    {
        tickets.MapPost("/{id:guid}/dispatch", DispatchAsync).WithSummary("派单（含改派）");
        tickets.MapPost("/{id:guid}/direct-answer", DirectAnswerAsync).WithSummary("直接办结");
        tickets.MapPost("/{id:guid}/merge", MergeAsync).WithSummary("并单");
        tickets.MapPost("/{id:guid}/not-accepted", NotAcceptedAsync).WithSummary("不予受理");
        tickets.MapPost("/{id:guid}/transfer", TransferAsync).WithSummary("转 110/119/120/122");
        tickets.MapPost("/{id:guid}/return-review", ReviewReturnAsync).WithSummary("退单审核（派单异议审核）");
        return tickets;
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> DispatchAsync(
        Guid id, DispatchRequest request, ClaimsPrincipal user, TicketWorkflow workflow, RoutingDbContext db,
        DeadlinePolicy deadlines, CancellationToken ct)
    {
        var input = new Input();
        var leadText = input.Required(request.LeadDepartmentId, "leadDepartmentId", "主办单位", 64);
        var note = input.Optional(request.Note, "note", "派单说明", 2_000);
        TicketType? type = null;
        if (request.Type is { Length: > 0 })
        {
            if (TicketLabels.TryParseType(request.Type, out var t))
            {
                type = t;
            }
            else
            {
                input.Add("type", $"未知的诉求类型「{request.Type}」。");
            }
        }
        Urgency? urgency = null;
        if (request.Urgency is { Length: > 0 })
        {
            if (TicketLabels.TryParseUrgency(request.Urgency, out var u))
            {
                urgency = u;
            }
            else
            {
                input.Add("urgency", $"未知的紧急程度「{request.Urgency}」。可选：Normal、Utilities、Emergency。");
            }
        }
        if ((request.CoHandlerDepartmentIds ?? []).Any(string.IsNullOrWhiteSpace))
        {
            input.Add("coHandlerDepartmentIds", "协办单位编码不能为空。");
        }
        var coHandlerCodes = (request.CoHandlerDepartmentIds ?? []).OfType<string>().Select(d => d.Trim()).Where(d => d.Length > 0)
            .Distinct().ToList();
        var wanted = coHandlerCodes.Prepend(leadText).Where(d => d.Length > 0).Distinct().ToList();
        var active = await db.Departments.AsNoTracking().Where(d => d.Active).Select(d => d.Id).ToListAsync(ct);
        foreach (var unknown in wanted.Where(w => !active.Contains(new DepartmentId(w))))
        {
            input.Add(unknown == leadText ? "leadDepartmentId" : "coHandlerDepartmentIds", $"承办单位「{unknown}」不存在或已停用。");
        }
        await input.CheckCategoryAndAreaAsync(db, request.CategoryId, request.AreaId, ct);
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var lead = new DepartmentId(leadText);
        var coHandlers = coHandlerCodes.Select(d => new DepartmentId(d)).ToList();
        var result = await workflow.ChangeAsync(new TicketId(id), StaffPrincipal.ToActor(user), request.Version, async (ticket, now) =>
        {
            var set = await deadlines.ForDispatchAsync(now, ticket.ReceivedAt, firstDispatch: ticket.DispatchCount == 0,
                type ?? ticket.Type, urgency ?? ticket.Urgency, ct);
            var designated = ticket.ApprovedReturnCount >= deadlines.MaxReturnsBeforeDesignation;
            return ticket.Dispatch(StaffPrincipal.ToActor(user), now, new DispatchPlan(lead, coHandlers, set, designated, type, urgency,
                request.CategoryId is { Length: > 0 } ? request.CategoryId : null,
                request.AreaId is { Length: > 0 } ? request.AreaId : null, note));
        }, ct);
        return result.ToHttp();
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> DirectAnswerAsync(Guid id, DirectAnswerRequest request,
        ClaimsPrincipal user, TicketWorkflow workflow, KnowledgeDbContext knowledge, IClock clock, CancellationToken ct)
    {
        var input = new Input();
        var answer = input.Required(request.Answer, "answer", "答复内容", 10_000);
        Article? article = null;
        if (request.ArticleId is { } articleId)
        {
            article = await knowledge.Articles.AsNoTracking().SingleOrDefaultAsync(a => a.Id == articleId, ct);
            if (article is null)
            {
                input.Add("articleId", "所引用的知识不存在。");
            }
        }
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        if (article is not null && !article.IsInForce(ArticleSearch.Today(clock)))
        {
            // What a citizen is told on the record must be a rule in force: the same test, on the same date, as their own search.
            return new RuleViolated($"知识「{article.Title}」未发布或不在有效期内，不能作为答复依据。").ToProblem();
        }
        var source = article is null ? null : new KnowledgeSource(article.Id, article.Version, article.Title);
        var actor = StaffPrincipal.ToActor(user);
        return (await workflow.ChangeAsync(new TicketId(id), actor, request.Version,
            (ticket, now) => Task.FromResult(ticket.DirectAnswer(actor, now, answer, source)), ct)).ToHttp();
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> MergeAsync(
        Guid id, MergeRequest request, ClaimsPrincipal user, TicketWorkflow workflow, CancellationToken ct)
    {
        var input = new Input();
        var note = input.Optional(request.Note, "note", "并单说明", 2_000);
        if (request.TargetId is null)
        {
            input.Add("targetId", "请指定要并入的工单。");
        }
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        return (await workflow.MergeAsync(new TicketId(id), new TicketId(request.TargetId!.Value), StaffPrincipal.ToActor(user), note, ct))
            .ToHttp();
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> NotAcceptedAsync(
        Guid id, NotAcceptedRequest request, ClaimsPrincipal user, TicketWorkflow workflow, CancellationToken ct)
    {
        var input = new Input();
        var route = input.Required(request.Route, "route", "告知市民的办理渠道", 2_000);
        if (!Enum.TryParse<NotAcceptedReason>(request.Reason, ignoreCase: true, out var reason) || !Enum.IsDefined(reason))
        {
            input.Add("reason", $"请选择不予受理的原因：{string.Join("、", Enum.GetNames<NotAcceptedReason>())}。");
        }
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var actor = StaffPrincipal.ToActor(user);
        return (await workflow.ChangeAsync(new TicketId(id), actor, request.Version,
            (ticket, now) => Task.FromResult(ticket.RefuseAcceptance(actor, now, reason, route)), ct)).ToHttp();
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> TransferAsync(
        Guid id, TransferRequest request, ClaimsPrincipal user, TicketWorkflow workflow, CancellationToken ct)
    {
        var input = new Input();
        var note = input.Optional(request.Note, "note", "转交说明", 2_000);
        var target = Enum.GetValues<TransferTarget>().Cast<TransferTarget?>()
            .FirstOrDefault(t => TicketLabels.Of(t!.Value) == request.Target?.Trim()
                || string.Equals(t!.Value.ToString(), request.Target?.Trim(), StringComparison.OrdinalIgnoreCase));
        if (target is null)
        {
            input.Add("target", "请选择转交对象：110、119、120 或 122。");
        }
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var actor = StaffPrincipal.ToActor(user);
        return (await workflow.ChangeAsync(new TicketId(id), actor, request.Version,
            (ticket, now) => Task.FromResult(ticket.TransferToEmergency(actor, now, target!.Value, note)), ct)).ToHttp();
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> ReviewReturnAsync(
        Guid id, ReviewRequest request, ClaimsPrincipal user, TicketWorkflow workflow, CancellationToken ct)
    {
        var input = new Input();
        var note = input.Optional(request.Note, "note", "审核意见", 2_000);
        if (request.Approve is null)
        {
            input.Add("approve", "请给出审核结论（approve: true 同意退单，false 驳回）。");
        }
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var actor = StaffPrincipal.ToActor(user);
        return (await workflow.ChangeAsync(new TicketId(id), actor, request.Version,
            (ticket, now) => Task.FromResult(ticket.ReviewReturn(actor, now, request.Approve!.Value, note)), ct)).ToHttp();
    }
}
