using System.Security.Claims;
using Hotline.Routing.Deadlines;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hotline.Routing.Handling;

public sealed record VersionRequest(int? Version);

public sealed record ReturnRequest(string? Reason, int? Version);

public sealed record ExtensionRequest(int? Days, string? Reason, int? Version);

public sealed record OpinionRequest(string? Opinion, int? Version);

public sealed record ReplyRequest(string? Reply, string? InternalNote, int? Version);

/// <summary>The department's side (承办单位): sign, return, ask for more time, co-handler opinions, reply.</summary>
public static class HandlingEndpoints
{
    public static RouteGroupBuilder MapHandling(this RouteGroupBuilder tickets)
    {
        tickets.MapPost("/{id:guid}/sign", SignAsync).WithSummary("签收");
        tickets.MapPost("/{id:guid}/return", ReturnAsync).WithSummary("退单（非本单位职责）");
        tickets.MapPost("/{id:guid}/extension", RequestExtensionAsync).WithSummary("延期申请");
        tickets.MapPost("/{id:guid}/co-handler-opinion", OpinionAsync).WithSummary("协办意见");
        tickets.MapPost("/{id:guid}/reply", ReplyAsync).WithSummary("答复");
        return tickets;
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> SignAsync(
        Guid id, VersionRequest? request, ClaimsPrincipal user, TicketWorkflow workflow, CancellationToken ct)
    {
        var actor = StaffPrincipal.ToActor(user);
        return (await workflow.ChangeAsync(new TicketId(id), actor, request?.Version,
            (ticket, now) => Task.FromResult(ticket.Sign(actor, now)), ct)).ToHttp();
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> ReturnAsync(
        Guid id, ReturnRequest request, ClaimsPrincipal user, TicketWorkflow workflow, CancellationToken ct)
    {
        var input = new Input();
        var reason = input.Required(request.Reason, "reason", "退单理由", 2_000);
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var actor = StaffPrincipal.ToActor(user);
        return (await workflow.ChangeAsync(new TicketId(id), actor, request.Version,
            (ticket, now) => Task.FromResult(ticket.RequestReturn(actor, now, reason)), ct)).ToHttp();
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> RequestExtensionAsync(
        Guid id, ExtensionRequest request, ClaimsPrincipal user, TicketWorkflow workflow, DeadlinePolicy deadlines, CancellationToken ct)
    {
        var input = new Input();
        var reason = input.Required(request.Reason, "reason", "延期理由", 2_000);
        if (request.Days is not { } days || days < 1 || days > deadlines.MaxExtensionWorkingDays)
        {
            input.Add("days", $"请填写延期的工作日数（1 到 {deadlines.MaxExtensionWorkingDays} 天）。");
        }
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var actor = StaffPrincipal.ToActor(user);
        return (await workflow.ChangeAsync(new TicketId(id), actor, request.Version,
            (ticket, now) => Task.FromResult(ticket.RequestExtension(actor, now, request.Days!.Value, reason, deadlines.MaxExtensionWorkingDays)),
            ct)).ToHttp();
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> OpinionAsync(
        Guid id, OpinionRequest request, ClaimsPrincipal user, TicketWorkflow workflow, CancellationToken ct)
    {
        var input = new Input();
        var opinion = input.Required(request.Opinion, "opinion", "协办意见", 10_000);
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var actor = StaffPrincipal.ToActor(user);
        return (await workflow.ChangeAsync(new TicketId(id), actor, request.Version,
            (ticket, now) => Task.FromResult(ticket.AddCoHandlerOpinion(actor, now, opinion)), ct)).ToHttp();
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> ReplyAsync(
        Guid id, ReplyRequest request, ClaimsPrincipal user, TicketWorkflow workflow, CancellationToken ct)
    {
        var input = new Input();
        var reply = input.Required(request.Reply, "reply", "答复内容", 10_000);
        var note = input.Optional(request.InternalNote, "internalNote", "内部备注", 2_000);
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var actor = StaffPrincipal.ToActor(user);
        return (await workflow.ChangeAsync(new TicketId(id), actor, request.Version,
            (ticket, now) => Task.FromResult(ticket.Reply(actor, now, reply, note)), ct)).ToHttp();
    }
}
