using System.Security.Claims;
using Hotline.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hotline.Feedback.Ratings;

public sealed record CitizenRatingRequest(int? Level, int? Overall, int? Efficiency, int? Attitude, int? Result, string? Comment);

/// <summary>
/// The citizen's side of rating (<c>/api/citizen/ratings/{token}</c>): what the signed link rates, masked, and the rating itself.
/// The token is the proof that the rater is the ticket's citizen; a signed-in staff member is refused even with a valid token.
/// </summary>
public static class CitizenRatingEndpoints
{
    public static RouteGroupBuilder MapCitizenRatings(this RouteGroupBuilder citizen)
    {
        citizen.MapGet("/ratings/{token}", DescribeAsync).WithSummary("评价链接：查看待评价的工单（脱敏）");
        citizen.MapPost("/ratings/{token}", RateAsync).WithSummary("评价链接：提交评价");
        return citizen;
    }

    private static async Task<Results<Ok<RatingTarget>, ProblemHttpResult>> DescribeAsync(string token, RatingTokens tokens, RatingService ratings,
        CancellationToken ct)
    {
        var (invitation, expired) = await tokens.ReadAsync(token, ct);
        if (Refuse(invitation, expired) is { } refused)
        {
            return refused.ToProblem();
        }
        return (await ratings.DescribeAsync(invitation!, ct)).ToHttp();
    }

    private static async Task<Results<Created<RatingReceipt>, ProblemHttpResult>> RateAsync(string token, CitizenRatingRequest request,
        ClaimsPrincipal user, RatingTokens tokens, RatingService ratings, CancellationToken ct)
    {
        if (user.Identity?.IsAuthenticated == true)
        {
            return new NotPermitted("评价只能由市民本人作出，工作人员不能代替市民评价。").ToProblem();
        }
        var (invitation, expired) = await tokens.ReadAsync(token, ct);
        if (Refuse(invitation, expired) is { } refused)
        {
            return refused.ToProblem();
        }
        var result = await ratings.SubmitAsync(invitation!.TicketId,
            new RatingInput(request.Level, request.Overall, request.Efficiency, request.Attitude, request.Result, request.Comment),
            new Rater.ByLink(invitation), ct);
        return result.Error is { } error ? error.ToProblem() : TypedResults.Created((string?)null, result.Value!);
    }

    internal static HotlineError? Refuse(RatingInvitation? invitation, bool expired)
    {
        if (invitation is null)
        {
            return new Routing.NotFound("评价链接无效，请使用短信中的完整链接。");
        }
        return expired ? new RuleViolated("评价链接已过期，已超过评价期限。如对办理结果仍有意见，请拨打 12345。") : null;
    }
}

/// <summary>Maps Feedback's results to HTTP in one place.</summary>
internal static class FeedbackHttp
{
    public static Results<Ok<T>, ProblemHttpResult> ToHttp<T>(this Routing.Tickets.Result<T> result) =>
        result.Error is { } error ? error.ToProblem() : TypedResults.Ok(result.Value!);
}
