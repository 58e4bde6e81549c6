using Hotline.Console.Tests.Infrastructure;
using Hotline.Intake.Voice;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hotline.Console.Tests.Browser;

/// <summary>The agent's workspace in Chromium: the ticket form with its suggestions, the screen pop, and the live queue.</summary>
[Trait("Category", "Browser")]
public sealed class AgentJourneyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    protected override IReadOnlyDictionary<string, string> HostSettings => CentreData.CentreSettings;

    [Fact]
    public async Task Agent_registers_a_contact_sees_knowledge_and_the_routers_suggestion_with_its_reason_and_dispatches_it()
    {
        var admin = await SmallHistory.TrainAsync(Host);
        await CentreData.ArticleAsync(admin, "占道经营的投诉处理", "市民反映流动摊贩占道经营的，由所在街道综合执法队劝导、查处。", keywords: "摆摊 占道 摊贩");
        await CentreData.ArticleAsync(admin, "公积金提取指南", "缴存职工购房、租房可申请提取住房公积金。");
        var page = await SignedInPageAsync("agent");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/agent$"));

        await page.GetByLabel("联系电话").FillAsync("13912345678");
        await page.GetByLabel("诉求内容").FillAsync("东湖街道幸福里小区门口每天晚上都有流动摊贩占道经营，行人只能走机动车道。");

        // Knowledge as the agent types: the matching article, its matched words marked; not the unrelated one.
        var knowledge = page.GetByTestId("knowledge-suggestions");
        await Expect(knowledge).ToContainTextAsync("占道经营的投诉处理");
        await Expect(knowledge.Locator("mark").First).ToBeVisibleAsync();
        await Expect(knowledge).Not.ToContainTextAsync("公积金提取指南");
        // The router's suggestion and its reason: the catalogue's street rule sends 占道经营 in 东湖街道 to its street office.
        var advice = page.GetByTestId("routing-advice");
        await Expect(advice.GetByTestId("advice-department")).ToHaveTextAsync("东湖街道办事处");
        await Expect(advice.GetByTestId("advice-reason")).ToContainTextAsync("派往「东湖街道办事处」");
        await Expect(advice).ToContainTextAsync("占道经营");
        await ScreenshotAsync(page, "agent-workspace");

        // The agent files it under 交通运输 instead: the advice says, before registering, that the ticket will then wait.
        var category = page.GetByLabel("诉求分类");
        await category.FillAsync("交通运输");
        await category.PressAsync("Enter");
        await Expect(advice).ToContainTextAsync("暂缓自动派单");
        await Expect(advice).ToContainTextAsync("话务员选定的分类为「交通运输」");

        await page.GetByRole(AriaRole.Button, new() { Name = "登记工单" }).ClickAsync();
        var registered = page.GetByTestId("registered-ticket");
        await Expect(registered).ToContainTextAsync("待派单");
        // Once the engine has recorded its decision the card shows that instead of the form's advice; dispatching before it
        // commits would be refused as a concurrent change (the page would say so and reload).
        await Expect(registered).ToContainTextAsync("登记时的分类决定");
        await registered.GetByRole(AriaRole.Button, new() { Name = "派往建议单位「东湖街道办事处」" }).ClickAsync();
        await Expect(registered).ToContainTextAsync("已派往「东湖街道办事处」");

        var agent = await Host.SignInAsync("agent");
        var ticket = (await agent.GetOkAsync("/api/tickets?state=Dispatched"))["items"]!.AsArray().Single()!;
        Assert.Equal("东湖街道办事处", ticket["leadDepartment"]!.Str("name"));
        // Registered under the agent's category (the recorded decision names it); the suggestion's button then filed it under
        // the engine's.
        var recorded = await agent.GetOkAsync($"/api/tickets/{ticket.Str("id")}/routing");
        Assert.Contains("话务员选定的分类为「交通运输」", recorded.Str("reason"), StringComparison.Ordinal);
        Assert.NotEqual("transport", recorded["decision"]!.Str("categoryId"));
        Assert.Equal(recorded["decision"]!.Str("categoryId"), ticket.Str("categoryId"));
        Assert.Equal("139****5678", ticket["citizen"]!.Str("phone"));
        Assert.Empty((await agent.GetOkAsync("/api/tickets?state=PendingDispatch"))["items"]!.AsArray());
    }

    [Fact]
    public async Task A_consultation_is_answered_on_the_spot_from_a_knowledge_article_and_the_ticket_records_which_one()
    {
        var admin = await SmallHistory.TrainAsync(Host);
        const string body = "缴存职工购房、租房可申请提取住房公积金，携带身份证到公积金中心办理。";
        await CentreData.ArticleAsync(admin, "公积金提取指南", body, keywords: "公积金 提取");
        await CentreData.ArticleAsync(admin, "公积金贷款额度调整", "额度调整方案尚在征求意见。", keywords: "公积金 提取", publish: false);
        var page = await SignedInPageAsync("agent");
        await page.GetByLabel("联系电话").FillAsync("13912345678");
        await page.GetByLabel("诉求内容").FillAsync("请问租房怎么提取住房公积金？");
        await page.GetByRole(AriaRole.Button, new() { Name = "登记工单" }).ClickAsync();
        var registered = page.GetByTestId("registered-ticket");
        await Expect(registered).ToContainTextAsync("登记时的分类决定");

        // The answer modal searches the knowledge base with the ticket's words; a draft is listed but cannot be cited.
        await registered.GetByRole(AriaRole.Button, new() { Name = "直接答复" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog).Filter(new() { HasText = "直接答复" });
        var found = dialog.GetByTestId("direct-answer-knowledge");
        await Expect(found).ToContainTextAsync("公积金提取指南");
        await Expect(found.GetByRole(AriaRole.Button, new() { Name = "引用「公积金贷款额度调整」作答" })).ToBeDisabledAsync();
        await found.GetByRole(AriaRole.Button, new() { Name = "引用「公积金提取指南」作答" }).ClickAsync();
        await Expect(dialog.GetByLabel("答复内容")).ToHaveValueAsync(body);
        await Expect(dialog).ToContainTextAsync("依据知识「公积金提取指南」（第 2 版）");
        await ScreenshotAsync(page, "agent-direct-answer-from-knowledge");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "答复并办结" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();

        var agent = await Host.SignInAsync("agent");
        var closed = (await agent.GetOkAsync("/api/tickets?state=Closed"))["items"]!.AsArray().Single()!;
        var entries = (await agent.GetOkAsync($"/api/tickets/{closed.Str("id")}/timeline")).AsArray();
        var answered = entries.Single(e => e!.Str("kind") == "DirectlyAnswered")!;
        Assert.Equal(body, answered.Str("publicText"));
        Assert.Equal("依据知识「公积金提取指南」（第 2 版）", answered.Str("note"));

        // The knowledge page counts the citation (recorded from the outbox, a moment later), most cited first on request.
        for (var i = 0; i < 100 && (await agent.GetOkAsync("/api/knowledge/articles?sort=citations"))["items"]![0]!["citations"]!.GetValue<int>() == 0; i++)
        {
            await Task.Delay(100);
        }
        var editor = await SignedInPageAsync("admin");
        await editor.GetByRole(AriaRole.Navigation).First.GetByRole(AriaRole.Link, new() { Name = "知识库管理", Exact = true }).ClickAsync();
        await editor.GetByLabel("排序").ClickAsync();
        await editor.Locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option").Filter(new() { HasText = "引用最多在前" }).ClickAsync();
        var rows = editor.GetByRole(AriaRole.Row).Filter(new() { HasText = "公积金" });
        await Expect(rows.First).ToContainTextAsync("公积金提取指南");
        await Expect(rows.First).ToContainTextAsync("1 次");
        await Expect(rows.Filter(new() { HasText = "公积金贷款额度调整" })).ToContainTextAsync("未引用");
    }

    [Fact]
    public async Task A_ringing_call_pops_up_with_the_masked_caller_and_their_history_and_is_registered_as_that_calls_ticket()
    {
        var agent = await Host.SignInAsync("agent");
        await agent.PostOkAsync("/api/tickets", new { content = "上次反映的小区路灯问题", phone = "13812345678" });
        var page = await SignedInPageAsync("agent");

        const string callSid = "CA00000000000000000000000000000101";
        await CentreData.VoiceWebhookAsync(Host, VoiceWebhooks.IncomingPath, callSid, "+8613812345678");
        var pop = page.GetByTestId("screen-pop");
        await Expect(pop).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("来电 138****5678");
        await Expect(pop).ToContainTextAsync("上次反映的小区路灯问题");
        await Expect(pop).ToContainTextAsync("待派单");
        await Expect(pop).Not.ToContainTextAsync("13812345678");
        await ScreenshotAsync(page, "agent-screen-pop");

        await page.GetByRole(AriaRole.Button, new() { Name = "接听并登记" }).ClickAsync();
        await Expect(pop).ToBeHiddenAsync();
        await Expect(page.GetByText("正在为来电 138****5678 登记")).ToBeVisibleAsync();
        await page.GetByLabel("诉求内容").FillAsync("路灯还是不亮，晚上出行不安全");
        await page.GetByRole(AriaRole.Button, new() { Name = "登记工单" }).ClickAsync();
        await Expect(page.GetByTestId("registered-ticket")).ToContainTextAsync("待派单");

        // The ticket is the call's: the number came from the call record, and the call lists under the ticket.
        var newest = (await agent.GetOkAsync("/api/tickets?state=PendingDispatch"))["items"]!.AsArray()[0]!;
        Assert.Equal("路灯还是不亮，晚上出行不安全", newest.Str("content"));
        Assert.Equal("138****5678", newest["citizen"]!.Str("phone"));
        Assert.Equal(callSid, (await agent.GetOkAsync($"/api/tickets/{newest.Str("id")}/calls"))[0]!.Str("callSid"));
    }

    [Fact]
    public async Task The_queue_shows_a_citizens_web_submission_and_a_missed_call_live_without_a_reload()
    {
        var agentPage = await SignedInPageAsync("agent");
        var queue = agentPage.GetByTestId("agent-queue");
        await Expect(queue).ToContainTextAsync("暂无待处理来件");
        await agentPage.EvaluateAsync("() => { window.__sameDocument = true; }");

        // A second browser context: a citizen submitting through the API, as the citizen pages do.
        var citizen = await NewPageAsync();
        var submitted = await citizen.APIRequest.PostAsync("/api/citizen/tickets", new()
        {
            DataObject = new { content = "幸福路与建设路交叉口红绿灯坏了，车辆乱行", phone = "13600002222" },
        });
        Assert.Equal(201, submitted.Status);
        await Expect(queue.GetByRole(AriaRole.Row).Filter(new() { HasText = "幸福路与建设路交叉口红绿灯坏了" }))
            .ToBeVisibleAsync(new() { Timeout = 5_000 });
        await Expect(queue.GetByRole(AriaRole.Row).Filter(new() { HasText = "幸福路与建设路交叉口红绿灯坏了" })).ToContainTextAsync("网站");

        // A call that ends before anyone takes it joins the missed-call list, and leaves it once called back.
        const string callSid = "CA00000000000000000000000000000102";
        await CentreData.VoiceWebhookAsync(Host, VoiceWebhooks.IncomingPath, callSid, "+8613900003333");
        await agentPage.GetByRole(AriaRole.Button, new() { Name = "稍后处理" }).ClickAsync();
        await CentreData.VoiceWebhookAsync(Host, VoiceWebhooks.StatusPath, callSid, "+8613900003333", "no-answer");
        await agentPage.GetByRole(AriaRole.Tab, new() { NameRegex = new("漏接来电") }).ClickAsync();
        var missedRow = queue.GetByRole(AriaRole.Row).Filter(new() { HasText = "+8613900003333" });
        await Expect(missedRow).ToBeVisibleAsync(new() { Timeout = 5_000 });
        await missedRow.GetByRole(AriaRole.Button, new() { Name = "标记已回拨" }).ClickAsync();
        await agentPage.GetByRole(AriaRole.Button, new() { Name = "已回拨", Exact = true }).ClickAsync();
        await Expect(missedRow).ToBeHiddenAsync();
        await Expect(queue).ToContainTextAsync("暂无漏接来电");

        Assert.True(await agentPage.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the agent's page was reloaded");
    }
}
