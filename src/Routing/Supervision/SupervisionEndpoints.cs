using System.Security.Claims;
using Hotline.Routing.Deadlines;
using Hotline.Routing.Dispatch;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hotline.Routing.Supervision;

public sealed record UrgeRequest(string? Message, int? Version);

/// <summary>Supervisors (督办): urge a ticket, decide extension requests.</summary>
public static class SupervisionEndpoints
{
    public static RouteGroupBuilder MapSupervision(this RouteGroupBuilder tickets)
    {
        tickets.MapPost("/{id:guid}/urge", UrgeAsync).WithSummary("督办/催办");
        tickets.MapPost("/{id:guid}/extension-review", ReviewExtensionAsync).WithSummary("延期审批");
        return tickets;
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> UrgeAsync(
        Guid id, UrgeRequest request, ClaimsPrincipal user, TicketWorkflow workflow, CancellationToken ct)
    {
        var input = new Input();
        var message = input.Required(request.Message, "message", "督办意见", 2_000);
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var actor = StaffPrincipal.ToActor(user);
        return (await workflow.ChangeAsync(new TicketId(id), actor, request.Version,
            (ticket, now) => Task.FromResult(ticket.Urge(actor, now, message)), ct)).ToHttp();
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> ReviewExtensionAsync(
        Guid id, ReviewRequest request, ClaimsPrincipal user, TicketWorkflow workflow, DeadlinePolicy deadlines, CancellationToken ct)
    {
        var input = new Input();
        var note = input.Optional(request.Note, "note", "审批意见", 2_000);
        if (request.Approve is null)
        {
            input.Add("approve", "请给出审批结论（approve: true 批准，false 不批准）。");
        }
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var actor = StaffPrincipal.ToActor(user);
        return (await workflow.ChangeAsync(new TicketId(id), actor, request.Version, async (ticket, now) =>
        {
            var extend = await deadlines.ExtenderAsync(ct);
            return ticket.ReviewExtension(actor, now, request.Approve!.Value, note, extend);
        }, ct)).ToHttp();
    }
}
