using System.Net;
using System.Xml.Linq;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Intake.Sms;
using Hotline.Intake.Storage;
using Hotline.Intake.Tests.Twilio;
using Hotline.Intake.Twilio;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Hotline.Console.Tests;

/// <summary>
/// The SMS channel end to end: signed Twilio webhooks replayed against the running host, and outbound texts captured by a
/// loopback stand-in for Twilio's REST API that answers with Twilio's documented bodies.
/// </summary>
public sealed class SmsTests : IAsyncLifetime
{
    private const string AccountSid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string AuthToken = "test-auth-token-for-hotline";
    private const string PublicBase = "https://hotline.example.test";

    private readonly Queue<int> _statuses = new();
    private TestDatabase _database = null!;
    private FakeTwilio _twilio = null!;
    private TestHost _host = null!;
    private int _sent;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _twilio = await FakeTwilio.StartAsync(AnswerAsync);
        _host = await StartHostAsync(deliverOutbox: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _twilio.DisposeAsync();
        await _database.DisposeAsync();
    }

    private Task<TestHost> StartHostAsync(bool deliverOutbox) => TestHost.StartAsync(_database, deliverOutbox: deliverOutbox, settings: new Dictionary<string, string>
    {
        ["Hotline:Twilio:AccountSid"] = AccountSid,
        ["Hotline:Twilio:AuthToken"] = AuthToken,
        ["Hotline:Twilio:FromNumber"] = "+15005550006",
        ["Hotline:Twilio:PublicBaseUrl"] = PublicBase,
        ["Hotline:Twilio:ApiBaseUrl"] = _twilio.BaseUrl,
    });

    /// <summary>Answers like Twilio: 201 with the documented body (a fresh sid each time), or the status a test queued.</summary>
    private async Task AnswerAsync(HttpContext context)
    {
        int status;
        lock (_statuses)
        {
            status = _statuses.Count > 0 ? _statuses.Dequeue() : 201;
        }
        if (status == 201)
        {
            var sid = $"SM{Interlocked.Increment(ref _sent):D32}";
            var body = TwilioFixtures.Read("messages.create.response.201.json").Replace("SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", sid, StringComparison.Ordinal);
            await FakeTwilio.Json(201, body)(context);
        }
        else
        {
            await FakeTwilio.Json(status, TwilioFixtures.Read("error.429.verify_v2.json"))(context);
        }
    }

    private static Dictionary<string, string> IncomingSms(string sid, string from, string body, int media = 0) => new()
    {
        ["MessageSid"] = sid,
        ["SmsSid"] = sid,
        ["AccountSid"] = AccountSid,
        ["From"] = from,
        ["To"] = "+8612345000000",
        ["Body"] = body,
        ["NumMedia"] = media.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FromCountry"] = "CN",
    };

    private async Task<HttpResponseMessage> PostWebhookAsync(string path, Dictionary<string, string> fields, string? signature = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add(TwilioSignature.HeaderName, signature ?? TwilioSignature.Compute(AuthToken, PublicBase + path, fields));
        return await _host.Anonymous().SendAsync(request);
    }

    private async Task<string> ReplyOfAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Response", xml.Root!.Name.LocalName);
        return xml.Root.Element("Message")?.Value ?? "";
    }

    private async Task<T> WithDbAsync<T>(Func<RoutingDbContext, IntakeDbContext, Task<T>> query)
    {
        using var scope = _host.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<RoutingDbContext>(), scope.ServiceProvider.GetRequiredService<IntakeDbContext>());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail("the condition did not hold within 10 seconds");
    }

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
        var unsigned = await _host.Anonymous().PostAsync(SmsWebhooks.InboundPath, new FormUrlEncodedContent(fields));
        await unsigned.ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(0, await WithDbAsync((routing, intake) => routing.Tickets.CountAsync()));
        Assert.Equal(0, await WithDbAsync((_, intake) => intake.InboundSms.CountAsync()));
    }

    [Fact]
    public async Task FollowUpWithinTheWindow_JoinsTheOpenTicket_AfterTheWindowStartsANewOne()
    {
        await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms("SM00000000000000000000000000000003", "13812345678", "楼下餐馆油烟扰民。"));
        _host.Clock.Advance(Duration.FromHours(2));
        var followUp = await ReplyOfAsync(await PostWebhookAsync(SmsWebhooks.InboundPath,
            IncomingSms("SM00000000000000000000000000000004", "+8613812345678", "补充：每天晚上十点以后最严重。")));
        Assert.Contains("补充", followUp);
        var tickets = await WithDbAsync((routing, _) => routing.Tickets.ToListAsync());
        var ticket = Assert.Single(tickets);
        var entries = await WithDbAsync((routing, _) => routing.Timeline.Where(e => e.TicketId == ticket.Id).OrderBy(e => e.Sequence).ToListAsync());
        Assert.Equal("补充：每天晚上十点以后最严重。", entries.Last().PublicText);
        Assert.Equal("FollowUp", entries.Last().Kind.ToString());

        _host.Clock.Advance(Duration.FromDays(2));
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
        var agent = await _host.SignInAsync("agent");
        var created = await agent.PostOkAsync("/api/tickets", new { content = "来电反映：路面塌陷", phone = "13812345678", type = "求助" });
        await WaitUntilAsync(async () => await WithDbAsync((_, intake) => intake.OutboundSms.AnyAsync(m => m.Status == OutboundStatus.Accepted)));

        var request = Assert.Single(_twilio.Requests);
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
        lock (_statuses)
        {
            _statuses.Enqueue(429);
            _statuses.Enqueue(503);
        }
        await _host.DisposeAsync();
        _host = await StartHostAsync(deliverOutbox: false);
        var agent = await _host.SignInAsync("agent");
        await agent.PostOkAsync("/api/tickets", new { content = "来电：停水", phone = "13812345678" });
        var dispatcher = _host.Get<OutboxDispatcher>();
        await dispatcher.DeliverPendingAsync(CancellationToken.None); // timeline event → the text is queued
        await dispatcher.DeliverPendingAsync(CancellationToken.None); // first try: 429
        Assert.Single(_twilio.Requests);
        Assert.Equal(OutboundStatus.Queued, (await WithDbAsync((_, intake) => intake.OutboundSms.SingleAsync())).Status);
        for (var i = 0; i < 3; i++)
        {
            _host.Clock.Advance(Duration.FromMinutes(10));
            await dispatcher.DeliverPendingAsync(CancellationToken.None);
        }
        Assert.Equal(3, _twilio.Requests.Count); // 429, 503, 201, and nothing after
        var sms = await WithDbAsync((_, intake) => intake.OutboundSms.SingleAsync());
        Assert.Equal(OutboundStatus.Accepted, sms.Status);
        Assert.Equal(3, sms.Attempts);
    }

    [Fact]
    public async Task TextAcceptedByTheOutboxBeforeACrash_IsSentExactlyOnceAfterRestart()
    {
        await _host.DisposeAsync();
        // First life: the change commits, then the host dies before any delivery.
        await using (var first = await StartHostAsync(deliverOutbox: false))
        {
            var agent = await first.SignInAsync("agent");
            await agent.PostOkAsync("/api/tickets", new { content = "来电：井盖丢失", phone = "13812345678" });
        }
        Assert.Empty(_twilio.Requests);
        _host = await StartHostAsync(deliverOutbox: true);
        await WaitUntilAsync(async () => await WithDbAsync((_, intake) => intake.OutboundSms.AnyAsync(m => m.Status == OutboundStatus.Accepted)));
        await _host.Get<OutboxDispatcher>().DeliverPendingAsync(CancellationToken.None);
        await _host.DisposeAsync();
        _host = await StartHostAsync(deliverOutbox: true);
        await _host.Get<OutboxDispatcher>().DeliverPendingAsync(CancellationToken.None);
        Assert.Single(_twilio.Requests);
    }

    [Fact]
    public async Task OptOut_StopsTexts_AndOptInResumesThem()
    {
        var stop = await ReplyOfAsync(await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms("SM00000000000000000000000000000010", "+8613812345678", "退订")));
        Assert.Contains("退订", stop);
        Assert.Equal(0, await WithDbAsync((routing, _) => routing.Tickets.CountAsync()));
        var agent = await _host.SignInAsync("agent");
        await agent.PostOkAsync("/api/tickets", new { content = "来电：噪音", phone = "13812345678" });
        await WaitUntilAsync(async () => await WithDbAsync((_, intake) => intake.OutboundSms.AnyAsync(m => m.Status == OutboundStatus.Skipped)));
        Assert.Empty(_twilio.Requests);

        await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms("SM00000000000000000000000000000011", "+8613812345678", "订阅"));
        await agent.PostOkAsync("/api/tickets", new { content = "来电：又有噪音", phone = "13812345678" });
        await WaitUntilAsync(async () => await WithDbAsync((_, intake) => intake.OutboundSms.AnyAsync(m => m.Status == OutboundStatus.Accepted)));
        Assert.Single(_twilio.Requests);
    }

    [Fact]
    public async Task ReplyOfADigit_AfterTheTicketWasAnswered_IsRecordedAsARating()
    {
        await PostWebhookAsync(SmsWebhooks.InboundPath, IncomingSms("SM00000000000000000000000000000012", "+8613812345678", "垃圾没人清运。"));
        var ticket = await WithDbAsync((routing, _) => routing.Tickets.SingleAsync());
        var agent = await _host.SignInAsync("agent");
        var housing = await _host.SignInAsync("housing");
        await agent.PostOkAsync($"/api/tickets/{ticket.Id}/dispatch", new { leadDepartmentId = "city-housing" });
        await housing.PostOkAsync($"/api/tickets/{ticket.Id}/sign", new { });
        await housing.PostOkAsync($"/api/tickets/{ticket.Id}/reply", new { reply = "已安排清运。" });

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
}
