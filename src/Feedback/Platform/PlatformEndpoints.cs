using System.Security.Claims;
using Hotline.Feedback.Storage;
using Hotline.Routing;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Feedback.Platform;

/// <summary>One attempt to push a record, as supervisors and admins read the audit.</summary>
public sealed record PlatformDeliveryView(Guid Id, Guid RecordId, string RecordType, Guid RatingId, Guid TicketId, string TrackingCode,
    int Attempt, DateTimeOffset AttemptedAt, string Endpoint, int? HttpStatus, string Outcome, string? Detail, string PayloadSha256,
    string Payload);

/// <summary>The audit of what was sent to the 好差评 platform (<c>GET /api/feedback/platform/deliveries</c>).</summary>
public static class PlatformEndpoints
{
    public static RouteGroupBuilder MapPlatformDeliveries(this RouteGroupBuilder feedback)
    {
        feedback.MapGet("/platform/deliveries", ListAsync).WithSummary("推送至好差评平台的记录（每次发送一行，督办人员和管理员可查）");
        return feedback;
    }

    private static async Task<Results<Ok<PlatformDeliveryView[]>, ProblemHttpResult>> ListAsync(ClaimsPrincipal user, FeedbackDbContext db,
        Rectification.RectificationDeadlines time, Guid? recordId, Guid? ticketId,
        string? outcome, CancellationToken ct)
    {
        var actor = StaffPrincipal.ToActor(user);
        if (!actor.IsAnyOf(StaffRole.Supervisor, StaffRole.Admin))
        {
            return new NotPermitted("推送记录只有督办人员和系统管理员可以查看。").ToProblem();
        }
        var query = db.PlatformDeliveries.AsNoTracking();
        if (outcome is { Length: > 0 })
        {
            if (!Enum.TryParse<PlatformOutcome>(outcome, ignoreCase: true, out var wanted) || !Enum.IsDefined(wanted))
            {
                return ValidationFailed.One("outcome", "推送结果只能是 Delivered（已送达）、Retrying（待重试）或 Failed（失败，不再重试）。").ToProblem();
            }
            query = query.Where(d => d.Outcome == wanted);
        }
        if (recordId is { } record)
        {
            query = query.Where(d => d.RecordId == record);
        }
        if (ticketId is { } t)
        {
            var id = new TicketId(t);
            query = query.Where(d => d.TicketId == id);
        }
        var rows = await query.OrderByDescending(d => d.AttemptedAt).ThenByDescending(d => d.Id).Take(500).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(d => new PlatformDeliveryView(d.Id, d.RecordId, d.RecordType, d.RatingId, d.TicketId.Value,
            d.TrackingCode, d.Attempt, time.Local(d.AttemptedAt), d.Endpoint, d.HttpStatus, d.Outcome.ToString(), d.Detail, d.PayloadSha256,
            d.Payload)).ToArray());
    }
}
