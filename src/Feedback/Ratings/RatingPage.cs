using System.Globalization;
using System.Security.Claims;
using System.Text;
using Hotline.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hotline.Feedback.Ratings;

/// <summary>
/// The page the rating invitation links to (<c>/rate/{token}</c>): the ticket (masked), the five levels and a comment, as a plain
/// HTML form posted back to the same address, so rating works with JavaScript off. A browser running scripts moves on to the
/// web console's rating page (<c>/citizen/rate/{token}</c>), which offers the same and large text. Both go through
/// <see cref="RatingService"/> with the same rules as the citizen rating API.
/// </summary>
public static class RatingPage
{
    public const string PathPrefix = "/rate/";
    public const string ConsolePathPrefix = "/citizen/rate/";
    private const string Title = "服务评价";

    public static IEndpointRouteBuilder MapRatingPage(this IEndpointRouteBuilder app, string? rateLimitPolicy = null)
    {
        var show = app.MapGet(PathPrefix + "{token}", ShowAsync).AllowAnonymous().ExcludeFromDescription();
        var rate = app.MapPost(PathPrefix + "{token}", RateAsync).AllowAnonymous().ExcludeFromDescription();
        if (rateLimitPolicy is not null)
        {
            show.RequireRateLimiting(rateLimitPolicy);
            rate.RequireRateLimiting(rateLimitPolicy);
        }
        return app;
    }

    private static async Task<ContentHttpResult> ShowAsync(string token, HttpResponse response, RatingTokens tokens, RatingService ratings,
        CancellationToken ct)
    {
        var enhanceTo = ConsolePathPrefix + Uri.EscapeDataString(Trim(token));
        var (invitation, expired) = await tokens.ReadAsync(token, ct);
        if (Refuse(invitation, expired) is { } refused)
        {
            return Error(response, refused, enhanceTo);
        }
        var target = await ratings.DescribeAsync(invitation!, ct);
        if (target.Error is { } error)
        {
            return Error(response, error, enhanceTo);
        }
        var body = new StringBuilder(Summary(target.Value!));
        body.Append(target.Value!.AlreadyRated
            ? "<p>您已评价过这件诉求，感谢您的参与。</p>"
            : Form(token, target.Value!, null));
        return PlainPage.Render(response, Title, body.ToString(), enhanceTo);
    }

    private static async Task<ContentHttpResult> RateAsync(string token, HttpRequest request, ClaimsPrincipal user, RatingTokens tokens,
        RatingService ratings, CancellationToken ct)
    {
        var response = request.HttpContext.Response;
        if (user.Identity?.IsAuthenticated == true)
        {
            return Error(response, new NotPermitted("评价只能由市民本人作出，工作人员不能代替市民评价。"), null);
        }
        var (invitation, expired) = await tokens.ReadAsync(token, ct);
        if (Refuse(invitation, expired) is { } refused)
        {
            return Error(response, refused, null);
        }
        var form = request.HasFormContentType ? await request.ReadFormAsync(ct) : null;
        int? level = int.TryParse(form?["level"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : null;
        var comment = form?["comment"].ToString();
        var result = await ratings.SubmitAsync(invitation!.TicketId,
            new RatingInput(level, Comment: string.IsNullOrWhiteSpace(comment) ? null : comment), new Rater.ByLink(invitation), ct);
        if (result.Error is ValidationFailed invalid && await ratings.DescribeAsync(invitation, ct) is { Value: { } target })
        {
            // Show the form again with what was wrong and what the citizen wrote.
            var messages = string.Concat(invalid.Errors.Values.SelectMany(m => m).Select(m => $"<p class=\"error\" role=\"alert\">{PlainPage.Encode(m)}</p>"));
            return PlainPage.Render(response, Title, Summary(target) + messages + Form(token, target, comment), statusCode: StatusCodes.Status400BadRequest);
        }
        if (result.Error is { } error)
        {
            return Error(response, error, null);
        }
        var receipt = result.Value!;
        var thanks = $"<p class=\"done\" role=\"status\">感谢您的评价！工单 {PlainPage.Encode(receipt.TrackingCode)}：" +
            $"「{PlainPage.Encode(receipt.LevelLabel)}」，已记录。</p>" +
            (receipt.BadReview ? "<p>我们已将您的意见转交承办单位整改，整改完成后会请您再评价一次。</p>" : "");
        return PlainPage.Render(response, Title, thanks);
    }

    private static string Summary(RatingTarget target)
    {
        var html = new StringBuilder();
        html.Append("<dl>");
        html.Append($"<dt>查询码</dt><dd>{PlainPage.Encode(target.TrackingCode)}</dd>");
        html.Append($"<dt>标题</dt><dd>{PlainPage.Encode(target.Title)}</dd>");
        html.Append($"<dt>承办单位</dt><dd>{PlainPage.Encode(target.Department ?? "12345 热线")}</dd>");
        html.Append("</dl>");
        if (target.Reply is { } reply)
        {
            html.Append($"<h2>答复内容</h2><div class=\"reply\">{PlainPage.Encode(reply)}</div>");
        }
        if (target.RectificationReport is { } report)
        {
            html.Append($"<h2>整改情况</h2><div class=\"reply\">{PlainPage.Encode(report)}</div>");
        }
        return html.ToString();
    }

    private static string Form(string token, RatingTarget target, string? comment)
    {
        var levels = string.Concat(target.Levels.Select(l =>
            $"<label><input type=\"radio\" name=\"level\" value=\"{l.Level}\" required> {PlainPage.Encode(l.Label)}</label>"));
        return $"""
            <form method="post" action="{PlainPage.Encode(PathPrefix + Uri.EscapeDataString(Trim(token)))}">
              <fieldset><legend>{(target.FollowUp ? "对整改结果的满意度（必选）" : "总体满意度（必选）")}</legend>{levels}</fieldset>
              <label for="comment">意见和建议（选填）</label>
              <textarea id="comment" name="comment" maxlength="1000" rows="4">{PlainPage.Encode(comment)}</textarea>
              <p>请在 {PlainPage.Time(target.ExpiresAt)} 前评价。</p>
              <p><button type="submit">提交评价</button></p>
            </form>
            """;
    }

    private static ContentHttpResult Error(HttpResponse response, HotlineError error, string? enhanceTo)
    {
        var status = error.ToProblem().StatusCode;
        var hint = status == StatusCodes.Status409Conflict ? "每件诉求只能评价一次（一事一评）。" : "如有疑问，请拨打 12345。";
        return PlainPage.Render(response, Title,
            $"<p class=\"error\" role=\"alert\">{PlainPage.Encode(error.Detail)}</p><p>{hint}</p>", enhanceTo, status);
    }

    private static HotlineError? Refuse(RatingInvitation? invitation, bool expired) => CitizenRatingEndpoints.Refuse(invitation, expired);

    private static string Trim(string token) => token.Length > 200 ? token[..200] : token;
}
