using System.Security.Claims;
using Hotline.Routing.Deadlines;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hotline.Routing.Callback;

public sealed record CallbackRequest(bool? Reached, bool? Solved, int? Satisfaction, string? Note, int? Version);

public sealed record CloseRequest(string? Note, int? Version);

public sealed record RehandleRequest(string? Reason, int? Version);

/// <summary>After the reply: the callback (回访), closing (办结) and re-handling (重办).</summary>
public static class CallbackEndpoints
{
    public static RouteGroupBuilder MapCallback(this RouteGroupBuilder tickets)
    {
        tickets.MapPost("/{id:guid}/callback", CallbackAsync).WithSummary("回访结果");
        tickets.MapPost("/{id:guid}/close", CloseAsync).WithSummary("办结");
        tickets.MapPost("/{id:guid}/rehandle", RehandleAsync).WithSummary("重办");
        return tickets;
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> CallbackAsync(
        Guid id, CallbackRequest request, ClaimsPrincipal user, TicketWorkflow workflow, CancellationToken ct)
    {
        var input = new Input();
        var note = input.Optional(request.Note, "note", "回访记录", 2_000);
        if (request.Reached is null)
        {
            input.Add("reached", "请记录是否联系上市民（reached）。");
        }
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var actor = StaffPrincipal.ToActor(user);
        return (await workflow.ChangeAsync(new TicketId(id), actor, request.Version,
            (ticket, now) => Task.FromResult(ticket.RecordCallback(actor, now, request.Reached!.Value, request.Solved, request.Satisfaction, note)),
            ct)).ToHttp();
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> CloseAsync(
        Guid id, CloseRequest? request, ClaimsPrincipal user, TicketWorkflow workflow, CancellationToken ct)
    {
        var input = new Input();
        var note = input.Optional(request?.Note, "note", "办结说明", 2_000);
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var actor = StaffPrincipal.ToActor(user);
        return (await workflow.ChangeAsync(new TicketId(id), actor, request?.Version,
            (ticket, now) => Task.FromResult(ticket.Close(actor, now, note)), ct)).ToHttp();
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> RehandleAsync(
        Guid id, RehandleRequest request, ClaimsPrincipal user, TicketWorkflow workflow, DeadlinePolicy deadlines, CancellationToken ct)
    {
        var input = new Input();
        var reason = input.Required(request.Reason, "reason", "重办理由", 2_000);
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var actor = StaffPrincipal.ToActor(user);
        return (await workflow.ChangeAsync(new TicketId(id), actor, request.Version, async (ticket, now) =>
        {
            var set = await deadlines.ForDispatchAsync(now, ticket.ReceivedAt, firstDispatch: false, ticket.Type, ticket.Urgency, ct);
            return ticket.Rehandle(actor, now, reason, set);
        }, ct)).ToHttp();
    }
}
