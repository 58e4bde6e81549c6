using System.Net;
using System.Net.Http.Json;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Routing.Engine;
using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests;

/// <summary>
/// The routing engine's members through the API: the catalogue's area rule sends a street matter to the street office, a closed
/// ticket becomes a similar case for the next one (with the department a dispatcher chose), and nothing of that leaks into
/// knowledge search. A small invented history trains the model; the threshold is lowered to what such a model can reach.
/// </summary>
public sealed class RoutingEnsembleTests : HostTest
{
    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["Hotline:Routing:ConfidenceThreshold"] = "0.5",
    };

    private const string StallText = "每天晚上小区门口有流动摊贩占道经营，摆摊卖烧烤，堵住了出入口，请管一管。";

    [Fact]
    public async Task StreetMatter_IsDispatchedToTheStreetOfficeOfTheTicketsArea_ByTheCatalogueRule()
    {
        await SmallHistory.TrainAsync(Host);
        var agent = await Host.SignInAsync("agent");
        var registered = await agent.PostOkAsync("/api/tickets", new { content = StallText, phone = "13812345678", areaId = "chengdong-donghu" });
        var (fromText, _) = await SubmitAsync("西山街道幸福路：" + StallText);
        var (nowhere, _) = await SubmitAsync(StallText);
        await SmallHistory.DeliverAllAsync(Host);

        var ticket = await agent.GetOkAsync($"/api/tickets/{registered.Str("id")}");
        Assert.Equal("Dispatched", ticket.Str("state"));
        Assert.Equal("donghu-office", ticket["leadDepartment"]!.Str("id"));
        Assert.Equal("urban-construction", ticket.Str("categoryId"));
        var decision = (await agent.GetOkAsync($"/api/tickets/{registered.Str("id")}/routing"))["decision"]!;
        Assert.Equal("donghu-office", decision.Str("department"));
        Assert.Equal("catalogue", decision["ensemble"]!.Str("departmentSource"));
        var members = decision["ensemble"]!["members"]!.AsArray();
        Assert.Equal(["model", "catalogue", "cases", "triage"], members.Select(m => m!.Str("Member")));
        Assert.Contains("占道经营", members[1]!.Str("Said"));
        // The department it went to reads the decision, not what each member said (similar cases cite other departments' tickets).
        var donghu = await CreateDepartmentHandlerAsync("donghu", "donghu-office");
        var theirs = (await donghu.GetOkAsync($"/api/tickets/{registered.Str("id")}/routing"))["decision"]!;
        Assert.Equal("donghu-office", theirs.Str("department"));
        Assert.Null(theirs["ensemble"]);
        Assert.DoesNotContain((await TimelineAsync(donghu, registered.Str("id"))), e => e.Str("kind") == "Classified" && (e["data"]?.ToString() ?? "").Contains("ensemble", StringComparison.Ordinal));
        var timeline = await TimelineAsync(agent, registered.Str("id"));
        Assert.Equal("智能派单", timeline[^1].Str("actorName"));
        Assert.Contains("东湖街道办事处", timeline[^1].Str("note"));

        // The street named in the message locates it (and the area is recorded); with no area at all, the city department.
        var located = await agent.GetOkAsync($"/api/tickets/{fromText}");
        Assert.Equal("xishan-office", located["leadDepartment"]!.Str("id"));
        Assert.Equal("chengxi-xishan", located.Str("areaId"));
        Assert.Equal("city-urban-management", (await agent.GetOkAsync($"/api/tickets/{nowhere}"))["leadDepartment"]!.Str("id"));

        // The same advice while typing, with the rule's sentence.
        var advice = await agent.PostOkAsync("/api/routing/suggest", new { content = StallText, areaId = "chengxi-hepan" });
        Assert.Equal("hepan-office", advice["suggestions"]![0]!.Str("departmentId"));
        Assert.Equal("catalogue", advice.Str("departmentSource"));
        Assert.Equal("chengxi-hepan", advice["area"]!.Str("areaId"));
        Assert.Equal("占道经营", advice["catalogueMatches"]![0]!.Str("name"));
        Assert.True(advice["catalogueMatches"]![0]!["inTitle"]!.GetValue<bool>()); // no title given: the first line stands for it
        Assert.True(advice["wouldDispatch"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ARunnerUpCategory_IsOfferedWhereTheEngineWouldSendIt_AndTheDecisionRecordsThat()
    {
        await SmallHistory.TrainAsync(Host);
        var agent = await Host.SignInAsync("agent");
        const string Title = "饭店油烟直排污染环境";
        const string Content = "饭店油烟直排污染环境，门口还有流动摊贩占道经营。";
        // 环境保护 first; 城乡建设 second, whose matter (占道经营) the street office of the ticket's area handles, not the city's
        // housing bureau that is the category's usual department.
        var advice = await agent.PostOkAsync("/api/routing/suggest", new { title = Title, content = Content, areaId = "chengdong-donghu" });
        var second = advice["suggestions"]![1]!;
        Assert.Equal(("urban-construction", "donghu-office"), (second.Str("categoryId"), second.Str("departmentId")));

        // The decision recorded on a ticket keeps each suggestion's department, for the dispatcher's one-click second choice.
        var id = (await agent.PostOkAsync("/api/tickets", new { title = Title, content = Content, phone = "13812345678", areaId = "chengdong-donghu" })).Str("id");
        await SmallHistory.DeliverAllAsync(Host);
        var top = (await agent.GetOkAsync($"/api/tickets/{id}/routing"))["decision"]!["top"]!.AsArray();
        Assert.Equal(["city-environment", "donghu-office"], top.Take(2).Select(t => t!.Str("department")));
    }

    [Fact]
    public async Task ASwitchedOffDepartment_IsNeverSentATicket_ByTheEngine()
    {
        await SmallHistory.TrainAsync(Host);
        var agent = await Host.SignInAsync("agent");
        const string Smoke = "工厂烟囱冒黑烟，空气污染严重";
        var before = await agent.PostOkAsync("/api/routing/suggest", new { content = Smoke });
        Assert.Equal(("environment", "city-environment", true),
            (before["suggestions"]![0]!.Str("categoryId"), before["suggestions"]![0]!.Str("departmentId"), before["wouldDispatch"]!.GetValue<bool>()));

        // The environment bureau is switched off (merged into another, say): the model still reads the text as 环境保护, but no
        // ticket goes to a department that no longer works; a dispatcher decides where.
        var admin = await Host.SignInAsync("admin");
        var off = await admin.PutAsync("/api/admin/departments/city-environment",
            JsonContent.Create(new { name = "市生态环境局", kind = "Functional", parentId = "centre", active = false }));
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        var after = await agent.PostOkAsync("/api/routing/suggest", new { content = Smoke });
        Assert.Equal("environment", after["suggestions"]![0]!.Str("categoryId"));
        Assert.Null(after["suggestions"]![0]!["departmentId"]);
        Assert.False(after["wouldDispatch"]!.GetValue<bool>());
        Assert.Contains("分类「环境保护」的常规承办单位「市生态环境局」已停用", after.Str("reason")); // why it waits
        var (id, _) = await SubmitAsync(Smoke);
        await SmallHistory.DeliverAllAsync(Host);
        Assert.Equal("PendingDispatch", (await agent.GetOkAsync($"/api/tickets/{id}")).Str("state"));
    }

    [Fact]
    public async Task TheCorrection_FollowsThePersonsLatestDispatch_AndAnExplicitCategory()
    {
        await SmallHistory.TrainAsync(Host);
        var (id, _) = await SubmitAsync("🙏🙏🙏");
        await SmallHistory.DeliverAllAsync(Host);
        var agent = await Host.SignInAsync("agent");
        var decision = (await agent.GetOkAsync($"/api/tickets/{id}/routing"))["decision"]!;
        Assert.False(decision["automatic"]!.GetValue<bool>()); // emoji only: the commonest label, held whatever the threshold
        Assert.Contains(decision["ensemble"]!["holds"]!.AsArray(), h => h!.GetValue<string>() == "文本中没有模型认识的字词");
        var suggested = decision.Str("categoryId");
        var (wrong, wrongName) = suggested == "transport" ? ("city-environment", "环境保护") : ("city-transport", "交通运输");
        var dispatcher = await Host.SignInAsync("dispatcher");
        async Task<string[]> CorrectionsAsync()
        {
            await SmallHistory.DeliverAllAsync(Host);
            using var scope = Host.Services.CreateScope();
            return [.. await scope.ServiceProvider.GetRequiredService<RoutingDbContext>().TrainingExamples
                .Where(e => e.TicketId == Guid.Parse(id) && e.Source == ExampleSource.Correction).Select(e => e.Label).ToListAsync()];
        }

        // Sent elsewhere than the engine said: a correction. The department returns it (not ours) and the centre agrees: the
        // correction is withdrawn, so a training meanwhile does not learn the dispatcher's slip; it is redispatched to the
        // engine's category: still none.
        await dispatcher.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = wrong });
        Assert.Equal([wrongName], await CorrectionsAsync());
        var department = await CreateDepartmentHandlerAsync("wrong-desk", wrong);
        await department.PostOkAsync($"/api/tickets/{id}/return", new { reason = "不属于本单位职责" });
        Assert.Equal([wrongName], await CorrectionsAsync()); // asked for, not yet agreed
        await dispatcher.PostOkAsync($"/api/tickets/{id}/return-review", new { approve = true, note = "同意" });
        Assert.Empty(await CorrectionsAsync());
        var suggestedDepartment = decision.Str("department");
        await dispatcher.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = suggestedDepartment });
        Assert.Empty(await CorrectionsAsync());

        // Returned again and sent to a street office with the category given: the category given is the correction.
        var back = await CreateDepartmentHandlerAsync("right-desk", suggestedDepartment);
        await back.PostOkAsync($"/api/tickets/{id}/return", new { reason = "属地事项，请街道处理" });
        await dispatcher.PostOkAsync($"/api/tickets/{id}/return-review", new { approve = true, note = "同意" });
        var given = suggested == "education-culture-sports" ? ("commerce-tourism", "商贸旅游") : ("education-culture-sports", "教育文体");
        await dispatcher.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "donghu-office", categoryId = given.Item1 });
        Assert.Equal([given.Item2], await CorrectionsAsync());
    }

    [Fact]
    public async Task AMatterMentionedOnlyInTheContent_IsShown_ButOnlyOneNamedInTheTitle_WeighsAgainstTheModel()
    {
        await SmallHistory.TrainAsync(Host);
        var agent = await Host.SignInAsync("agent");
        var content = StallText + "\n另外，旁边工地还经常夜间施工。";
        var passing = await agent.PostOkAsync("/api/routing/suggest", new { title = "小区门口流动摊贩占道经营", content, areaId = "chengxi-hepan" });
        var matches = passing["catalogueMatches"]!.AsArray();
        Assert.Equal(["占道经营", "夜间施工噪音"], matches.Select(m => m!.Str("name")));
        Assert.Equal([true, false], matches.Select(m => m!["inTitle"]!.GetValue<bool>()));
        Assert.Equal("urban-construction", passing["suggestions"]![0]!.Str("categoryId"));
        Assert.DoesNotContain(passing["holds"]!.AsArray(), h => h!.GetValue<string>().Contains("夜间施工噪音", StringComparison.Ordinal));
        Assert.True(passing["wouldDispatch"]!.GetValue<bool>());

        Assert.Contains("另匹配「夜间施工噪音」（仅见于正文）", passing["members"]!.AsArray().Single(m => m!.Str("member") == "catalogue")!.Str("said"));

        // The same text under a title about the construction site: that matter now comes first, as the ticket's own, and a
        // person decides (or, were the model doubtful, the catalogue's category would be taken: EnsembleRulesTests).
        var named = await agent.PostOkAsync("/api/routing/suggest", new { title = "工地夜间施工", content, areaId = "chengxi-hepan" });
        var first = named["catalogueMatches"]![0]!;
        Assert.Equal(("夜间施工噪音", true, true), (first.Str("name"), first["inTitle"]!.GetValue<bool>(), first["namedInTitle"]!.GetValue<bool>()));
        Assert.Contains("匹配事项「夜间施工噪音」（「夜间施工」，标题中强匹配", named.Str("reason"));
        Assert.False(named["wouldDispatch"]!.GetValue<bool>());
        Assert.Equal("urban-construction", named["suggestions"]![0]!.Str("categoryId"));
        Assert.Contains(named["holds"]!.AsArray(), h => h!.GetValue<string>().Contains("夜间施工噪音", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SimilarCases_AreForTheCentresStaff()
    {
        var (id, _) = await SubmitAsync();
        var housing = await Host.SignInAsync("housing");
        await (await housing.GetAsync($"/api/tickets/{id}/similar")).ProblemAsync(HttpStatusCode.Forbidden);
        var agent = await Host.SignInAsync("agent");
        Assert.Empty((await agent.GetOkAsync($"/api/tickets/{id}/similar")).AsArray());
        await (await agent.GetAsync($"/api/tickets/{id}/similar?size=0")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await agent.GetAsync($"/api/tickets/{Guid.NewGuid()}/similar")).ProblemAsync(HttpStatusCode.NotFound);
    }
}

/// <summary>Similar cases through the API, with auto-dispatch off so that a dispatcher makes every routing choice.</summary>
public sealed class SimilarCaseTests : HostTest
{
    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["Hotline:Routing:AutoDispatch"] = "false",
    };

    [Fact]
    public async Task ADispatchDecidedBeforeTheEngineRecordedItsClassification_StillGoesThrough_ButNotOneBeforeAPersonsChange()
    {
        // An agent registers a ticket and dispatches it at once, on the version registration returned, while the engine
        // records its classification: that note moves the version but changes nothing the agent decided on.
        await SmallHistory.TrainAsync(Host);
        var (id, _) = await SubmitAsync("育才路口路灯不亮，晚上很黑，请尽快维修。");
        var agent = await Host.SignInAsync("agent");
        var seen = (await agent.GetOkAsync($"/api/tickets/{id}"))["version"]!.GetValue<int>();
        await SmallHistory.DeliverAllAsync(Host);
        Assert.Contains("Classified", Kinds(await TimelineAsync(agent, id)));
        Assert.True((await agent.GetOkAsync($"/api/tickets/{id}"))["version"]!.GetValue<int>() > seen);
        var dispatched = await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing", version = seen });
        Assert.Equal("Dispatched", dispatched.Str("state"));

        // The dispatch is a person's decision: an answer written on the view before it is refused.
        await (await agent.PostAsJsonAsync($"/api/tickets/{id}/direct-answer", new { answer = "已答复。", version = seen }))
            .ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task ScheduledRetraining_CountsClosedTickets_NotYetCollected_AsNewExamples()
    {
        await SmallHistory.TrainAsync(Host);
        var scheduled = Host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<ScheduledRetraining>().Single();
        async Task<int> ModelsAsync()
        {
            using var scope = Host.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<RoutingDbContext>().RoutingModels.CountAsync();
        }
        await scheduled.RetrainIfNewExamplesAsync(CancellationToken.None);
        Assert.Equal(1, await ModelsAsync()); // nothing new since the model

        // A ticket handled and closed: the scheduled job must see it (it becomes an example only when a training collects it).
        var (id, _) = await SubmitAsync("文昌街道育才路口的路灯连续一周不亮，晚上行人看不清路，请尽快维修。");
        await SmallHistory.DeliverAllAsync(Host);
        var dispatcher = await Host.SignInAsync("dispatcher");
        await dispatcher.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "wenchang-office", categoryId = "urban-construction" });
        var office = await CreateDepartmentHandlerAsync("wenchang", "wenchang-office");
        await office.PostOkAsync($"/api/tickets/{id}/sign", new { });
        await office.PostOkAsync($"/api/tickets/{id}/reply", new { reply = "已安排电工更换育才路口路灯，现已恢复照明。" });
        await (await Host.SignInAsync("agent")).PostOkAsync($"/api/tickets/{id}/close", new { });
        await SmallHistory.DeliverAllAsync(Host);
        await scheduled.RetrainIfNewExamplesAsync(CancellationToken.None);
        Assert.Equal(2, await ModelsAsync());
        await scheduled.RetrainIfNewExamplesAsync(CancellationToken.None);
        Assert.Equal(2, await ModelsAsync()); // collected now: not new any more
    }

    [Fact]
    public async Task ScheduledRetraining_NoticesACorrectionRelabelledOrWithdrawn_ThoughNoExampleIsNewer()
    {
        await SmallHistory.TrainAsync(Host);
        var scheduled = Host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<ScheduledRetraining>().Single();
        async Task<int> RetrainedAsync()
        {
            await scheduled.RetrainIfNewExamplesAsync(CancellationToken.None);
            using var scope = Host.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<RoutingDbContext>().RoutingModels.CountAsync();
        }
        async Task ChangeAsync(Func<RoutingDbContext, Task> change)
        {
            using var scope = Host.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
            await change(db);
            await db.SaveChangesAsync();
        }
        var (first, second) = ("小区门口的路灯坏了好几天", "河边工厂偷排污水");
        TrainingExample Correction(string text)
        {
            Host.Clock.Advance(NodaTime.Duration.FromMinutes(1)); // a new example is newer than the model before it
            return new()
            {
                Text = text,
                Label = "城乡建设",
                Source = ExampleSource.Correction,
                TicketId = Guid.NewGuid(),
                CreatedAt = Host.Clock.GetCurrentInstant(),
            };
        }
        Assert.Equal(1, await RetrainedAsync()); // nothing new since the model
        await ChangeAsync(db => { db.TrainingExamples.Add(Correction(first)); return Task.CompletedTask; });
        Assert.Equal(2, await RetrainedAsync());

        // A later redispatch relabels the correction in place: no example is newer than the model, yet the history differs.
        await ChangeAsync(async db => (await db.TrainingExamples.SingleAsync(e => e.Text == first)).Label = "环境保护");
        Assert.Equal(3, await RetrainedAsync());
        Assert.Equal(3, await RetrainedAsync()); // trained on it now

        await ChangeAsync(db => { db.TrainingExamples.Add(Correction(second)); return Task.CompletedTask; });
        Assert.Equal(4, await RetrainedAsync());
        // A redispatch back to the engine's category withdraws the first correction: the row goes, nothing is added.
        await ChangeAsync(async db => db.TrainingExamples.Remove(await db.TrainingExamples.SingleAsync(e => e.Text == first)));
        Assert.Equal(5, await RetrainedAsync());
        Assert.Equal(5, await RetrainedAsync());

        // The first model as a release before fingerprints left it (none stored); the history goes back to what it learned.
        string? FirstDigest(RoutingDbContext db) => db.RoutingModels.OrderBy(m => m.CreatedAt).Select(m => m.ExamplesDigest).First();
        await ChangeAsync(async db => await db.RoutingModels.Where(m => m.CreatedAt == db.RoutingModels.Min(x => x.CreatedAt))
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.ExamplesDigest, (string?)null)));
        await ChangeAsync(async db => db.TrainingExamples.Remove(await db.TrainingExamples.SingleAsync(e => e.Text == second)));
        Assert.Equal(5, await RetrainedAsync()); // trained: the same version as the first, which now gets its fingerprint
        using (var scope = Host.Services.CreateScope())
        {
            Assert.NotNull(FirstDigest(scope.ServiceProvider.GetRequiredService<RoutingDbContext>()));
        }
    }

    [Fact]
    public async Task ClosedTicket_IsASimilarCaseForTheNextOne_WithTheDepartmentTheDispatcherChose_AndNoPersonalData()
    {
        await SmallHistory.TrainAsync(Host);
        var (first, _) = await SubmitAsync("文昌街道育才路口的路灯连续一周不亮，晚上行人看不清路，请尽快维修。我的电话13987654321，张三", name: "张三");
        await SmallHistory.DeliverAllAsync(Host);
        var dispatcher = await Host.SignInAsync("dispatcher");
        var routing = await dispatcher.GetOkAsync($"/api/tickets/{first}/routing");
        var classified = routing["decision"]!;
        Assert.NotEqual("wenchang-office", classified.Str("department"));
        // The centre confirms every ticket by hand: however sure the engine was, the reason does not promise automatic dispatch.
        Assert.False(classified["automatic"]!.GetValue<bool>());
        Assert.Contains("请人工确认", routing.Str("reason"));
        Assert.DoesNotContain("可自动派单", routing.Str("reason"));

        // The dispatcher sends it to the street office instead of the category's usual department; it is handled and closed.
        await dispatcher.PostOkAsync($"/api/tickets/{first}/dispatch", new { leadDepartmentId = "wenchang-office" });
        var office = await CreateDepartmentHandlerAsync("wenchang", "wenchang-office");
        await office.PostOkAsync($"/api/tickets/{first}/sign", new { });
        await office.PostOkAsync($"/api/tickets/{first}/reply", new { reply = "已安排电工更换育才路口路灯，现已恢复照明。" });
        var agent = await Host.SignInAsync("agent");
        await agent.PostOkAsync($"/api/tickets/{first}/close", new { });
        await SmallHistory.DeliverAllAsync(Host);

        var (second, _) = await SubmitAsync("育才路口路灯不亮，晚上很黑，行人看不清路，希望尽快维修。", phone: "13900001111");
        await SmallHistory.DeliverAllAsync(Host);
        var similar = (await agent.GetOkAsync($"/api/tickets/{second}/similar")).AsArray();
        var found = Assert.Single(similar, c => c!.Str("ticketId") == first)!;
        Assert.Equal("wenchang-office", found.Str("departmentId"));
        Assert.Equal("文昌街道办事处", found.Str("departmentName"));
        Assert.Equal("已安排电工更换育才路口路灯，现已恢复照明。", found.Str("reply"));
        Assert.True(found["similarity"]!.GetValue<double>() >= 0.3);
        Assert.Contains(found["highlights"]!.AsObject().SelectMany(f => f.Value!.AsArray()), h => h!.GetValue<string>().Contains("<em>", StringComparison.Ordinal));
        var shown = found.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.DoesNotContain("13987654321", shown);
        Assert.DoesNotContain("张三", shown);
        Assert.DoesNotContain((await agent.GetOkAsync($"/api/tickets/{first}/similar")).AsArray(), c => c!.Str("ticketId") == first);

        // The similar-case member reports the dispatcher's department when the engine classifies the new ticket.
        var decision = (await agent.GetOkAsync($"/api/tickets/{second}/routing"))["decision"]!;
        var cases = decision["ensemble"]!["members"]!.AsArray().Single(m => m!.Str("Member") == "cases")!;
        Assert.Contains("文昌街道办事处", cases.Str("Said"));
        Assert.Contains(decision["ensemble"]!["similarCases"]!.AsArray(), c => c!.Str("TicketId") == first);
        var advice = await agent.PostOkAsync("/api/routing/suggest", new { content = "育才路口路灯不亮，晚上看不清路" });
        Assert.False(advice["autoDispatch"]!.GetValue<bool>());
        Assert.False(advice["wouldDispatch"]!.GetValue<bool>());
        Assert.Contains(advice["similarCases"]!.AsArray(), c => c!.Str("ticketId") == first);

        // Department users see no other department's cases; knowledge search shows no cases or catalogue entries.
        var housing = await Host.SignInAsync("housing");
        Assert.Empty((await housing.PostOkAsync("/api/routing/suggest", new { content = "育才路口路灯不亮" }))["similarCases"]!.AsArray());
        Assert.Empty((await agent.GetOkAsync("/api/knowledge/search?q=育才路口路灯不亮")).AsArray());
        Assert.Empty((await Host.Anonymous().GetOkAsync("/api/citizen/knowledge/search?q=摆摊占道")).AsArray());
        Assert.Empty((await agent.GetOkAsync("/api/knowledge/search?q=摆摊占道")).AsArray());
    }
}
