using Hotline.Console.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hotline.Console.Tests.Browser;

/// <summary>The dispatcher's page in Chromium: tickets the engine left to a person, one-click dispatch, and return review.</summary>
[Trait("Category", "Browser")]
public sealed class DispatcherJourneyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    protected override IReadOnlyDictionary<string, string> HostSettings => CentreData.CentreSettings;

    [Fact]
    public async Task Dispatcher_sends_a_waiting_ticket_with_one_click_reviews_returns_with_a_reason_and_redispatches()
    {
        await SmallHistory.TrainAsync(Host);
        var anonymous = Host.Anonymous();
        var agent = await Host.SignInAsync("agent");
        // Registered by an agent under 城乡建设: the engine says 交通运输, so a dispatcher settles it.
        var bus = (await agent.PostOkAsync("/api/tickets", new { content = "公交车班次太少，早高峰等车半小时", phone = "13812345678", categoryId = "urban-construction" })).Str("id");
        var (approved, approvedCode) = await CentreData.SubmitAsync(anonymous, "小区电梯经常坏，物业不维修");
        var (rejected, rejectedCode) = await CentreData.SubmitAsync(anonymous, "楼道堆放杂物，物业不清理");
        var housing = await Host.SignInAsync("housing");
        foreach (var id in new[] { approved, rejected })
        {
            await CentreData.WaitUntilClassifiedAsync(agent, id);
            await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
        }
        await housing.PostOkAsync($"/api/tickets/{approved}/return", new { reason = "电梯维保属市场监管部门职责" });

        var page = await SignedInPageAsync("dispatcher");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/dispatch$"));
        var queue = page.GetByTestId("dispatch-queue");
        var busRow = queue.GetByRole(AriaRole.Row).Filter(new() { HasText = "公交车班次太少" });
        // The engine's decision, recorded when the ticket came in, offers the department as one button.
        var oneClick = busRow.GetByRole(AriaRole.Button, new() { Name = "派往市交通运输局" });
        await Expect(oneClick).ToBeVisibleAsync();
        await Expect(busRow).ToContainTextAsync("智能分类置信度");
        await Expect(busRow).ToContainTextAsync("登记分类：城乡建设"); // why it waits: the agent filed it elsewhere
        await ScreenshotAsync(page, "dispatcher");
        await oneClick.ClickAsync();
        await Expect(busRow).ToBeHiddenAsync();
        var dispatched = await agent.GetOkAsync($"/api/tickets/{bus}");
        Assert.Equal("Dispatched", dispatched.Str("state"));
        Assert.Equal("city-transport", dispatched["leadDepartment"]!.Str("id"));
        Assert.Equal("transport", dispatched.Str("categoryId")); // the button sends the category it was offered for

        // A return arrives while the page is open: it appears with the department's reason, live.
        await housing.PostOkAsync($"/api/tickets/{rejected}/return", new { reason = "不属于本单位职责" });
        await page.GetByRole(AriaRole.Tab, new() { NameRegex = new("退单审核") }).ClickAsync();
        var returns = page.GetByTestId("return-queue");
        var rejectRow = returns.GetByRole(AriaRole.Row).Filter(new() { HasText = rejectedCode });
        await Expect(rejectRow).ToContainTextAsync("不属于本单位职责", new() { Timeout = 5_000 });
        var approveRow = returns.GetByRole(AriaRole.Row).Filter(new() { HasText = approvedCode });
        await Expect(approveRow).ToContainTextAsync("电梯维保属市场监管部门职责");
        await ScreenshotAsync(page, "dispatcher-returns");

        // Rejecting needs a reason: without one the form says so and nothing is sent.
        await rejectRow.GetByRole(AriaRole.Button, new() { NameRegex = new("^驳\\s*回$") }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "确认驳回" }).ClickAsync();
        await Expect(dialog).ToContainTextAsync("请填写审核意见");
        await dialog.GetByLabel("审核意见").FillAsync("属本单位职责范围，请继续办理。");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "确认驳回" }).ClickAsync();
        await Expect(rejectRow).ToBeHiddenAsync();
        Assert.Equal("Dispatched", (await agent.GetOkAsync($"/api/tickets/{rejected}")).Str("state"));

        await approveRow.GetByRole(AriaRole.Button, new() { NameRegex = new("^同\\s*意$") }).ClickAsync();
        await dialog.GetByLabel("审核意见").FillAsync("电梯安全归市场监管局，改派。");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "确认同意" }).ClickAsync();
        await Expect(approveRow).ToBeHiddenAsync();
        await Expect(returns).ToContainTextAsync("暂无待审核的退单");

        // Back in the dispatch queue, marked as returned, and sent elsewhere through the ticket's drawer.
        await page.GetByRole(AriaRole.Tab, new() { NameRegex = new("待人工派单") }).ClickAsync();
        var returnedRow = queue.GetByRole(AriaRole.Row).Filter(new() { HasText = approvedCode });
        await Expect(returnedRow).ToContainTextAsync("已退回 1 次");
        await returnedRow.GetByRole(AriaRole.Button, new() { Name = $"查看工单 {approvedCode}" }).ClickAsync();
        var drawer = page.GetByRole(AriaRole.Dialog).Filter(new() { HasText = $"工单 {approvedCode}" });
        var departmentSearch = drawer.GetByLabel("选择承办单位");
        await departmentSearch.FillAsync("市场监督管理局");
        await departmentSearch.PressAsync("Enter"); // the one department that matches, chosen by keyboard
        var categorySearch = drawer.GetByLabel("派单分类"); // and filed under market supervision's category, 商贸旅游
        await categorySearch.FillAsync("商贸旅游");
        await categorySearch.PressAsync("Enter");
        await drawer.GetByRole(AriaRole.Button, new() { NameRegex = new("^派\\s*单$") }).ClickAsync();
        await Expect(drawer).ToContainTextAsync("市场监督管理局");
        await Expect(returnedRow).ToBeHiddenAsync();
        var redispatched = await agent.GetOkAsync($"/api/tickets/{approved}");
        Assert.Equal("Dispatched", redispatched.Str("state"));
        Assert.Equal(2, redispatched["dispatchCount"]!.GetValue<int>());
        Assert.NotEqual("city-housing", redispatched["leadDepartment"]!.Str("id"));
        Assert.Equal("commerce-tourism", redispatched.Str("categoryId"));
    }
}
