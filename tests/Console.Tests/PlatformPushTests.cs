using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Feedback.History;
using Hotline.Feedback.Platform;
using Hotline.Feedback.Ratings;
using Hotline.Feedback.Storage;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Hotline.Console.Tests;

/// <summary>
/// Pushing rating records to a 好差评 platform, against a loopback stand-in that records every request: the documented fields,
/// a signature the platform can check, no personal data, retries on 503, no retry on 400, and nothing at all when unconfigured.
/// The outbox is driven by hand so each attempt happens at an instant the test chooses.
/// </summary>
public sealed class PlatformPushTests : IAsyncLifetime
{
    private const string Secret = "platform-shared-secret-0123456789";
    private const string ApiKey = "hotline-demo-city";
    private const string RegionCode = "110105";

    private TestDatabase _database = null!;
    private FakePlatform _platform = null!;
    private TestHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _platform = await FakePlatform.StartAsync();
        _host = await StartHostAsync(configured: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _platform.DisposeAsync();
        await _database.DisposeAsync();
    }

    private Task<TestHost> StartHostAsync(bool configured) => TestHost.StartAsync(_database, deliverOutbox: false,
        settings: configured
            ? new Dictionary<string, string>
            {
                ["Hotline:Feedback:Platform:Endpoint"] = _platform.Url,
                ["Hotline:Feedback:Platform:ApiKey"] = ApiKey,
                ["Hotline:Feedback:Platform:Secret"] = Secret,
                ["Hotline:Feedback:Platform:RegionCode"] = RegionCode,
            }
            : null);

    [Fact]
    public async Task Rating_IsDeliveredOnce_Signed_WithTheDocumentedFields_AndNoPersonalData()
    {
        var (ticketId, trackingCode) = await RepliedTicketAsync();
        var receipt = await RateAsync(ticketId, new
        {
            level = 2,
            attitude = 3,
            result = 1,
            comment = "我是张三，路面还是没修好，请打13912345678或0571-88881234联系，身份证110101199003071234。",
        });
        await DeliverAllAsync();

        var request = Assert.Single(_platform.Requests);
        Assert.Equal("application/json", request.ContentType?.Split(';')[0]);
        var timestamp = request.Headers[PlatformPusher.TimestampHeader];
        Assert.Equal(_host.Clock.GetCurrentInstant().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), timestamp);
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret),
            (byte[])[.. Encoding.ASCII.GetBytes(timestamp + "."), .. request.Body]));
        Assert.Equal(expected, request.Headers[PlatformPusher.SignatureHeader]);
        Assert.Equal(ApiKey, request.Headers[PlatformPusher.KeyHeader]);

        var record = JsonNode.Parse(request.Text)!;
        Assert.Equal("hotline.rating-record/1", record.Str("schema"));
        Assert.Equal("rating", record.Str("recordType"));
        Assert.Equal(record.Str("recordId"), request.Headers[PlatformPusher.IdempotencyHeader]);
        Assert.Equal(RegionCode, record.Str("regionCode"));
        Assert.Equal(receipt.Str("ratingId"), record.Str("ratingId"));
        Assert.EndsWith("+08:00", record.Str("occurredAt"), StringComparison.Ordinal);
        var service = record["service"]!;
        Assert.Equal(ticketId, service.Str("ticketId"));
        Assert.Equal(trackingCode, service.Str("trackingCode"));
        Assert.Equal("Complaint", service.Str("type"));
        Assert.Equal("投诉", service.Str("typeLabel"));
        Assert.Equal("city-housing", service.Str("departmentCode"));
        Assert.False(string.IsNullOrEmpty(service.Str("departmentName")));
        var rating = record["rating"]!;
        Assert.Equal(1, rating["round"]!.GetValue<int>());
        Assert.Equal(2, rating["level"]!.GetValue<int>());
        Assert.Equal("不满意", rating.Str("levelLabel"));
        Assert.True(rating["badReview"]!.GetValue<bool>());
        Assert.Equal(3, rating["dimensions"]!["attitude"]!.GetValue<int>());
        Assert.Equal(1, rating["dimensions"]!["result"]!.GetValue<int>());
        Assert.Null(rating["dimensions"]!["overall"]);
        Assert.Equal("web", rating.Str("channel"));
        Assert.True(rating["realName"]!.GetValue<bool>());
        Assert.Equal(DateTimeOffset.Parse("2026-11-23T09:00:00+08:00"), DateTimeOffset.Parse(rating.Str("ratedAt")));
        Assert.EndsWith("+08:00", rating.Str("ratedAt"), StringComparison.Ordinal);
        Assert.Equal("我是【姓名】，路面还是没修好，请打【手机号】或【电话】联系，身份证【身份证号】。", rating.Str("comment"));
        Assert.Null(record["rectification"]);
        Assert.Null(record["exclusion"]);
        foreach (var personal in new[] { "张三", "13912345678", "13812345678", "88881234", "110101199003071234" })
        {
            Assert.DoesNotContain(personal, request.Text, StringComparison.Ordinal);
        }

        // Redelivered (a crash before the outbox recorded it), or the outbox passing again: the platform hears it once.
        var message = await WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Topic == FeedbackEvent.Topic
            && m.Payload.Contains("\"kind\":\"RatingReceived\"")));
        await _host.Services.GetServices<IOutboxHandler>().OfType<PlatformPusher>().Single().HandleAsync(message, CancellationToken.None);
        _host.Clock.Advance(Duration.FromMinutes(10));
        await DeliverAllAsync();
        Assert.Single(_platform.Requests);

        // The audit: supervisors and admins see what was sent, byte for byte by its hash; departments and agents do not.
        var supervisor = await _host.SignInAsync("supervisor");
        var audit = (await supervisor.GetOkAsync("/api/feedback/platform/deliveries")).AsArray();
        var row = Assert.Single(audit)!;
        Assert.Equal("Delivered", row.Str("outcome"));
        Assert.Equal(200, row["httpStatus"]!.GetValue<int>());
        Assert.Equal(record.Str("recordId"), row.Str("recordId"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(request.Body)), row.Str("payloadSha256"));
        Assert.Equal(request.Text, row.Str("payload"));
        var admin = await _host.SignInAsync("admin");
        Assert.Single((await admin.GetOkAsync("/api/feedback/platform/deliveries?outcome=delivered")).AsArray());
        Assert.Empty((await admin.GetOkAsync("/api/feedback/platform/deliveries?outcome=Failed")).AsArray());
        await (await admin.GetAsync("/api/feedback/platform/deliveries?outcome=lost")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await (await _host.SignInAsync("housing")).GetAsync("/api/feedback/platform/deliveries")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await (await _host.SignInAsync("agent")).GetAsync("/api/feedback/platform/deliveries")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task PlatformBusy_503ThenOk_IsDeliveredOnRetry_WithTheSameBodyAndKey_BothAttemptsAudited()
    {
        var (ticketId, _) = await RepliedTicketAsync();
        await RateAsync(ticketId, new { level = 5 });
        _platform.Answer(503);
        await DeliverAllAsync();
        Assert.Single(_platform.Requests);
        var first = Assert.Single(await AuditAsync());
        Assert.Equal((PlatformOutcome.Retrying, 503), (first.Outcome, first.HttpStatus));

        // The outbox backs off (2 s after the first failure): nothing is due before then.
        await DeliverAllAsync();
        Assert.Single(_platform.Requests);
        _host.Clock.Advance(Duration.FromSeconds(3));
        await DeliverAllAsync();

        var requests = _platform.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Equal(requests[0].Headers[PlatformPusher.IdempotencyHeader], requests[1].Headers[PlatformPusher.IdempotencyHeader]);
        var audit = await AuditAsync();
        Assert.Equal([(1, PlatformOutcome.Retrying, (int?)503), (2, PlatformOutcome.Delivered, 200)],
            audit.Select(a => (a.Attempt, a.Outcome, a.HttpStatus)));
        Assert.Single(audit.Select(a => a.PayloadSha256).Distinct());

        _host.Clock.Advance(Duration.FromMinutes(10));
        await DeliverAllAsync();
        Assert.Equal(2, _platform.Requests.Count);
    }

    [Fact]
    public async Task PlatformRefuses_400_IsRecordedAsAPermanentFailure_AndNotRetried()
    {
        var (ticketId, _) = await RepliedTicketAsync();
        await RateAsync(ticketId, new { level = 4 });
        _platform.Answer(400);
        await DeliverAllAsync();
        for (var i = 0; i < 3; i++)
        {
            _host.Clock.Advance(Duration.FromMinutes(10));
            await DeliverAllAsync();
        }
        Assert.Single(_platform.Requests);
        var failed = Assert.Single(await AuditAsync());
        Assert.Equal((PlatformOutcome.Failed, 400), (failed.Outcome, failed.HttpStatus));
        Assert.Contains("记录格式不正确", failed.Detail);
        // The outbox counts the message as handled by the pusher: a refusal is settled, not pending.
        Assert.True(await WithDbAsync(db => db.OutboxDeliveries.AnyAsync(d => d.Handler == "feedback-platform-push")));
        Assert.Equal(0, await WithDbAsync(db => db.Outbox.CountAsync(m => m.DeliveredAt == null)));
    }

    [Fact]
    public async Task UpheldAppeal_PushesTheExclusion_AndTheRectificationsEnd_ForTheSameRating()
    {
        var (ticketId, _) = await RepliedTicketAsync();
        var bad = await RateAsync(ticketId, new { level = 1 });
        var housing = await _host.SignInAsync("housing");
        var appeal = await housing.PostOkAsync($"/api/feedback/ratings/{bad.Str("ratingId")}/appeals",
            new { ground = "Malicious", statement = "市民因其他纠纷差评。", evidence = new[] { "通话录音 REC-1" } });
        var supervisor = await _host.SignInAsync("supervisor");
        await supervisor.PostOkAsync($"/api/feedback/appeals/{appeal.Str("id")}/decision", new { uphold = true, reason = "录音证实。" });
        await DeliverAllAsync();

        var records = _platform.Requests.Select(r => JsonNode.Parse(r.Text)!).ToList();
        Assert.Equal(["exclusion", "rating", "rectification"], records.Select(r => r.Str("recordType")).Order());
        Assert.All(records, r => Assert.Equal(bad.Str("ratingId"), r.Str("ratingId")));
        var exclusion = records.Single(r => r.Str("recordType") == "exclusion")["exclusion"]!;
        Assert.Equal(appeal.Str("id"), exclusion.Str("appealId"));
        Assert.Equal("Malicious", exclusion.Str("ground"));
        var rectification = records.Single(r => r.Str("recordType") == "rectification")["rectification"]!;
        Assert.Equal(bad.Str("rectificationId"), rectification.Str("rectificationId"));
        Assert.Equal("AppealUpheld", rectification.Str("status"));
        Assert.Equal(3, records.Select(r => r.Str("recordId")).Distinct().Count());
    }

    [Fact]
    public async Task Unconfigured_SendsNothing_AndRecordsNothing()
    {
        await _host.DisposeAsync();
        _host = await StartHostAsync(configured: false);
        var (ticketId, _) = await RepliedTicketAsync();
        await RateAsync(ticketId, new { level = 1, comment = "不满意" });
        await DeliverAllAsync();

        Assert.Empty(_platform.Requests);
        Assert.Empty(await AuditAsync());
        // The events were handled (the pusher declined them), not left pending for a later configuration.
        Assert.True(await WithDbAsync(db => db.Outbox.AnyAsync(m => m.Topic == FeedbackEvent.Topic)));
        Assert.Equal(0, await WithDbAsync(db => db.Outbox.CountAsync(m => m.DeliveredAt == null)));
    }

    private async Task<(string Id, string TrackingCode)> RepliedTicketAsync()
    {
        var receipt = await _host.Anonymous().PostOkAsync("/api/citizen/tickets",
            new { content = "小区门口道路破损，雨天积水严重，请尽快修复。", phone = "13812345678", type = "投诉", anonymous = false, name = "张三" });
        var id = receipt.Str("id");
        var agent = await _host.SignInAsync("agent");
        var housing = await _host.SignInAsync("housing");
        await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
        await housing.PostOkAsync($"/api/tickets/{id}/sign", new { });
        await housing.PostOkAsync($"/api/tickets/{id}/reply", new { reply = "已处理。" });
        return (id, receipt.Str("trackingCode"));
    }

    private async Task<JsonNode> RateAsync(string ticketId, object rating)
    {
        string token;
        using (var scope = _host.Services.CreateScope())
        {
            var ratings = scope.ServiceProvider.GetRequiredService<RatingService>();
            var invitation = await ratings.InvitationAsync(new TicketId(Guid.Parse(ticketId)), CancellationToken.None);
            token = await ratings.LinkTokenAsync(invitation.Value!, CancellationToken.None);
        }
        var response = await _host.Anonymous().PostAsJsonAsync($"/api/citizen/ratings/{token}", rating);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>Runs the outbox until nothing is due (handlers write new messages, e.g. Feedback's own events).</summary>
    private async Task DeliverAllAsync()
    {
        var dispatcher = _host.Get<OutboxDispatcher>();
        for (var i = 0; i < 20 && await dispatcher.DeliverPendingAsync(CancellationToken.None) > 0; i++)
        {
        }
    }

    private async Task<List<PlatformDelivery>> AuditAsync()
    {
        using var scope = _host.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<FeedbackDbContext>().PlatformDeliveries.AsNoTracking()
            .OrderBy(d => d.Attempt).ToListAsync();
    }

    private async Task<T> WithDbAsync<T>(Func<RoutingDbContext, Task<T>> query)
    {
        using var scope = _host.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<RoutingDbContext>());
    }
}
