using System.Net;
using System.Net.Http.Json;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Feedback.History;
using Hotline.Intake.Notifications;
using Hotline.Intake.Sms;
using Hotline.Routing.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests;

/// <summary>
/// Reporting a rectification back to the citizen by SMS: when the supervisor accepts it, the citizen gets the accepted report and
/// a signed link for the one follow-up rating, through the same outbound path (Twilio stand-in on loopback) as every other text.
/// </summary>
public sealed class RectificationSmsTests : TwilioHostTest
{
    private const string Citizen = "+8613812345678";

    [Fact]
    public async Task AcceptedRectification_TextsTheAcceptedReport_AndAFollowUpRatingLink_OnceOnly()
    {
        var (ticketId, trackingCode, rectificationId) = await BadReviewBySmsAsync("SM00000000000000000000000000000101");
        var housing = await Host.SignInAsync("housing");
        var supervisor = await Host.SignInAsync("supervisor");
        await RectifyUntilReportAsync(housing, rectificationId, "第一次反馈：已安排人员清运。");
        // Sent back: that report never reaches the citizen.
        await supervisor.PostOkAsync($"/api/feedback/rectifications/{rectificationId}/review", new { accept = false, note = "请补充照片。" });
        await housing.PostOkAsync($"/api/feedback/rectifications/{rectificationId}/record", new { action = "补充清运照片。", evidence = new[] { "att:照片" } });
        await housing.PostOkAsync($"/api/feedback/rectifications/{rectificationId}/report-back", new { text = "垃圾已全部清运，并增加每日巡查。" });
        await supervisor.PostOkAsync($"/api/feedback/rectifications/{rectificationId}/review", new { accept = true, note = "同意。" });

        await WaitUntilAsync(async () => await WithDbAsync((_, intake) => intake.OutboundSms.CountAsync(m =>
            (m.Purpose == OutboundPurpose.RectificationReport || m.Purpose == OutboundPurpose.FollowUpRatingInvitation)
            && m.Status == OutboundStatus.Accepted)) == 2);
        var report = await BodyAsync(OutboundPurpose.RectificationReport);
        Assert.Equal($"【12345】您对工单 {trackingCode} 的评价已转承办单位整改，整改情况：垃圾已全部清运，并增加每日巡查。", report);
        Assert.DoesNotContain(Twilio.Requests, r => r.Form.Single(f => f.Key == "Body").Value.Contains("第一次反馈", StringComparison.Ordinal));
        var invitation = await BodyAsync(OutboundPurpose.FollowUpRatingInvitation);
        Assert.Contains(trackingCode, invitation);
        Assert.Contains("再评价", invitation);
        var link = invitation.Split(' ').Single(w => w.StartsWith(PublicBase + "/rate/", StringComparison.Ordinal));

        // The link is the follow-up rating (round 2), and shows the report the citizen was sent.
        var target = await Host.Anonymous().GetOkAsync($"/api/citizen/ratings/{link[(PublicBase + "/rate/").Length..]}");
        Assert.True(target["followUp"]!.GetValue<bool>());
        Assert.Equal("垃圾已全部清运，并增加每日巡查。", target.Str("rectificationReport"));

        // Redelivered acceptance event: no second pair of texts.
        var accepted = await WithDbAsync((routing, _) => routing.Outbox.AsNoTracking().SingleAsync(m => m.Topic == FeedbackEvent.Topic
            && m.Payload.Contains("\"kind\":\"RectificationAccepted\"")));
        var sentBefore = Twilio.Requests.Count;
        await Host.Services.GetServices<IOutboxHandler>().OfType<RectificationNotifier>().Single().HandleAsync(accepted, CancellationToken.None);
        await Host.Get<OutboxDispatcher>().DeliverPendingAsync(CancellationToken.None);
        Assert.Equal(2, await WithDbAsync((_, intake) => intake.OutboundSms.CountAsync(m =>
            m.Purpose == OutboundPurpose.RectificationReport || m.Purpose == OutboundPurpose.FollowUpRatingInvitation)));
        Assert.Equal(sentBefore, Twilio.Requests.Count);

        // A plain digit answers the follow-up invitation: the rectification closes with the citizen's second rating.
        var thanks = await ReplyOfAsync(await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms("SM00000000000000000000000000000108", Citizen, "4")));
        Assert.Contains("评价", thanks);
        var closed = await housing.GetOkAsync($"/api/feedback/rectifications/{rectificationId}");
        Assert.Equal("FollowUpRated", closed.Str("outcome"));
        Assert.Equal(ticketId, closed.Str("ticketId"));
    }

    [Fact]
    public async Task OptedOutCitizen_GetsNoRectificationTexts_TheyAreRecordedAsSkipped()
    {
        var (_, _, rectificationId) = await BadReviewBySmsAsync("SM00000000000000000000000000000111");
        await ReplyOfAsync(await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms("SM00000000000000000000000000000112", Citizen, "退订")));
        var housing = await Host.SignInAsync("housing");
        await RectifyUntilReportAsync(housing, rectificationId, "已清运。");
        var sentBefore = Twilio.Requests.Count;
        await (await Host.SignInAsync("supervisor")).PostOkAsync($"/api/feedback/rectifications/{rectificationId}/review", new { accept = true });

        await WaitUntilAsync(async () => await WithDbAsync((_, intake) => intake.OutboundSms.CountAsync(m =>
            (m.Purpose == OutboundPurpose.RectificationReport || m.Purpose == OutboundPurpose.FollowUpRatingInvitation)
            && m.Status == OutboundStatus.Skipped)) == 2);
        Assert.Equal(sentBefore, Twilio.Requests.Count);
    }

    [Fact]
    public async Task RectificationTemplates_AreAdminEditable_AndMustKeepTheReportAndLink()
    {
        var admin = await Host.SignInAsync("admin");
        var withoutReport = await admin.PutAsJsonAsync("/api/admin/templates/sms.rectification-report", new { text = "【12345】工单 {trackingCode} 已整改。" });
        Assert.Contains("{report}", (await withoutReport.ProblemAsync(HttpStatusCode.BadRequest))["errors"]!["text"]![0]!.GetValue<string>());
        var withoutLink = await admin.PutAsJsonAsync("/api/admin/templates/sms.follow-up-rating-invitation", new { text = "【12345】请再评价 {trackingCode}。" });
        Assert.Contains("{link}", (await withoutLink.ProblemAsync(HttpStatusCode.BadRequest))["errors"]!["text"]![0]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/admin/templates/sms.rectification-report",
            new { text = "【示范市12345】{trackingCode} 整改结果：{report}" })).StatusCode);

        var (_, trackingCode, rectificationId) = await BadReviewBySmsAsync("SM00000000000000000000000000000121");
        await RectifyUntilReportAsync(await Host.SignInAsync("housing"), rectificationId, "已清运。");
        await (await Host.SignInAsync("supervisor")).PostOkAsync($"/api/feedback/rectifications/{rectificationId}/review", new { accept = true });
        await WaitUntilAsync(async () => await WithDbAsync((_, intake) => intake.OutboundSms.AnyAsync(m =>
            m.Purpose == OutboundPurpose.RectificationReport && m.Status == OutboundStatus.Accepted)));
        Assert.Equal($"【示范市12345】{trackingCode} 整改结果：已清运。", await BodyAsync(OutboundPurpose.RectificationReport));
    }

    /// <summary>A texted request, answered by housing, rated 1 by a plain SMS reply: a bad review with its rectification open.</summary>
    private async Task<(string TicketId, string TrackingCode, string RectificationId)> BadReviewBySmsAsync(string sid)
    {
        await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms(sid, Citizen, "小区垃圾三天没人清运。"));
        var ticket = await WithDbAsync((routing, _) => routing.Tickets.SingleAsync());
        var agent = await Host.SignInAsync("agent");
        var housing = await Host.SignInAsync("housing");
        await agent.PostOkAsync($"/api/tickets/{ticket.Id}/dispatch", new { leadDepartmentId = "city-housing" });
        await housing.PostOkAsync($"/api/tickets/{ticket.Id}/sign", new { });
        await housing.PostOkAsync($"/api/tickets/{ticket.Id}/reply", new { reply = "已通知物业。" });
        await ReplyOfAsync(await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms(sid[..^1] + "9", Citizen, "1")));
        var rectifications = (await housing.GetOkAsync("/api/feedback/rectifications")).AsArray();
        return (ticket.Id.Value.ToString(), ticket.TrackingCode, Assert.Single(rectifications)!.Str("id"));
    }

    private static async Task RectifyUntilReportAsync(HttpClient housing, string id, string report)
    {
        await housing.PostOkAsync($"/api/feedback/rectifications/{id}/verify", new { reached = true, note = "已联系市民。" });
        await housing.PostOkAsync($"/api/feedback/rectifications/{id}/classify", new { kind = "FixNow", note = "诉求合理。" });
        await housing.PostOkAsync($"/api/feedback/rectifications/{id}/record", new { action = "组织清运。", evidence = new[] { "派工单 1" } });
        await housing.PostOkAsync($"/api/feedback/rectifications/{id}/report-back", new { text = report });
    }

    private async Task<string> BodyAsync(OutboundPurpose purpose)
    {
        var sms = await WithDbAsync((_, intake) => intake.OutboundSms.AsNoTracking().SingleAsync(m => m.Purpose == purpose));
        return Twilio.Requests.Single(r => r.Form.Single(f => f.Key == "To").Value == sms.To
            && r.Form.Single(f => f.Key == "Body").Value == sms.Body).Form.Single(f => f.Key == "Body").Value;
    }
}
