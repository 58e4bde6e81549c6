using System.Net;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Feedback.Ratings;
using Hotline.Feedback.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests;

/// <summary>
/// The pages SMS links open (<c>/track/{code}</c>, <c>/rate/{token}</c>) work as plain HTML forms, without JavaScript: the answer
/// is rendered by the server. With JavaScript they hand over to the web console's pages, which the browser tests cover.
/// </summary>
public sealed class CitizenPagesTests : HostTest
{
    [Fact]
    public async Task TrackingPage_WithoutJavaScript_PostsThePhoneNumber_AndShowsProgressAndReply()
    {
        var (id, _, _) = await RepliedTicketAsync();
        var code = await WithTicketAsync(id);
        var citizen = Host.Anonymous();

        var page = await citizen.GetAsync($"/track/{code}");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("method=\"post\"", html);
        Assert.Contains($"/citizen/track?code={code}", html);      // where a browser running scripts goes on to
        Assert.DoesNotContain("已处理", html);                        // nothing about the ticket before the number is given

        var wrong = await citizen.PostAsync($"/track/{code}", Form(("phone", "13900000000")));
        Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        var wrongHtml = await wrong.Content.ReadAsStringAsync();
        Assert.Contains("未找到该工单", wrongHtml);
        Assert.DoesNotContain("已处理", wrongHtml);

        var empty = await citizen.PostAsync($"/track/{code}", Form(("phone", " ")));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("请填写提交诉求时的手机号码", await empty.Content.ReadAsStringAsync());

        var right = await citizen.PostAsync($"/track/{code}", Form(("phone", "138 1234 5678")));
        var rightHtml = await right.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("text/html", right.Content.Headers.ContentType?.MediaType);
        Assert.Contains("已答复", rightHtml);
        Assert.Contains("已处理。", rightHtml);                         // the public reply
        Assert.Contains("市住房和城乡建设局", rightHtml);               // the handling department
        Assert.Contains("承办单位已签收", rightHtml);                   // a milestone
        Assert.DoesNotContain("location.replace", rightHtml);        // a result page stays where it is
    }

    [Fact]
    public async Task RatingPage_WithoutJavaScript_RecordsTheRating_OncePerTicket()
    {
        var (id, _, _) = await RepliedTicketAsync();
        var token = await TokenAsync(id);
        var citizen = Host.Anonymous();

        var page = await (await citizen.GetAsync($"/rate/{token}")).Content.ReadAsStringAsync();
        foreach (var label in new[] { "非常满意", "满意", "基本满意", "不满意", "非常不满意" })
        {
            Assert.Contains($"> {label}</label>", page);
        }
        Assert.Contains("138****5678", await (await citizen.GetAsync($"/api/citizen/ratings/{token}")).Content.ReadAsStringAsync());
        Assert.DoesNotContain("13812345678", page);
        Assert.Contains($"/citizen/rate/{token}", page);

        // A form without a level is shown again with the reason and what was written; nothing is recorded.
        var missing = await citizen.PostAsync($"/rate/{token}", Form(("comment", "<b>还行</b>")));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var missingHtml = await missing.Content.ReadAsStringAsync();
        Assert.Contains("请选择评价等级", missingHtml);
        Assert.Contains("&lt;b&gt;还行&lt;/b&gt;", missingHtml);
        Assert.Equal(0, await RatingsAsync());

        // Staff cannot rate with the citizen's link, here either.
        var agent = await Host.SignInAsync("agent");
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync($"/rate/{token}", Form(("level", "5")))).StatusCode);
        Assert.Equal(0, await RatingsAsync());

        var rated = await citizen.PostAsync($"/rate/{token}", Form(("level", "4"), ("comment", "答复及时")));
        Assert.Equal(HttpStatusCode.OK, rated.StatusCode);
        Assert.Contains("感谢您的评价", await rated.Content.ReadAsStringAsync());
        var rating = await WithFeedbackAsync(db => db.Ratings.SingleAsync());
        Assert.Equal(4, (int)rating.Level);
        Assert.Equal(RatingChannel.Web, rating.Channel);
        Assert.Equal("答复及时", rating.Comment);

        var again = await citizen.PostAsync($"/rate/{token}", Form(("level", "1")));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("一事一评", await again.Content.ReadAsStringAsync());
        Assert.Contains("您已评价过", await (await citizen.GetAsync($"/rate/{token}")).Content.ReadAsStringAsync());
        Assert.Equal(1, await RatingsAsync());

        var invalid = await citizen.GetAsync("/rate/not-a-token");
        Assert.Equal(HttpStatusCode.NotFound, invalid.StatusCode);
        Assert.Contains("评价链接无效", await invalid.Content.ReadAsStringAsync());
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    private async Task<string> WithTicketAsync(string id) =>
        (await (await Host.SignInAsync("agent")).GetOkAsync($"/api/tickets/{id}")).Str("trackingCode");

    private async Task<string> TokenAsync(string ticketId)
    {
        using var scope = Host.Services.CreateScope();
        var ratings = scope.ServiceProvider.GetRequiredService<RatingService>();
        var invitation = await ratings.InvitationAsync(new TicketId(Guid.Parse(ticketId)), CancellationToken.None);
        Assert.Null(invitation.Error);
        return await ratings.LinkTokenAsync(invitation.Value!, CancellationToken.None);
    }

    private Task<int> RatingsAsync() => WithFeedbackAsync(db => db.Ratings.CountAsync());

    private async Task<T> WithFeedbackAsync<T>(Func<FeedbackDbContext, Task<T>> query)
    {
        using var scope = Host.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<FeedbackDbContext>());
    }
}
