using System.Net;
using System.Net.Http.Json;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Intake.Sms;
using Hotline.Intake.Twilio;
using Hotline.Intake.Voice;
using Hotline.Routing.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Hotline.Console.Tests;

/// <summary>
/// The SMS channel end to end: signed Twilio webhooks replayed against the running host, and outbound texts captured by a
/// loopback stand-in for Twilio's REST API that answers with Twilio's documented bodies.
/// </summary>
public sealed class SmsTests : TwilioHostTest
{
    [Fact]
    public async Task NewText_CreatesAnSmsTicket_AndRepliesWithTheTrackingCode_RetryCreatesNothing()
    {
        var fields = IncomingSms("SM00000000000000000000000000000001", "+8613812345678", "小区路灯坏了三盏，晚上很黑。");
        var reply = await ReplyOfAsync(await PostWebhookAsync(SmsWebhooks.InboundPath, fields));
        var ticket = await WithDbAsync((routing, _) => routing.Tickets.SingleAsync());
        Assert.Equal("Sms", ticket.Channel.ToString());
        Assert.Equal("+8613812345678", ticket.CitizenPhone);
        Assert.Equal("小区路灯坏了三盏，晚上很黑。", ticket.Content);
        Assert.Contains(ticket.TrackingCode, reply);

        // Twilio retries the same MessageSid: same answer, no second ticket.
        var again = await ReplyOfAsync(await PostWebhookAsync(SmsWebhooks.InboundPath, fields));
        Assert.Equal(reply, again);
        Assert.Equal(1, await WithDbAsync((routing, _) => routing.Tickets.CountAsync()));
    }

    [Fact]
    public async Task ForgedOrMissingSignature_Is403_AndWritesNothing()
    {
        var fields = IncomingSms("SM00000000000000000000000000000002", "+8613812345678", "伪造的短信");
        await (await PostWebhookAsync(SmsWebhooks.InboundPath, fields, signature: "bm90LWEtc2lnbmF0dXJl")).ProblemAsync(HttpStatusCode.Forbidden);
        var signedForOtherUrl = TwilioSignature.Compute(AuthToken, PublicBase + "/somewhere-else", fields);
        await (await PostWebhookAsync(SmsWebhooks.InboundPath, fields, signedForOtherUrl)).ProblemAsync(HttpStatusCode.Forbidden);
        var tampered = new Dictionary<string, string>(fields) { ["Body"] = "篡改后的内容" };
        var originalSignature = TwilioSignature.Compute(AuthToken, PublicBase + SmsWebhooks.InboundPath, fields);
        await (await PostWebhookAsync(SmsWebhooks.InboundPath, tampered, originalSignature)).ProblemAsync(HttpStatusCode.Forbidden);
        var unsigned = await Host.Anonymous().PostAsync(SmsWebhooks.InboundPath, new FormUrlEncodedContent(fields));
        await unsigned.ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(0, await WithDbAsync((routing, intake) => routing.Tickets.CountAsync()));
        Assert.Equal(0, await WithDbAsync((_, intake) => intake.InboundSms.CountAsync()));
    }

    [Fact]
    public async Task FollowUpWithinTheWindow_JoinsTheOpenTicket_AfterTheWindowStartsANewOne()
    {
        await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms("SM00000000000000000000000000000003", "13812345678", "楼下餐馆油烟扰民。"));
        Host.Clock.Advance(Duration.FromHours(2));
        var followUp = await ReplyOfAsync(await PostWebhookAsync(SmsWebhooks.InboundPath,
            IncomingSms("SM00000000000000000000000000000004", "+8613812345678", "补充：每天晚上十点以后最严重。")));
        Assert.Contains("补充", followUp);
        var tickets = await WithDbAsync((routing, _) => routing.Tickets.ToListAsync());
        var ticket = Assert.Single(tickets);
        var entries = await WithDbAsync((routing, _) => routing.Timeline.Where(e => e.TicketId == ticket.Id).OrderBy(e => e.Sequence).ToListAsync());
        Assert.Equal("补充：每天晚上十点以后最严重。", entries.Last().PublicText);
        Assert.Equal("FollowUp", entries.Last().Kind.ToString());

        Host.Clock.Advance(Duration.FromDays(2));
        await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms("SM00000000000000000000000000000005", "+8613812345678", "另一件事：公园长椅坏了。"));
        Assert.Equal(2, await WithDbAsync((routing, _) => routing.Tickets.CountAsync()));
    }

    [Fact]
    public async Task OddBodies_GetASensibleAnswer_NeverA500()
    {
        var empty = await ReplyOfAsync(await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms("SM00000000000000000000000000000006", "+8613812345678", "   ")));
        Assert.Contains("未收到诉求内容", empty);
        Assert.Equal(0, await WithDbAsync((routing, _) => routing.Tickets.CountAsync()));

        var longBody = string.Concat(Enumerable.Repeat("噪音扰民ABC123😀", 200)); // 2,000+ characters, emoji and mixed scripts
        await ReplyOfAsync(await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms("SM00000000000000000000000000000007", "+8613900001111", longBody)));
        var media = await ReplyOfAsync(await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms("SM00000000000000000000000000000008", "+8613700002222", "", media: 2)));
        Assert.Contains("查询码", media);
        var tickets = await WithDbAsync((routing, _) => routing.Tickets.OrderBy(t => t.CitizenPhone).ToListAsync());
        Assert.Equal(2, tickets.Count);
        Assert.Contains("彩信", tickets[0].Content);
        Assert.Equal(longBody, tickets[1].Content);

        var alphanumeric = await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms("SM00000000000000000000000000000009", "TWILIO", "广告"));
        Assert.Equal("", await ReplyOfAsync(alphanumeric));
        var missing = await PostWebhookAsync(SmsWebhooks.InboundPath, new Dictionary<string, string> { ["Body"] = "没有 MessageSid" });
        await missing.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(2, await WithDbAsync((routing, _) => routing.Tickets.CountAsync()));
    }

    [Fact]
    public async Task CallRegisteredByAnAgent_GetsOneReceiptText_AndDeliveryStatusIsRecorded()
    {
        var agent = await Host.SignInAsync("agent");
        var created = await agent.PostOkAsync("/api/tickets", new { content = "来电反映：路面塌陷", phone = "13812345678", type = "求助" });
        await WaitUntilAsync(async () => await WithDbAsync((_, intake) => intake.OutboundSms.AnyAsync(m => m.Status == OutboundStatus.Accepted)));

        var request = Assert.Single(Twilio.Requests);
        Assert.Equal($"/2010-04-01/Accounts/{AccountSid}/Messages.json", request.RawTarget);
        Assert.StartsWith("Basic ", request.Authorization);
        var form = request.Form.ToDictionary(f => f.Key, f => f.Value);
        Assert.Equal("+8613812345678", form["To"]);
        Assert.Equal("+15005550006", form["From"]);
        Assert.Contains(created.Str("trackingCode"), form["Body"]);
        Assert.Equal(PublicBase + SmsWebhooks.StatusPath, form["StatusCallback"]);

        var sms = await WithDbAsync((_, intake) => intake.OutboundSms.SingleAsync());
        var status = new Dictionary<string, string> { ["MessageSid"] = sms.ProviderSid!, ["MessageStatus"] = "delivered", ["AccountSid"] = AccountSid };
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(SmsWebhooks.StatusPath, status)).StatusCode);
        Assert.Equal(OutboundStatus.Delivered, (await WithDbAsync((_, intake) => intake.OutboundSms.SingleAsync())).Status);

        // A late "sent" callback does not overwrite the final state.
        status["MessageStatus"] = "sent";
        await PostWebhookAsync(SmsWebhooks.StatusPath, status);
        Assert.Equal(OutboundStatus.Delivered, (await WithDbAsync((_, intake) => intake.OutboundSms.SingleAsync())).Status);
    }

    [Fact]
    public async Task TwilioBusy_IsRetriedWithBackoff_AndTheTextIsSentOnce()
    {
        lock (Statuses)
        {
            Statuses.Enqueue(429);
            Statuses.Enqueue(503);
        }
        await Host.DisposeAsync();
        Host = await StartHostAsync(deliverOutbox: false);
        var agent = await Host.SignInAsync("agent");
        await agent.PostOkAsync("/api/tickets", new { content = "来电：停水", phone = "13812345678" });
        var dispatcher = Host.Get<OutboxDispatcher>();
        await dispatcher.DeliverPendingAsync(CancellationToken.None); // timeline event → the text is queued
        await dispatcher.DeliverPendingAsync(CancellationToken.None); // first try: 429
        Assert.Single(Twilio.Requests);
        Assert.Equal(OutboundStatus.Queued, (await WithDbAsync((_, intake) => intake.OutboundSms.SingleAsync())).Status);
        for (var i = 0; i < 3; i++)
        {
            Host.Clock.Advance(Duration.FromMinutes(10));
            await dispatcher.DeliverPendingAsync(CancellationToken.None);
        }
        Assert.Equal(3, Twilio.Requests.Count); // 429, 503, 201, and nothing after
        var sms = await WithDbAsync((_, intake) => intake.OutboundSms.SingleAsync());
        Assert.Equal(OutboundStatus.Accepted, sms.Status);
        Assert.Equal(3, sms.Attempts);
    }

    [Fact]
    public async Task TextAcceptedByTheOutboxBeforeACrash_IsSentExactlyOnceAfterRestart()
    {
        await Host.DisposeAsync();
        // First life: the change commits, then the host dies before any delivery.
        await using (var first = await StartHostAsync(deliverOutbox: false))
        {
            var agent = await first.SignInAsync("agent");
            await agent.PostOkAsync("/api/tickets", new { content = "来电：井盖丢失", phone = "13812345678" });
        }
        Assert.Empty(Twilio.Requests);
        Host = await StartHostAsync(deliverOutbox: true);
        await WaitUntilAsync(async () => await WithDbAsync((_, intake) => intake.OutboundSms.AnyAsync(m => m.Status == OutboundStatus.Accepted)));
        await Host.Get<OutboxDispatcher>().DeliverPendingAsync(CancellationToken.None);
        await Host.DisposeAsync();
        Host = await StartHostAsync(deliverOutbox: true);
        await Host.Get<OutboxDispatcher>().DeliverPendingAsync(CancellationToken.None);
        Assert.Single(Twilio.Requests);
    }

    [Fact]
    public async Task OptOut_StopsTexts_AndOptInResumesThem()
    {
        var stop = await ReplyOfAsync(await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms("SM00000000000000000000000000000010", "+8613812345678", "退订")));
        Assert.Contains("退订", stop);
        Assert.Equal(0, await WithDbAsync((routing, _) => routing.Tickets.CountAsync()));
        var agent = await Host.SignInAsync("agent");
        await agent.PostOkAsync("/api/tickets", new { content = "来电：噪音", phone = "13812345678" });
        await WaitUntilAsync(async () => await WithDbAsync((_, intake) => intake.OutboundSms.AnyAsync(m => m.Status == OutboundStatus.Skipped)));
        Assert.Empty(Twilio.Requests);

        await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms("SM00000000000000000000000000000011", "+8613812345678", "订阅"));
        await agent.PostOkAsync("/api/tickets", new { content = "来电：又有噪音", phone = "13812345678" });
        await WaitUntilAsync(async () => await WithDbAsync((_, intake) => intake.OutboundSms.AnyAsync(m => m.Status == OutboundStatus.Accepted)));
        Assert.Single(Twilio.Requests);
    }

    [Fact]
    public async Task ReplyOfADigit_AfterTheTicketWasAnswered_IsRecordedAsARating()
    {
        await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms("SM00000000000000000000000000000012", "+8613812345678", "垃圾没人清运。"));
        var ticket = await WithDbAsync((routing, _) => routing.Tickets.SingleAsync());
        var agent = await Host.SignInAsync("agent");
        var housing = await Host.SignInAsync("housing");
        await agent.PostOkAsync($"/api/tickets/{ticket.Id}/dispatch", new { leadDepartmentId = "city-housing" });
        await housing.PostOkAsync($"/api/tickets/{ticket.Id}/sign", new { });
        await housing.PostOkAsync($"/api/tickets/{ticket.Id}/reply", new { reply = "已安排清运。" });

        // The answer is texted with a link, then the rating invitation.
        await WaitUntilAsync(async () => await WithDbAsync((_, intake) => intake.OutboundSms.CountAsync(m => m.Status == OutboundStatus.Accepted)) == 2);
        var bodies = Twilio.Requests.Select(r => r.Form.Single(f => f.Key == "Body").Value).ToList();
        Assert.Contains(bodies, b => b.Contains("已答复", StringComparison.Ordinal) && b.Contains($"{PublicBase}/track/{ticket.TrackingCode}", StringComparison.Ordinal));
        Assert.Contains(bodies, b => b.Contains("回复 5 非常满意", StringComparison.Ordinal));

        var thanks = await ReplyOfAsync(await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms("SM00000000000000000000000000000013", "+8613812345678", "2")));
        Assert.Contains("评价", thanks);
        var rating = await WithDbAsync((routing, _) => routing.Timeline.SingleAsync(e => e.TicketId == ticket.Id && e.Kind == Routing.Tickets.TimelineEventKind.RatingReceived));
        Assert.Contains("\"level\":2", rating.Data);

        // One rating per ticket: a second digit is neither a second rating nor a new matter.
        var again = await ReplyOfAsync(await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms("SM00000000000000000000000000000014", "+8613812345678", "5")));
        Assert.Contains("只能评价一次", again);
        Assert.Equal(1, await WithDbAsync((routing, _) => routing.Timeline.CountAsync(e => e.Kind == Routing.Tickets.TimelineEventKind.RatingReceived)));
        Assert.Equal(1, await WithDbAsync((routing, _) => routing.Tickets.CountAsync()));
    }

    [Fact]
    public async Task OneCitizenRecordPerNumber_AcrossChannels_WithTheirHistory()
    {
        await Host.Anonymous().PostOkAsync("/api/citizen/tickets", new { content = "网站反映：路灯不亮", phone = "138-1234-5678" });
        await ReplyOfAsync(await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms("SM00000000000000000000000000000020", "+8613812345678", "短信反映：井盖松动")));
        await WaitUntilAsync(async () => await WithDbAsync((_, intake) => intake.Citizens.AnyAsync(c => c.Phone == "+8613812345678")));

        var agent = await Host.SignInAsync("agent");
        var history = await agent.GetOkAsync("/api/citizens/history?phone=13812345678");
        Assert.Equal("+8613812345678", history.Str("phone"));
        Assert.Equal(2, history["ticketCount"]!.GetValue<int>());
        Assert.Equal(1, await WithDbAsync((_, intake) => intake.Citizens.CountAsync()));
        Assert.Equal(["Sms", "Web"], history["tickets"]!.AsArray().Select(t => t!.Str("channel")).Order());
        Assert.Equal(1, await WithDbAsync((routing, _) => routing.PersonalDataAccess.CountAsync(a => a.Purpose == "按号码查询市民历史工单")));

        var housing = await Host.SignInAsync("housing");
        await (await housing.GetAsync("/api/citizens/history?phone=13812345678")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await agent.GetAsync("/api/citizens/history?phone=abc")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AdminEditedTemplate_IsWhatCitizensReceive_AndMustKeepItsPlaceholders()
    {
        var admin = await Host.SignInAsync("admin");
        var missing = await admin.PutAsJsonAsync("/api/admin/templates/sms.receipt", new { text = "【12345】已受理。" });
        Assert.Contains("{trackingCode}", (await missing.ProblemAsync(HttpStatusCode.BadRequest))["errors"]!["text"]![0]!.GetValue<string>());
        await (await admin.PutAsJsonAsync("/api/admin/templates/no.such", new { text = "x" })).ProblemAsync(HttpStatusCode.NotFound);
        var agent = await Host.SignInAsync("agent");
        await (await agent.PutAsJsonAsync("/api/admin/templates/sms.receipt", new { text = "x {trackingCode}" })).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/admin/templates/sms.receipt",
            new { text = "【示范市12345】来电已登记，查询码 {trackingCode}。" })).StatusCode);

        var created = await agent.PostOkAsync("/api/tickets", new { content = "来电：树木倒伏", phone = "13812345678" });
        await WaitUntilAsync(async () => await WithDbAsync((_, intake) => intake.OutboundSms.AnyAsync(m => m.Status == OutboundStatus.Accepted)));
        Assert.Equal($"【示范市12345】来电已登记，查询码 {created.Str("trackingCode")}。", Twilio.Requests.Single().Form.Single(f => f.Key == "Body").Value);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/admin/templates/sms.receipt")).StatusCode);
        var templates = await admin.GetOkAsync("/api/admin/templates");
        Assert.False(templates.AsArray().Single(t => t!.Str("key") == "sms.receipt")!["customised"]!.GetValue<bool>());
    }

    [Fact]
    public async Task CrashAfterTwilioAcceptedButBeforeTheSidWasSaved_DoesNotTextTwice()
    {
        await Host.DisposeAsync();
        Host = await StartHostAsync(deliverOutbox: false);
        var agent = await Host.SignInAsync("agent");
        await agent.PostOkAsync("/api/tickets", new { content = "来电：路面塌陷", phone = "13812345678" });
        var dispatcher = Host.Get<OutboxDispatcher>();
        await dispatcher.DeliverPendingAsync(CancellationToken.None); // the text is queued, not yet sent
        var sms = await WithDbAsync((_, intake) => intake.OutboundSms.SingleAsync());

        // The previous attempt reached Twilio, which accepted the text; the host died before recording it.
        var now = Host.Clock.GetCurrentInstant();
        await WithDbAsync(async (_, intake) =>
        {
            var row = await intake.OutboundSms.SingleAsync();
            row.Status = OutboundStatus.Sending;
            row.UpdatedAt = now;
            return await intake.SaveChangesAsync();
        });
        lock (Accepted)
        {
            Accepted.Add(("SM99999999999999999999999999999999", sms.To, sms.Body, now.ToDateTimeOffset()));
        }

        // Just marked: that attempt may still be waiting for Twilio, whose list need not show the text yet; leave it alone.
        await dispatcher.DeliverPendingAsync(CancellationToken.None);
        Assert.Empty(Twilio.Requests);
        Assert.Equal(OutboundStatus.Sending, (await WithDbAsync((_, intake) => intake.OutboundSms.SingleAsync())).Status);

        // Once no call can still be running, Twilio's list is asked, and the text it shows is not sent again.
        Host.Clock.Advance(OutboundSmsSender.InFlightWindow + Duration.FromMinutes(1));
        await dispatcher.DeliverPendingAsync(CancellationToken.None);
        Assert.DoesNotContain(Twilio.Requests, r => r.Method == "POST");
        var reconciled = await WithDbAsync((_, intake) => intake.OutboundSms.SingleAsync());
        Assert.Equal(OutboundStatus.Accepted, reconciled.Status);
        Assert.Equal("SM99999999999999999999999999999999", reconciled.ProviderSid);
    }

    [Fact]
    public async Task ASecondAttemptWhileTheFirstWaitsForTwilio_DoesNotTextTwice()
    {
        // Two hosts on one text: the first host's claim ran out while Twilio was slow, and another host took the message.
        await Host.DisposeAsync();
        Host = await StartHostAsync(deliverOutbox: false);
        var agent = await Host.SignInAsync("agent");
        await agent.PostOkAsync("/api/tickets", new { content = "来电：路灯不亮", phone = "13812345678" });
        await Host.Get<OutboxDispatcher>().DeliverPendingAsync(CancellationToken.None); // the text is queued
        var message = await WithDbAsync((routing, _) => routing.Outbox.AsNoTracking().SingleAsync(m => m.Topic == SendSms.Topic));
        var sender = Host.Services.GetServices<IOutboxHandler>().OfType<OutboundSmsSender>().Single();

        var twilioAnswers = new TaskCompletionSource();
        AnswersHeldUntil = twilioAnswers.Task;
        var first = sender.HandleAsync(message, CancellationToken.None);
        await WaitUntilAsync(() => Task.FromResult(Twilio.Requests.Count == 1)); // handed over; Twilio has not answered
        await Assert.ThrowsAsync<SmsRetryException>(() => sender.HandleAsync(message, CancellationToken.None));
        twilioAnswers.SetResult();
        await first;

        Assert.Single(Twilio.Requests);
        var sms = await WithDbAsync((_, intake) => intake.OutboundSms.SingleAsync());
        Assert.Equal((OutboundStatus.Accepted, 1), (sms.Status, sms.Attempts));
    }

    [Fact]
    public async Task CrashBeforeTwilioGotTheText_SendsItOnce()
    {
        await Host.DisposeAsync();
        Host = await StartHostAsync(deliverOutbox: false);
        var agent = await Host.SignInAsync("agent");
        await agent.PostOkAsync("/api/tickets", new { content = "来电：井盖缺失", phone = "13812345678" });
        var dispatcher = Host.Get<OutboxDispatcher>();
        await dispatcher.DeliverPendingAsync(CancellationToken.None);
        await WithDbAsync(async (_, intake) =>
        {
            var row = await intake.OutboundSms.SingleAsync();
            row.Status = OutboundStatus.Sending; // marked, but the request never left the host
            return await intake.SaveChangesAsync();
        });
        Host.Clock.Advance(OutboundSmsSender.InFlightWindow + Duration.FromMinutes(1));
        await dispatcher.DeliverPendingAsync(CancellationToken.None);
        Assert.Single(Twilio.Requests, r => r.Method == "POST");
        Assert.Equal(OutboundStatus.Accepted, (await WithDbAsync((_, intake) => intake.OutboundSms.SingleAsync())).Status);
    }

    [Fact]
    public async Task MalformedWebhookBodies_Are400_NeverA500_AndWriteNothing()
    {
        var noBoundary = new StringContent("--x\r\n", System.Text.Encoding.UTF8);
        noBoundary.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("multipart/form-data");
        await (await Host.Anonymous().PostAsync(SmsWebhooks.InboundPath, noBoundary)).ProblemAsync(HttpStatusCode.BadRequest);

        var tooMany = Enumerable.Range(0, 2_000).ToDictionary(i => $"F{i}", i => "x");
        await (await Host.Anonymous().PostAsync(SmsWebhooks.InboundPath, new FormUrlEncodedContent(tooMany))).ProblemAsync(HttpStatusCode.BadRequest);
        await (await Host.Anonymous().PostAsync(VoiceWebhooks.IncomingPath, new FormUrlEncodedContent(tooMany))).ProblemAsync(HttpStatusCode.BadRequest);
        var json = await Host.Anonymous().PostAsJsonAsync(SmsWebhooks.InboundPath, new { MessageSid = "SM1" });
        await json.ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(0, await WithDbAsync((_, intake) => intake.InboundSms.CountAsync()));
    }

    [Fact]
    public async Task MmsPhotos_AreKeptAsLinksOnTheTicket()
    {
        var fields = IncomingSms("SM00000000000000000000000000000030", "+8613812345678", "路边垃圾堆放，见照片", media: 2);
        fields["MediaUrl0"] = "https://api.twilio.com/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages/MM1/Media/ME1";
        fields["MediaContentType0"] = "image/jpeg";
        fields["MediaUrl1"] = "javascript:alert(1)";
        fields["MediaContentType1"] = "image/png";
        await ReplyOfAsync(await PostWebhookAsync(SmsWebhooks.InboundPath, fields));
        var ticket = await WithDbAsync((routing, _) => routing.Tickets.SingleAsync());
        Assert.Contains("彩信附件（image/jpeg）：https://api.twilio.com/", ticket.Content);
        Assert.DoesNotContain("javascript:", ticket.Content);
    }

    [Fact]
    public async Task FailedDeliveryCallback_IsRecorded_AndTheTrackingLinkOpens()
    {
        var agent = await Host.SignInAsync("agent");
        var created = await agent.PostOkAsync("/api/tickets", new { content = "来电：路灯", phone = "13812345678" });
        await WaitUntilAsync(async () => await WithDbAsync((_, intake) => intake.OutboundSms.AnyAsync(m => m.Status == OutboundStatus.Accepted)));
        var sms = await WithDbAsync((_, intake) => intake.OutboundSms.SingleAsync());
        var status = new Dictionary<string, string> { ["MessageSid"] = sms.ProviderSid!, ["MessageStatus"] = "failed", ["ErrorCode"] = "30006", ["AccountSid"] = AccountSid };
        await (await PostWebhookAsync(SmsWebhooks.StatusPath, status, signature: "forged")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(OutboundStatus.Accepted, (await WithDbAsync((_, intake) => intake.OutboundSms.SingleAsync())).Status);
        await PostWebhookAsync(SmsWebhooks.StatusPath, status);
        var failed = await WithDbAsync((_, intake) => intake.OutboundSms.SingleAsync());
        Assert.Equal(OutboundStatus.Failed, failed.Status);
        Assert.Equal("Twilio 30006", failed.LastError);

        var page = await Host.Anonymous().GetAsync($"/track/{created.Str("trackingCode")}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains(created.Str("trackingCode"), await page.Content.ReadAsStringAsync());
        var hostile = await (await Host.Anonymous().GetAsync("/track/%3Cscript%3E")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>alert", hostile);
        Assert.Contains("&lt;script&gt;", hostile);
    }
}
