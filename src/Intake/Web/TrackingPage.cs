using System.Text;
using Hotline.Feedback.Ratings;
using Hotline.Routing;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hotline.Intake.Web;

/// <summary>
/// The page the "your ticket was answered" text links to (<c>/track/{code}</c>): the citizen enters the phone number they used and
/// sees progress and the reply. A plain HTML form posted back to the same address (the number goes in the body, never in the
/// address), so it works with JavaScript off; a browser running scripts moves on to the web console's tracking page
/// (<c>/citizen/track?code=…</c>). Both read the ticket the way the tracking API does.
/// </summary>
public static class TrackingPage
{
    public const string ConsolePath = "/citizen/track";
    private const string Title = "12345 工单查询";

    public static IEndpointRouteBuilder MapTrackingPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/track/{code}", Show).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/track/{code}", TrackAsync).AllowAnonymous().ExcludeFromDescription().RequireRateLimiting(CitizenIpRateLimitPolicy.Name);
        return app;
    }

    private static ContentHttpResult Show(string code, HttpResponse response) =>
        PlainPage.Render(response, Title, Form(Short(code), null), $"{ConsolePath}?code={Uri.EscapeDataString(Short(code))}");

    private static async Task<ContentHttpResult> TrackAsync(string code, HttpRequest request, RoutingDbContext db, TicketViews views,
        CancellationToken ct)
    {
        var response = request.HttpContext.Response;
        var phone = request.HasFormContentType ? (await request.ReadFormAsync(ct))["phone"].ToString() : null;
        var found = await CitizenEndpoints.FindForCitizenAsync(code, string.IsNullOrWhiteSpace(phone) ? null : phone, db, views, ct);
        if (found.Error is { } error)
        {
            var message = error is ValidationFailed ? "请填写提交诉求时的手机号码。" : error.Detail;
            return PlainPage.Render(response, Title, $"<p class=\"error\" role=\"alert\">{PlainPage.Encode(message)}</p>" + Form(Short(code), phone),
                statusCode: error.ToProblem().StatusCode);
        }
        return PlainPage.Render(response, Title, Progress(found.Value!) + Form(Short(code), phone));
    }

    private static string Form(string code, string? phone) => $"""
        <p>查询码：<strong id="code">{PlainPage.Encode(code)}</strong></p>
        <form method="post" action="/track/{PlainPage.Encode(Uri.EscapeDataString(code))}">
          <label for="phone">提交诉求时的手机号码</label>
          <input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" required maxlength="40" value="{PlainPage.Encode(phone)}">
          <p><button type="submit">查询</button></p>
        </form>
        """;

    private static string Progress(PublicTicketView ticket)
    {
        var html = new StringBuilder();
        html.Append($"<section aria-labelledby=\"state\"><h2 id=\"state\">{PlainPage.Encode(ticket.StateLabel)}</h2><dl>");
        html.Append($"<dt>标题</dt><dd>{PlainPage.Encode(ticket.Title)}</dd>");
        html.Append($"<dt>诉求类型</dt><dd>{PlainPage.Encode(ticket.Type)}</dd>");
        html.Append($"<dt>受理时间</dt><dd>{PlainPage.Time(ticket.ReceivedAt)}</dd>");
        html.Append($"<dt>承办单位</dt><dd>{PlainPage.Encode(ticket.HandlingDepartment ?? "正在确定承办单位")}</dd>");
        if (ticket.ReplyDue is { } due)
        {
            html.Append($"<dt>答复期限</dt><dd>{PlainPage.Time(due)} 前</dd>");
        }
        html.Append("</dl>");
        if (ticket.Reply is { } reply)
        {
            html.Append($"<h2>答复内容</h2><div class=\"reply\">{PlainPage.Encode(reply)}</div>");
        }
        html.Append("<h2>办理进度</h2><ol>");
        foreach (var milestone in ticket.Progress)
        {
            html.Append($"<li>{PlainPage.Time(milestone.At)} {PlainPage.Encode(milestone.Label)}");
            if (milestone.Text is { } text)
            {
                html.Append($"：{PlainPage.Encode(text)}");
            }
            html.Append("</li>");
        }
        html.Append("</ol></section>");
        return html.ToString();
    }

    private static string Short(string code) => code.Length > 16 ? code[..16] : code;
}
