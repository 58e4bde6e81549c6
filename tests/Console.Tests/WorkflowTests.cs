using System.Net;
using System.Net.Http.Json;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Host.Storage;
using Hotline.Knowledge.Storage;
using Hotline.Routing.Dispatch;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Supervision;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Hotline.Console.Tests;

/// <summary>Scripted walks through the API, from a citizen's submission to the end of the ticket's life.</summary>
public sealed class WorkflowTests : HostTest
{
    // Thursday 2026-09-24, 10:00 in Shanghai: 中秋 (09-25..27) and 国庆 (10-01..07) fall inside the deadlines.
    protected override TestClock StartClock => new(TestClock.Shanghai(2026, 9, 24, 10));

    [Fact]
    public async Task Complaint_FromIntakeToClose_TimelineShowsEveryStep()
    {
        var (id, trackingCode) = await SubmitAsync();
        var agent = await Host.SignInAsync("agent");
        var housing = await Host.SignInAsync("housing");
        var supervisor = await Host.SignInAsync("supervisor");

        var dispatched = await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing", note = "道路维修" });
        Assert.Equal("Dispatched", dispatched.Str("state"));
        // Sign: 1 working day; 09-25 is 中秋 and 09-26/27 the weekend, so day 1 is Monday 09-28.
        Assert.Equal("2026-09-29T00:00:00+08:00", dispatched["signDeadline"]!.Str("due"));
        // Complaint: 15 working days from receipt, counted from 09-28 and skipping 国庆; 10-10 (Saturday) is a make-up day.
        Assert.Equal("2026-10-23T00:00:00+08:00", dispatched["replyDeadline"]!.Str("due"));

        Host.Clock.Advance(NodaTime.Duration.FromHours(2));
        var signed = await housing.PostOkAsync($"/api/tickets/{id}/sign", new { });
        Assert.Equal("Signed", signed.Str("state"));
        Assert.Equal("met", signed["signDeadline"]!.Str("status"));

        await housing.PostOkAsync($"/api/tickets/{id}/extension", new { days = 3, reason = "需协调施工单位，现场勘查" });
        var approved = await supervisor.PostOkAsync($"/api/tickets/{id}/extension-review", new { approve = true, note = "同意延期" });
        // Three working days after 10-22: 10-23, 10-26, 10-27.
        Assert.Equal("2026-10-28T00:00:00+08:00", approved["replyDeadline"]!.Str("due"));
        Assert.Equal(3, approved["extensionDaysGranted"]!.GetValue<int>());

        await housing.PostOkAsync($"/api/tickets/{id}/reply", new { reply = "已安排施工队于本周修复路面并疏通排水。", internalNote = "施工单位：市政一公司" });
        await agent.PostOkAsync($"/api/tickets/{id}/callback", new { reached = true, solved = true, satisfaction = 5, note = "市民表示满意" });
        var closed = await agent.PostOkAsync($"/api/tickets/{id}/close", new { });
        Assert.Equal("Closed", closed.Str("state"));

        var timeline = await TimelineAsync(agent, id);
        Assert.Equal(["Registered", "Dispatched", "Signed", "ExtensionRequested", "ExtensionApproved", "Replied", "CalledBack", "Closed"],
            Kinds(timeline));
        Assert.Equal(Enumerable.Range(1, 8), timeline.Select(e => e["sequence"]!.GetValue<int>()));
        Assert.Equal("张伟", timeline[2].Str("actorName"));
        Assert.Equal("Signed", timeline[2].Str("toState"));
        Assert.Equal("Dispatched", timeline[2].Str("fromState"));

        var tracking = await Host.Anonymous().GetOkAsync($"/api/citizen/tickets/{trackingCode}?phone=138-1234-5678");
        Assert.Equal("已办结", tracking.Str("stateLabel"));
        Assert.Equal("已安排施工队于本周修复路面并疏通排水。", tracking.Str("reply"));
        var publicText = tracking.ToJsonString(Api.Json);
        Assert.DoesNotContain("市政一公司", publicText);       // internal note
        Assert.DoesNotContain("现场勘查", publicText);         // extension reason
        Assert.DoesNotContain("张伟", publicText);             // staff names
    }

    [Fact]
    public async Task MisroutedTicket_IsReturned_ReviewedAndRedispatched()
    {
        var (id, _) = await SubmitAsync("小区内有商户夜间施工噪音扰民。");
        var environment = await CreateDepartmentHandlerAsync("environment", "city-environment");
        var dispatcher = await Host.SignInAsync("dispatcher");
        var housing = await Host.SignInAsync("housing");

        await dispatcher.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-environment" });
        var returned = await environment.PostOkAsync($"/api/tickets/{id}/return", new { reason = "属于建筑施工管理，应由住建局办理" });
        Assert.Equal("ReturnRequested", returned.Str("state"));

        var reviewed = await dispatcher.PostOkAsync($"/api/tickets/{id}/return-review", new { approve = true, note = "同意，改派住建局" });
        Assert.Equal("PendingDispatch", reviewed.Str("state"));
        Assert.Null(reviewed["leadDepartment"]);
        Assert.Equal(HttpStatusCode.NotFound, (await environment.GetAsync($"/api/tickets/{id}")).StatusCode);

        var redispatched = await dispatcher.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
        Assert.Equal(2, redispatched["dispatchCount"]!.GetValue<int>());
        await housing.PostOkAsync($"/api/tickets/{id}/sign", new { });

        Assert.Equal(["Registered", "Dispatched", "ReturnRequested", "ReturnApproved", "Dispatched", "Signed"],
            Kinds(await TimelineAsync(dispatcher, id)));
    }

    [Fact]
    public async Task RejectedReturn_LeavesTheTicketWithTheDepartment()
    {
        var (id, _) = await SubmitAsync();
        var dispatcher = await Host.SignInAsync("dispatcher");
        var housing = await Host.SignInAsync("housing");
        await dispatcher.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
        await housing.PostOkAsync($"/api/tickets/{id}/sign", new { });
        await housing.PostOkAsync($"/api/tickets/{id}/return", new { reason = "不属于本单位" });
        var rejected = await dispatcher.PostOkAsync($"/api/tickets/{id}/return-review", new { approve = false, note = "道路破损属住建职责" });
        Assert.Equal("Signed", rejected.Str("state"));
        Assert.Equal("city-housing", rejected["leadDepartment"]!.Str("id"));
    }

    [Fact]
    public async Task RepeatContact_IsMergedIntoTheOpenTicket()
    {
        var (first, _) = await SubmitAsync("楼下路灯坏了一个月没人修。");
        var (second, secondCode) = await SubmitAsync("路灯还是没修好，再次反映。");
        var agent = await Host.SignInAsync("agent");
        await agent.PostOkAsync($"/api/tickets/{first}/dispatch", new { leadDepartmentId = "city-housing" });

        var merged = await agent.PostOkAsync($"/api/tickets/{second}/merge", new { targetId = first, note = "同一市民同一事项" });
        Assert.Equal("Merged", merged.Str("state"));
        Assert.Equal(first, merged.Str("mergedIntoId"));
        Assert.Equal(["Registered", "Dispatched", "MergedFrom"], Kinds(await TimelineAsync(agent, first)));

        var tracking = await Host.Anonymous().GetOkAsync($"/api/citizen/tickets/{secondCode}?phone=13812345678");
        Assert.Contains(tracking["progress"]!.AsArray(), m => m!.Str("label") == "已与相同诉求合并办理");

        // A merged ticket is finished: it cannot be dispatched, and nothing can be merged into it.
        var again = await agent.PostAsJsonAsync($"/api/tickets/{second}/dispatch", new { leadDepartmentId = "city-housing" });
        await again.ProblemAsync(HttpStatusCode.Conflict);
        var (third, _) = await SubmitAsync("第三次反映路灯。");
        var intoMerged = await agent.PostAsJsonAsync($"/api/tickets/{third}/merge", new { targetId = second });
        await intoMerged.ProblemAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Consultation_AnsweredDirectly_IsClosedWithThePublicAnswer()
    {
        var (id, code) = await SubmitAsync("请问居住证在哪里办理？", type: "咨询");
        var agent = await Host.SignInAsync("agent");
        var answered = await agent.PostOkAsync($"/api/tickets/{id}/direct-answer", new { answer = "请携带身份证和租房合同到所在街道便民服务中心办理。" });
        Assert.Equal("Closed", answered.Str("state"));
        Assert.Equal("DirectAnswer", answered.Str("closure"));
        var tracking = await Host.Anonymous().GetOkAsync($"/api/citizen/tickets/{code}?phone=13812345678");
        Assert.Equal("请携带身份证和租房合同到所在街道便民服务中心办理。", tracking.Str("reply"));
    }

    [Fact]
    public async Task DirectAnswer_TakenFromAKnowledgeArticle_RecordsWhichVersion_AndOnlyAnArticleInForceMayBeCited()
    {
        var admin = await Host.SignInAsync("admin");
        var article = await admin.PostOkAsync("/api/knowledge/articles",
            new { title = "居住证办理指南", body = "请携带身份证和租房合同到所在街道便民服务中心办理。" });
        var articleId = article.Str("id");
        var (id, code) = await SubmitAsync("请问居住证在哪里办理？", type: "咨询");
        var agent = await Host.SignInAsync("agent");
        const string answer = "请携带身份证和租房合同到所在街道便民服务中心办理。";

        // A draft is not a rule in force; an unknown article is a wrong field. Neither answers the ticket.
        var draft = await (await agent.PostAsJsonAsync($"/api/tickets/{id}/direct-answer", new { answer, articleId }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("未发布或不在有效期内", draft.Str("detail"));
        await (await agent.PostAsJsonAsync($"/api/tickets/{id}/direct-answer", new { answer, articleId = Guid.NewGuid() }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("PendingDispatch", (await agent.GetOkAsync($"/api/tickets/{id}")).Str("state"));

        await admin.PostOkAsync($"/api/knowledge/articles/{articleId}/status", new { status = "Published", version = 1 });
        var answered = await agent.PostOkAsync($"/api/tickets/{id}/direct-answer", new { answer, articleId });
        Assert.Equal("Closed", answered.Str("state"));
        var entry = (await TimelineAsync(agent, id)).Last();
        Assert.Equal("DirectlyAnswered", entry.Str("kind"));
        Assert.Equal("依据知识「居住证办理指南」（第 2 版）", entry.Str("note"));
        var source = System.Text.Json.Nodes.JsonNode.Parse(entry.Str("data"))!["article"]!;
        Assert.Equal((articleId, 2), (source.Str("id"), source["version"]!.GetValue<int>()));
        // The citizen reads the answer, not the staff's note of where it came from.
        var tracking = await Host.Anonymous().GetOkAsync($"/api/citizen/tickets/{code}?phone=13812345678");
        Assert.Equal(answer, tracking.Str("reply"));
        Assert.DoesNotContain("依据知识", tracking.ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ArticlesCitedInDirectAnswers_AreCountedOnce_AndCanBeListedMostCitedFirst()
    {
        var admin = await Host.SignInAsync("admin");
        var cited = await admin.PostOkAsync("/api/knowledge/articles", new { title = "居住证办理指南", body = "请携带身份证和租房合同到所在街道便民服务中心办理。" });
        await admin.PostOkAsync($"/api/knowledge/articles/{cited.Str("id")}/status", new { status = "Published", version = 1 });
        Host.Clock.Advance(Duration.FromMinutes(1));
        var newer = await admin.PostOkAsync("/api/knowledge/articles", new { title = "公积金提取指南", body = "登录公积金网上服务大厅申请提取。" });
        var agent = await Host.SignInAsync("agent");
        var first = Host.Clock.GetCurrentInstant();
        var (one, _) = await SubmitAsync("请问居住证在哪里办理？", type: "咨询");
        await agent.PostOkAsync($"/api/tickets/{one}/direct-answer", new { answer = "请到街道便民服务中心办理。", articleId = cited.Str("id") });
        Host.Clock.Advance(Duration.FromHours(2));
        var (two, _) = await SubmitAsync("居住证要带什么材料？", type: "咨询");
        await agent.PostOkAsync($"/api/tickets/{two}/direct-answer", new { answer = "请携带身份证和租房合同。", articleId = cited.Str("id") });
        var (three, _) = await SubmitAsync("营业时间是几点？", type: "咨询");
        await agent.PostOkAsync($"/api/tickets/{three}/direct-answer", new { answer = "工作日 9:00—17:00。" }); // cites nothing
        var dispatcher = Host.Get<OutboxDispatcher>();
        while (await dispatcher.DeliverPendingAsync(CancellationToken.None) > 0)
        {
        }

        // Delivered again (at least once, say after a crash): still two citations.
        var recorder = Host.Services.GetServices<IOutboxHandler>().OfType<KnowledgeCitationRecorder>().Single();
        using (var scope = Host.Services.CreateScope())
        {
            foreach (var message in await scope.ServiceProvider.GetRequiredService<RoutingDbContext>().Outbox.AsNoTracking()
                         .Where(m => m.Topic == TicketEvent.Topic).ToListAsync())
            {
                await recorder.HandleAsync(message, CancellationToken.None);
            }
        }
        var article = await agent.GetOkAsync($"/api/knowledge/articles/{cited.Str("id")}");
        Assert.Equal(2, article["citations"]!.GetValue<int>());
        Assert.Equal(first.Plus(Duration.FromHours(2)).ToDateTimeOffset(), article["lastCitedAt"]!.GetValue<DateTimeOffset>());
        var uncited = await agent.GetOkAsync($"/api/knowledge/articles/{newer.Str("id")}");
        Assert.Equal((0, null), (uncited["citations"]!.GetValue<int>(), uncited["lastCitedAt"]));

        // Most recently changed first by default; most cited first on request.
        Assert.Equal([newer.Str("id"), cited.Str("id")], (await agent.GetOkAsync("/api/knowledge/articles"))["items"]!.AsArray().Select(a => a!.Str("id")));
        var byCitations = (await agent.GetOkAsync("/api/knowledge/articles?sort=citations"))["items"]!.AsArray();
        Assert.Equal([cited.Str("id"), newer.Str("id")], byCitations.Select(a => a!.Str("id")));
        Assert.Equal([2, 0], byCitations.Select(a => a!["citations"]!.GetValue<int>()));
        var shouted = (await agent.GetOkAsync("/api/knowledge/articles?sort=CITATIONS"))["items"]!.AsArray();
        Assert.Equal([cited.Str("id"), newer.Str("id")], shouted.Select(a => a!.Str("id")));
        Assert.Contains("sort", (await (await agent.GetAsync("/api/knowledge/articles?sort=popular")).ProblemAsync(HttpStatusCode.BadRequest))["errors"]!.AsObject()
            .Select(e => e.Key));
    }

    [Fact]
    public async Task DirectAnswersCitingAnArticle_BeforeCitationsWereCounted_AreCountedAtStartUp_Once()
    {
        var admin = await Host.SignInAsync("admin");
        var article = await admin.PostOkAsync("/api/knowledge/articles", new { title = "居住证办理指南", body = "请携带身份证和租房合同到街道便民服务中心办理。" });
        await admin.PostOkAsync($"/api/knowledge/articles/{article.Str("id")}/status", new { status = "Published", version = 1 });
        var agent = await Host.SignInAsync("agent");
        var (one, _) = await SubmitAsync("请问居住证在哪里办理？", type: "咨询");
        await agent.PostOkAsync($"/api/tickets/{one}/direct-answer", new { answer = "请到街道便民服务中心办理。", articleId = article.Str("id") });
        Host.Clock.Advance(Duration.FromHours(2));
        var answeredLast = Host.Clock.GetCurrentInstant();
        var (two, _) = await SubmitAsync("居住证要带什么材料？", type: "咨询");
        await agent.PostOkAsync($"/api/tickets/{two}/direct-answer", new { answer = "请携带身份证和租房合同。", articleId = article.Str("id") });
        var (three, _) = await SubmitAsync("营业时间是几点？", type: "咨询");
        await agent.PostOkAsync($"/api/tickets/{three}/direct-answer", new { answer = "工作日 9:00—17:00。" }); // cites nothing
        var (four, _) = await SubmitAsync("居住证多久能办好？", type: "咨询"); // at the same instant as the second
        await agent.PostOkAsync($"/api/tickets/{four}/direct-answer", new { answer = "材料齐全的，当场受理。", articleId = article.Str("id") });
        var dispatcher = Host.Get<OutboxDispatcher>();
        while (await dispatcher.DeliverPendingAsync(CancellationToken.None) > 0)
        {
        }
        Host.Clock.Advance(Duration.FromDays(1)); // the upgrade comes later: a citation's time must be its answer's, not the backfill's
        async Task<int> CitationsAsync() => (await agent.GetOkAsync($"/api/knowledge/articles/{article.Str("id")}"))["citations"]!.GetValue<int>();
        async Task ForgetAsync(string? ticketId = null)
        {
            using var scope = Host.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().ArticleCitations
                .Where(c => ticketId == null || c.TicketId == Guid.Parse(ticketId)).ExecuteDeleteAsync();
        }
        async Task<int> BackfillAsync(int pageSize = 1_000)
        {
            using var scope = Host.Services.CreateScope();
            return await KnowledgeCitationRecorder.BackfillAsync(scope.ServiceProvider.GetRequiredService<RoutingDbContext>(),
                scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>(), CancellationToken.None, pageSize);
        }
        Assert.Equal(3, await CitationsAsync());

        // An installation upgraded from before the count: the answers are on the timelines, their events long delivered.
        await ForgetAsync();
        Assert.Equal(0, await CitationsAsync());
        Assert.Equal(3, await BackfillAsync());
        var counted = await agent.GetOkAsync($"/api/knowledge/articles/{article.Str("id")}");
        Assert.Equal(3, counted["citations"]!.GetValue<int>());
        Assert.Equal(answeredLast.ToDateTimeOffset(), counted["lastCitedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(0, await BackfillAsync());
        await ForgetAsync(two); // the later one missing, the earlier one recorded: still found
        Assert.Equal(1, await BackfillAsync());
        // Page by page (one answer a page here): the two answers of one instant are both read, though a page ends between them.
        await ForgetAsync();
        Assert.Equal(3, await BackfillAsync(pageSize: 1));

        // The host runs it at start-up once: this host's start did (finding nothing), so a restart leaves a gap alone...
        await ForgetAsync(one);
        await Host.Get<DatabaseInitializer>().StartAsync(CancellationToken.None);
        Assert.Equal(2, await CitationsAsync());
        // ...while the first start of a release that brings it (no record of the job) fills it.
        using (var scope = Host.Services.CreateScope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<RoutingDbContext>().BackgroundLeases
                .Where(l => l.Name == KnowledgeCitationRecorder.BackfillJob).ExecuteDeleteAsync());
        }
        await Host.Get<DatabaseInitializer>().StartAsync(CancellationToken.None);
        Assert.Equal(3, await CitationsAsync());
    }

    [Fact]
    public async Task AOneOffJob_RunsUntilItHasSucceededOnce()
    {
        var claims = Host.Get<BackgroundClaims>();
        var runs = 0;
        await Assert.ThrowsAsync<InvalidOperationException>(() => claims.RunOnceAsync("test-upgrade", _ =>
        {
            runs++;
            throw new InvalidOperationException("the database went away");
        }, CancellationToken.None));
        Assert.True(await claims.RunOnceAsync("test-upgrade", _ => { runs++; return Task.CompletedTask; }, CancellationToken.None));
        Host.Clock.Advance(Duration.FromDays(365));
        Assert.False(await claims.RunOnceAsync("test-upgrade", _ => { runs++; return Task.CompletedTask; }, CancellationToken.None));
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task Litigation_IsNotAccepted_AndTheRouteIsRecorded()
    {
        var (id, code) = await SubmitAsync("法院判决不公，要求重审。");
        var agent = await Host.SignInAsync("agent");
        var refused = await agent.PostOkAsync($"/api/tickets/{id}/not-accepted", new { reason = "Litigation", route = "请依法向上级人民法院提起上诉或申请再审。" });
        Assert.Equal("NotAccepted", refused.Str("state"));
        Assert.Equal("涉及诉讼", refused.Str("notAcceptedReason"));
        var tracking = await Host.Anonymous().GetOkAsync($"/api/citizen/tickets/{code}?phone=13812345678");
        Assert.Equal("请依法向上级人民法院提起上诉或申请再审。", tracking.Str("reply"));
    }

    [Fact]
    public async Task Emergency_IsTransferredTo119_AndEnds()
    {
        var agent = await Host.SignInAsync("agent");
        var created = await agent.PostOkAsync("/api/tickets", new { content = "楼道起火，有浓烟", phone = "13900001111", type = "求助", urgency = "Emergency" });
        var id = created.Str("id");
        Assert.Equal("Phone", created.Str("channel"));
        var transferred = await agent.PostOkAsync($"/api/tickets/{id}/transfer", new { target = "119", note = "已三方通话转接" });
        Assert.Equal("Transferred", transferred.Str("state"));
        Assert.Equal("119", transferred.Str("transferredTo"));
    }

    [Fact]
    public async Task UnsolvedAtCallback_IsRehandled_WithFreshDeadlines()
    {
        var (id, agent, housing) = await RepliedTicketAsync();
        Host.Clock.Set(TestClock.Shanghai(2026, 10, 12, 9));
        await agent.PostOkAsync($"/api/tickets/{id}/callback", new { reached = true, solved = false, satisfaction = 2 });
        var rehandled = await agent.PostOkAsync($"/api/tickets/{id}/rehandle", new { reason = "市民反映路面仍未修复" });
        Assert.Equal("Dispatched", rehandled.Str("state"));
        Assert.Equal("city-housing", rehandled["leadDepartment"]!.Str("id"));
        // A fresh 15 working days from Monday 10-12: 10-13 … 11-02.
        Assert.Equal("2026-11-03T00:00:00+08:00", rehandled["replyDeadline"]!.Str("due"));
        Assert.Null(rehandled["publicReply"]);
        var returnAfterRehandle = await housing.PostAsJsonAsync($"/api/tickets/{id}/return", new { reason = "不属于本单位" });
        await returnAfterRehandle.ProblemAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task SolvedAndSatisfiedCallback_CannotBeRehandled()
    {
        var (id, agent, housing) = await RepliedTicketAsync();
        await (await agent.PostAsJsonAsync($"/api/tickets/{id}/rehandle", new { reason = "再办" })).ProblemAsync(HttpStatusCode.Conflict);
        await agent.PostOkAsync($"/api/tickets/{id}/callback", new { reached = true, solved = true, satisfaction = 5 });
        await (await agent.PostAsJsonAsync($"/api/tickets/{id}/rehandle", new { reason = "再办" })).ProblemAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task AfterThreeApprovedReturns_TheCentreDesignatesAndNoFurtherReturn()
    {
        var (id, _) = await SubmitAsync();
        var dispatcher = await Host.SignInAsync("dispatcher");
        var housing = await Host.SignInAsync("housing");
        for (var i = 0; i < 3; i++)
        {
            await dispatcher.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
            await housing.PostOkAsync($"/api/tickets/{id}/return", new { reason = $"第{i + 1}次退单" });
            await dispatcher.PostOkAsync($"/api/tickets/{id}/return-review", new { approve = true });
        }
        var designated = await dispatcher.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
        Assert.True(designated["designated"]!.GetValue<bool>());
        var refused = await housing.PostAsJsonAsync($"/api/tickets/{id}/return", new { reason = "还是不归我们" });
        var problem = await refused.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("指定承办", problem.Str("detail"));
    }
}
