using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Feedback.Ratings;
using Hotline.Feedback.Storage;
using Hotline.Intake.Sms;
using Hotline.Intake.Voice;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests;

/// <summary>A bad review by SMS reply and by keypad goes through Feedback and opens its rectification at once; the SMS invitation carries a working link.</summary>
public sealed partial class FeedbackChannelTests : TwilioHostTest
{
    [Fact]
    public async Task InvitationLinkWorks_AndABadReviewBySmsReply_OpensARectification_OncePerTicket()
    {
        await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms("SM00000000000000000000000000000501", "+8613812345678", "路灯坏了一个月。"));
        var id = await WithFeedbackAsync((routing, _) => routing.Tickets.Select(t => t.Id.Value).SingleAsync());
        await ReplyAsHousingAsync(id);
        await WaitUntilAsync(async () => Twilio.Requests.Any(r => r.Form.Any(f => f.Key == "Body" && f.Value.Contains("/rate/", StringComparison.Ordinal))));
        var invitation = Twilio.Requests.Select(r => r.Form.Single(f => f.Key == "Body").Value).Single(b => b.Contains("/rate/", StringComparison.Ordinal));
        var token = LinkToken().Match(invitation).Groups[1].Value;
        Assert.StartsWith(PublicBase, invitation[invitation.IndexOf("https", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.False((await Host.Anonymous().GetOkAsync($"/api/citizen/ratings/{token}"))["alreadyRated"]!.GetValue<bool>());

        var thanks = await ReplyOfAsync(await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms("SM00000000000000000000000000000502", "+8613812345678", "2")));
        Assert.Contains("评价", thanks);
        var (rating, rectifications) = await WithFeedbackAsync(async (_, feedback) =>
            (await feedback.Ratings.SingleAsync(), await feedback.Rectifications.CountAsync()));
        Assert.Equal(RatingChannel.Sms, rating.Channel);
        Assert.Equal(RaterProof.VerifiedPhone, rating.Proof);
        Assert.True(rating.BadReview);
        Assert.Equal(1, rectifications);

        // The same ticket through the link: already rated.
        await (await Host.Anonymous().PostAsJsonAsync($"/api/citizen/ratings/{token}", new { level = 5 })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(1, await WithFeedbackAsync((_, feedback) => feedback.Ratings.CountAsync()));
    }

    [Fact]
    public async Task ABadReviewByKeypad_OpensARectification()
    {
        var agent = await Host.SignInAsync("agent");
        var created = await agent.PostOkAsync("/api/tickets", new { content = "噪音扰民", phone = "13812345678" });
        await ReplyAsHousingAsync(Guid.Parse(created.Str("id")));
        var callback = new Dictionary<string, string>
        {
            ["CallSid"] = "CA00000000000000000000000000000501",
            ["AccountSid"] = AccountSid,
            ["From"] = "+8612345000000",
            ["To"] = "+8613812345678",
            ["Direction"] = "outbound-api",
            ["Digits"] = "1",
        };
        var response = await PostWebhookAsync($"{VoiceWebhooks.RatingResultPath}?ticket={created.Str("trackingCode")}", callback);
        Assert.Contains("感谢您的评价", await response.Content.ReadAsStringAsync());
        var rectification = await WithFeedbackAsync((_, feedback) => feedback.Rectifications.SingleAsync());
        Assert.Equal("city-housing", rectification.DepartmentId?.Value);
        Assert.Equal(RatingChannel.Ivr, await WithFeedbackAsync((_, feedback) => feedback.Ratings.Select(r => r.Channel).SingleAsync()));
    }

    private async Task ReplyAsHousingAsync(Guid id)
    {
        var agent = await Host.SignInAsync("agent");
        var housing = await Host.SignInAsync("housing");
        await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
        await housing.PostOkAsync($"/api/tickets/{id}/sign", new { });
        await housing.PostOkAsync($"/api/tickets/{id}/reply", new { reply = "已处理。" });
    }

    private async Task<T> WithFeedbackAsync<T>(Func<Routing.Storage.RoutingDbContext, FeedbackDbContext, Task<T>> query)
    {
        using var scope = Host.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<Routing.Storage.RoutingDbContext>(),
            scope.ServiceProvider.GetRequiredService<FeedbackDbContext>());
    }

    [GeneratedRegex(@"/rate/([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)")]
    private static partial Regex LinkToken();
}
