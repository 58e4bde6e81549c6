using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Feedback.History;
using Hotline.Feedback.Ratings;
using Hotline.Feedback.Rectification;
using Hotline.Feedback.Storage;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Hotline.Console.Tests;

/// <summary>
/// 好差评 end to end on a real Kestrel: a reply, the citizen's rating through the signed link, the bad review's rectification with
/// working-day deadlines across the 2026 National Day holiday (and its make-up Saturday), the follow-up rating, overdue urging,
/// appeals, identity protection and every refusal with nothing written.
/// </summary>
public sealed class FeedbackTests : HostTest
{
    // Tuesday before 中秋/国庆 2026: the bad review comes on Wednesday 30 September, then 1–7 October are off and 10 October is worked.
    protected override TestClock? StartClock => new(TestClock.Shanghai(2026, 9, 29, 9));

    [Fact]
    public async Task BadReviewByLink_OpensRectification_WithWorkingDayDeadlines_StepsInOrder_ThenFollowUpRating()
    {
        var (id, _, housing) = await RepliedTicketAsync();
        Host.Clock.Set(TestClock.Shanghai(2026, 9, 30, 10));
        var token = await TokenAsync(id);

        var target = await Host.Anonymous().GetOkAsync($"/api/citizen/ratings/{token}");
        Assert.Equal("138****5678", target.Str("citizen"));
        Assert.False(target["alreadyRated"]!.GetValue<bool>());
        Assert.Equal(5, target["levels"]!.AsArray().Count);
        Assert.DoesNotContain("13812345678", target.ToJsonString());

        var receipt = await PostCreatedAsync(Host.Anonymous(), $"/api/citizen/ratings/{token}",
            new { level = 1, attitude = 2, result = 1, comment = "路面仍未修好" });
        Assert.True(receipt["badReview"]!.GetValue<bool>());
        var rectificationId = receipt.Str("rectificationId");

        // Verify within 1 working day: 1–7 October are off, so the 8th; rectify within 15: the 10th (Saturday) is worked, so 27 October.
        var opened = await housing.GetOkAsync($"/api/feedback/rectifications/{rectificationId}");
        Assert.Equal("Verify", opened.Str("stage"));
        Assert.Equal(DateTimeOffset.Parse("2026-10-09T00:00:00+08:00"), opened["verifyDue"]!.GetValue<DateTimeOffset>());
        Assert.Equal(DateTimeOffset.Parse("2026-10-28T00:00:00+08:00"), opened["rectifyDue"]!.GetValue<DateTimeOffset>());
        Assert.Equal("city-housing", opened.Str("departmentId"));

        // Out of order: 409 in Chinese, nothing written.
        var before = await FeedbackRowsAsync();
        var early = await (await housing.PostAsJsonAsync($"/api/feedback/rectifications/{rectificationId}/report-back", new { text = "已修好" }))
            .ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("按顺序", early.Str("detail"));
        Assert.Equal(before, await FeedbackRowsAsync());

        // Another department: the record does not exist for it.
        var environment = await CreateDepartmentHandlerAsync("env-handler", "city-environment");
        await (await environment.GetAsync($"/api/feedback/rectifications/{rectificationId}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await environment.PostAsJsonAsync($"/api/feedback/rectifications/{rectificationId}/verify", new { reached = true, note = "x" }))
            .ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(before, await FeedbackRowsAsync());

        Host.Clock.Set(TestClock.Shanghai(2026, 10, 8, 10));
        await housing.PostOkAsync($"/api/feedback/rectifications/{rectificationId}/verify", new { reached = true, note = "已电话联系市民，路面破损属实。" });
        await housing.PostOkAsync($"/api/feedback/rectifications/{rectificationId}/classify", new { kind = "立行立改", note = "诉求明确合理。" });
        await housing.PostOkAsync($"/api/feedback/rectifications/{rectificationId}/record",
            new { action = "已组织施工队修补路面。", evidence = new[] { "att:3f2a…施工照片", "派工单 2026-1008-07" } });
        var reported = await housing.PostOkAsync($"/api/feedback/rectifications/{rectificationId}/report-back",
            new { text = "路面已修补完毕，感谢您的监督。" });
        Assert.Equal("Review", reported.Str("stage"));
        Assert.True(reported["rectifiedOnTime"]!.GetValue<bool>());

        // The department cannot review its own rectification; the supervisor sends it back once, then accepts.
        await (await housing.PostAsJsonAsync($"/api/feedback/rectifications/{rectificationId}/review", new { accept = true }))
            .ProblemAsync(HttpStatusCode.Forbidden);
        var supervisor = await Host.SignInAsync("supervisor");
        var sentBack = await supervisor.PostOkAsync($"/api/feedback/rectifications/{rectificationId}/review", new { accept = false, note = "请补充验收照片。" });
        Assert.Equal("Record", sentBack.Str("stage"));
        await housing.PostOkAsync($"/api/feedback/rectifications/{rectificationId}/record",
            new { action = "补充验收。", evidence = new[] { "att:验收照片" } });
        await housing.PostOkAsync($"/api/feedback/rectifications/{rectificationId}/report-back", new { text = "已修补并验收。" });
        var accepted = await supervisor.PostOkAsync($"/api/feedback/rectifications/{rectificationId}/review", new { accept = true, note = "同意。" });
        Assert.Equal("FollowUp", accepted.Str("stage"));
        Assert.Equal(1, accepted["sentBackCount"]!.GetValue<int>());

        // The citizen may rate once more, about the rectification.
        var followUpToken = await TokenAsync(id);
        var followUpTarget = await Host.Anonymous().GetOkAsync($"/api/citizen/ratings/{followUpToken}");
        Assert.True(followUpTarget["followUp"]!.GetValue<bool>());
        var followUp = await PostCreatedAsync(Host.Anonymous(), $"/api/citizen/ratings/{followUpToken}", new { level = 4 });
        Assert.Equal(2, followUp["round"]!.GetValue<int>());
        var closed = await housing.GetOkAsync($"/api/feedback/rectifications/{rectificationId}");
        Assert.Equal("Closed", closed.Str("stage"));
        Assert.Equal("FollowUpRated", closed.Str("outcome"));
        Assert.Equal(
            ["RectificationOpened", "RectificationVerified", "RectificationClassified", "RectificationRecorded", "RectificationReportedBack",
             "RectificationSentBack", "RectificationRecorded", "RectificationReportedBack", "RectificationAccepted", "RectificationClosed"],
            closed["history"]!.AsArray().Select(h => h!.Str("kind")));

        // No third rating: the follow-up link is used, and the first one has expired with its window.
        await (await Host.Anonymous().PostAsJsonAsync($"/api/citizen/ratings/{followUpToken}", new { level = 5 })).ProblemAsync(HttpStatusCode.Conflict);
        await (await Host.Anonymous().PostAsJsonAsync($"/api/citizen/ratings/{token}", new { level = 5 })).ProblemAsync(HttpStatusCode.UnprocessableEntity);

        // The ticket shows both ratings; the live console gets every step through the outbox.
        var agent = await Host.SignInAsync("agent");
        var ratings = (await TimelineAsync(agent, id)).Where(e => e.Str("kind") == "RatingReceived").ToList();
        Assert.Equal(2, ratings.Count);
        Assert.Contains("\"followUp\":true", ratings[1].Str("data"));
        var events = await FeedbackEventKindsAsync();
        Assert.Contains(nameof(FeedbackEventKind.BadReviewReceived), events);
        Assert.Contains(nameof(FeedbackEventKind.FollowUpRatingReceived), events);
        Assert.Equal(10, events.Count(k => k.StartsWith("Rectification", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RatingRefusals_AreClearChineseProblems_AndWriteNothing()
    {
        var (id, agent, _) = await RepliedTicketAsync();
        var token = await TokenAsync(id);
        var anonymous = Host.Anonymous();
        var before = await FeedbackRowsAsync();
        var ticketRows = await CountRowsAsync();

        var tampered = token[..^2] + (token[^1] == 'A' ? "BA" : "AA");
        Assert.True(Api.IsChinese((await (await anonymous.PostAsJsonAsync($"/api/citizen/ratings/{tampered}", new { level = 3 }))
            .ProblemAsync(HttpStatusCode.NotFound)).Str("detail")));
        await (await anonymous.GetAsync("/api/citizen/ratings/not-a-token")).ProblemAsync(HttpStatusCode.NotFound);
        foreach (var level in new[] { 0, 6, -1 })
        {
            var problem = await (await anonymous.PostAsJsonAsync($"/api/citizen/ratings/{token}", new { level })).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("1（非常不满意）到 5", problem["errors"]!["level"]![0]!.GetValue<string>());
        }
        await (await anonymous.PostAsJsonAsync($"/api/citizen/ratings/{token}", new { level = 3, attitude = 9 })).ProblemAsync(HttpStatusCode.BadRequest);

        // Staff can neither rate with the citizen's link nor create, change or delete a rating.
        Assert.Contains("工作人员", (await (await agent.PostAsJsonAsync($"/api/citizen/ratings/{token}", new { level = 5 }))
            .ProblemAsync(HttpStatusCode.Forbidden)).Str("detail"));
        await (await agent.PostAsJsonAsync("/api/feedback/ratings", new { ticketId = id, level = 5 })).ProblemAsync(HttpStatusCode.Forbidden);
        var supervisor = await Host.SignInAsync("supervisor");
        await (await supervisor.PutAsJsonAsync($"/api/feedback/ratings/{Guid.NewGuid()}", new { level = 5 })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await supervisor.DeleteAsync($"/api/feedback/ratings/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.Forbidden);

        // A ticket not replied to yet cannot be rated, even with a correctly signed link.
        var (openId, _) = await SubmitAsync(content: "另一件事：楼道灯坏了", phone: "13900001111");
        var openToken = await IssueAsync(openId, Host.Clock.GetCurrentInstant().Plus(Duration.FromDays(7)));
        Assert.Contains("答复后才能评价", (await (await anonymous.PostAsJsonAsync($"/api/citizen/ratings/{openToken}", new { level = 2 }))
            .ProblemAsync(HttpStatusCode.Conflict)).Str("detail"));
        Assert.Equal(before, await FeedbackRowsAsync());
        Assert.Equal(ticketRows.Timeline + 1, (await CountRowsAsync()).Timeline); // only the second ticket's registration

        // One rating per ticket.
        await PostCreatedAsync(anonymous, $"/api/citizen/ratings/{token}", new { level = 5 });
        var afterFirst = await FeedbackRowsAsync();
        Assert.Contains("一事一评", (await (await anonymous.PostAsJsonAsync($"/api/citizen/ratings/{token}", new { level = 1 }))
            .ProblemAsync(HttpStatusCode.Conflict)).Str("detail"));
        Assert.Equal(afterFirst, await FeedbackRowsAsync());

        // After the window: the link has expired; a link signed for longer is still refused by the window rule.
        var (lateId, _, _) = await RepliedTicketAsync();
        var lateToken = await TokenAsync(lateId);
        var longToken = await IssueAsync(lateId, Host.Clock.GetCurrentInstant().Plus(Duration.FromDays(30)));
        Host.Clock.Advance(Duration.FromDays(8));
        Assert.Contains("过期", (await (await anonymous.PostAsJsonAsync($"/api/citizen/ratings/{lateToken}", new { level = 3 }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity)).Str("detail"));
        Assert.Contains("评价期限", (await (await anonymous.PostAsJsonAsync($"/api/citizen/ratings/{longToken}", new { level = 3 }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity)).Str("detail"));
        Assert.Equal(afterFirst, await FeedbackRowsAsync());
    }

    [Fact]
    public async Task OverdueSteps_AreUrgedAndEscalatedExactlyOncePerStep()
    {
        var (id, _, housing) = await RepliedTicketAsync();
        Host.Clock.Set(TestClock.Shanghai(2026, 9, 30, 10));
        var rectificationId = (await PostCreatedAsync(Host.Anonymous(), $"/api/citizen/ratings/{await TokenAsync(id)}", new { level = 2 }))
            .Str("rectificationId");
        var monitor = Host.Get<RectificationMonitor>();
        Assert.Equal((0, 0), await monitor.CheckOnceAsync(CancellationToken.None));

        Host.Clock.Set(TestClock.Shanghai(2026, 10, 9, 8)); // verification was due by the end of 8 October
        Assert.Equal((1, 0), await monitor.CheckOnceAsync(CancellationToken.None));
        Assert.Equal((0, 0), await monitor.CheckOnceAsync(CancellationToken.None));
        var supervisor = await Host.SignInAsync("supervisor");
        var overdue = Assert.Single((await supervisor.GetOkAsync("/api/feedback/rectifications/overdue")).AsArray());
        Assert.Equal(rectificationId, overdue!.Str("id"));
        Assert.Equal(["Verify"], overdue!["urgedSteps"]!.AsArray().Select(s => s!.GetValue<string>()));

        // Verified late; the next step has its own deadline and its own single urge.
        await housing.PostOkAsync($"/api/feedback/rectifications/{rectificationId}/verify", new { reached = false, note = "两次未接通，短信告知。" });
        Assert.Equal((0, 0), await monitor.CheckOnceAsync(CancellationToken.None));
        Host.Clock.Set(TestClock.Shanghai(2026, 10, 28, 8));
        Assert.Equal((1, 0), await monitor.CheckOnceAsync(CancellationToken.None));
        Assert.Equal((0, 0), await monitor.CheckOnceAsync(CancellationToken.None));
        var events = await FeedbackEventKindsAsync();
        Assert.Equal(2, events.Count(k => k == nameof(FeedbackEventKind.RectificationOverdue)));
        var view = await housing.GetOkAsync($"/api/feedback/rectifications/{rectificationId}");
        Assert.Equal(["Classify", "Verify"], view["urgedSteps"]!.AsArray().Select(s => s!.GetValue<string>()).Order());
        Assert.True(view["overdue"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Appeal_Upheld_ExcludesTheBadReview_AndEndsItsRectification_GoodReviewCannotBeAppealed()
    {
        var (badId, _, housing) = await RepliedTicketAsync();
        var bad = await PostCreatedAsync(Host.Anonymous(), $"/api/citizen/ratings/{await TokenAsync(badId)}", new { level = 1, comment = "不满意" });
        var (goodId, _, _) = await RepliedTicketAsync();
        var good = await PostCreatedAsync(Host.Anonymous(), $"/api/citizen/ratings/{await TokenAsync(goodId)}", new { level = 4 });

        var before = await FeedbackRowsAsync();
        Assert.Contains("不是差评", (await (await housing.PostAsJsonAsync($"/api/feedback/ratings/{good.Str("ratingId")}/appeals",
            new { ground = "Mistaken", statement = "误评", evidence = new[] { "录音 1" } })).ProblemAsync(HttpStatusCode.Conflict)).Str("detail"));
        var environment = await CreateDepartmentHandlerAsync("env-appeal", "city-environment");
        await (await environment.PostAsJsonAsync($"/api/feedback/ratings/{bad.Str("ratingId")}/appeals",
            new { ground = "Malicious", statement = "恶意", evidence = new[] { "x" } })).ProblemAsync(HttpStatusCode.NotFound);
        await (await housing.PostAsJsonAsync($"/api/feedback/ratings/{bad.Str("ratingId")}/appeals",
            new { ground = "Malicious", statement = "恶意" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(before, await FeedbackRowsAsync());

        var filed = await housing.PostAsJsonAsync($"/api/feedback/ratings/{bad.Str("ratingId")}/appeals",
            new { ground = "恶意差评", statement = "市民因其他纠纷要求我局违规处理，遭拒后差评。", evidence = new[] { "通话录音 REC-1", "现场记录" } });
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        var appealId = JsonNode.Parse(await filed.Content.ReadAsStringAsync())!.Str("id");
        await (await housing.PostAsJsonAsync($"/api/feedback/appeals/{appealId}/decision", new { uphold = true, reason = "自己审" }))
            .ProblemAsync(HttpStatusCode.Forbidden);

        var supervisor = await Host.SignInAsync("supervisor");
        var decided = await supervisor.PostOkAsync($"/api/feedback/appeals/{appealId}/decision", new { uphold = true, reason = "录音证实与办理无关。" });
        Assert.Equal("Upheld", decided.Str("status"));
        Assert.Equal(["AppealFiled", "AppealUpheld"], decided["history"]!.AsArray().Select(h => h!.Str("kind")));
        await (await supervisor.PostAsJsonAsync($"/api/feedback/appeals/{appealId}/decision", new { uphold = false, reason = "再审" }))
            .ProblemAsync(HttpStatusCode.Conflict);

        var rating = await housing.GetOkAsync($"/api/feedback/ratings/{bad.Str("ratingId")}");
        Assert.True(rating["excludedFromAssessment"]!.GetValue<bool>());
        var rectification = await housing.GetOkAsync($"/api/feedback/rectifications/{bad.Str("rectificationId")}");
        Assert.Equal("AppealUpheld", rectification.Str("outcome"));
    }

    [Fact]
    public async Task RaterIdentity_IsHiddenFromDepartments_AndOpenedOnlyBySupervisorsWithAReason_Logged()
    {
        var (id, _, housing) = await RepliedTicketAsync();
        var receipt = await PostCreatedAsync(Host.Anonymous(), $"/api/citizen/ratings/{await TokenAsync(id)}",
            new { level = 2, comment = "还没修好，请打13812345678找我。" });
        var ratingId = receipt.Str("ratingId");
        var list = (await housing.GetOkAsync("/api/feedback/ratings")).AsArray();
        Assert.Contains("还没修好", list[0]!.Str("comment"));     // the department reads the comment, with the number masked
        var text = list.ToJsonString();
        Assert.Contains(ratingId, text);
        Assert.DoesNotContain("5678", text);
        Assert.DoesNotContain("张", text);
        Assert.True(list[0]!["realName"]!.GetValue<bool>());

        await (await housing.PostAsJsonAsync($"/api/feedback/ratings/{ratingId}/rater", new { reason = "想知道" })).ProblemAsync(HttpStatusCode.Forbidden);
        var supervisor = await Host.SignInAsync("supervisor");
        await (await supervisor.PostAsJsonAsync($"/api/feedback/ratings/{ratingId}/rater", new { reason = " " })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(0, await WithRoutingAsync(db => db.PersonalDataAccess.CountAsync()));

        var identity = await supervisor.PostOkAsync($"/api/feedback/ratings/{ratingId}/rater", new { reason = "核查疑似恶意差评" });
        Assert.Equal("+8613812345678", identity.Str("phone"));
        Assert.Equal("张三", identity.Str("name"));
        var access = await WithRoutingAsync(db => db.PersonalDataAccess.SingleAsync());
        Assert.Equal("查看评价人身份：核查疑似恶意差评", access.Purpose);
        Assert.Equal("supervisor", access.StaffRole);

        // Who opened the identity, and why, stays with the supervisors; the department's history has no number either.
        var kinds = (await supervisor.GetOkAsync($"/api/feedback/tickets/{id}/history")).AsArray().Select(h => h!.Str("kind")).ToList();
        Assert.Contains("RaterIdentityOpened", kinds);
        var forDepartment = await housing.GetOkAsync($"/api/feedback/tickets/{id}/history");
        Assert.DoesNotContain(forDepartment.AsArray(), h => h!.Str("kind") == "RaterIdentityOpened");
        Assert.DoesNotContain("12345678", forDepartment.ToJsonString());
        Assert.Contains("13812345678", (await supervisor.GetOkAsync($"/api/feedback/ratings/{ratingId}")).Str("comment"));
    }

    private async Task<string> TokenAsync(string ticketId)
    {
        using var scope = Host.Services.CreateScope();
        var ratings = scope.ServiceProvider.GetRequiredService<RatingService>();
        var invitation = await ratings.InvitationAsync(new TicketId(Guid.Parse(ticketId)), CancellationToken.None);
        Assert.Null(invitation.Error);
        return await ratings.LinkTokenAsync(invitation.Value!, CancellationToken.None);
    }

    private Task<string> IssueAsync(string ticketId, Instant expires) =>
        Host.Get<RatingTokens>().IssueAsync(new RatingInvitation(new TicketId(Guid.Parse(ticketId)), 1, expires), CancellationToken.None);

    private static async Task<JsonNode> PostCreatedAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private async Task<(int Ratings, int Rectifications, int History, int Appeals, int Callbacks)> FeedbackRowsAsync()
    {
        using var scope = Host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
        return (await db.Ratings.CountAsync(), await db.Rectifications.CountAsync(), await db.History.CountAsync(), await db.Appeals.CountAsync(),
            await db.Callbacks.CountAsync());
    }

    private async Task<string[]> FeedbackEventKindsAsync()
    {
        using var scope = Host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var messages = await db.Outbox.AsNoTracking().Where(m => m.Topic == FeedbackEvent.Topic).OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToListAsync();
        return [.. messages.Select(m => OutboxWriter.Read<FeedbackEvent>(m).Kind)];
    }

    private async Task<T> WithRoutingAsync<T>(Func<RoutingDbContext, Task<T>> query)
    {
        using var scope = Host.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<RoutingDbContext>());
    }
}
