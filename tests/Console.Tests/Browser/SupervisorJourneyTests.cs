using System.Text;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Routing.Supervision;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hotline.Console.Tests.Browser;

/// <summary>
/// The supervisor's console (督办): the dashboard's charts drawn from real tickets, a drill-down to the tickets behind a figure,
/// the export, live figures on a new rating, and the desk of overdue tickets, urges, extensions and returns.
/// </summary>
[Trait("Category", "Browser")]
public sealed class SupervisorJourneyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task The_dashboard_charts_real_figures_drills_down_to_the_right_tickets_exports_and_updates_live()
    {
        // Monday 2026-11-23 09:00 (the host's clock). Consultations are due in 2 working days, so their replies count in November.
        var seed = new HandlingSeed(Host);
        var environment = await seed.DepartmentHandlerAsync("environment", "city-environment");
        var (goodId, goodCode) = await seed.RepliedAsync("公积金提取需要哪些材料？", "13700000401", type: "咨询");
        var (badId, badCode) = await seed.RepliedAsync("物业维修基金如何申请使用？", "13700000402", type: "咨询");
        var (lateId, lateCode) = await seed.RepliedAsync("危房鉴定找哪个部门？", "13700000403", type: "咨询");
        var (envOnTimeId, envOnTimeCode) = await seed.RepliedAsync("噪声监测怎么预约？", "13700000404", type: "咨询", department: "city-environment",
            handler: environment);
        var (_, envMissedCode) = await seed.DispatchedAsync("工厂排放异味问题向哪里反映？", "13700000405", type: "咨询", department: "city-environment");
        await seed.RateAsync(goodId, "13700000401", 5);
        await seed.RateAsync(badId, "13700000402", 2);
        await seed.RateAsync(envOnTimeId, "13700000404", 4);
        // Friday the 27th: the environment bureau's unanswered consultation is past both its deadlines.
        Host.Clock.Set(TestClock.Shanghai(2026, 11, 27, 9));

        var page = await SignedInPageAsync("supervisor");
        await seed.FollowHostClockAsync(page);
        await Expect(page.GetByTestId("period")).ToContainTextAsync("2026-11-01 至 2026-11-30");
        await Expect(page.GetByTestId("stat-ratings")).ToContainTextAsync("3");
        var ratings = page.GetByTestId("chart-ratings");
        foreach (var level in new[] { "非常满意", "满意", "基本满意", "不满意", "非常不满意" })
        {
            await Expect(ratings).ToContainTextAsync(level);
        }
        await Expect(page.GetByTestId("chart-trend")).ToContainTextAsync("2026-11");
        await Expect(page.GetByTestId("chart-trend")).ToContainTextAsync("66.7%"); // 5 and 4 of three ratings
        await Expect(page.GetByTestId("chart-deadlines")).ToContainTextAsync("市生态环境局");
        await Expect(page.GetByTestId("chart-deadlines")).ToContainTextAsync("50%"); // its 按时办结率: one of two
        await Expect(page.GetByTestId("chart-bad-reviews")).ToContainTextAsync("市住房和城乡建设局");
        await Expect(page.GetByTestId("chart-rectifications")).ToContainTextAsync("核实 1");
        await Expect(page.GetByTestId("ranking-table")).ToContainTextAsync("市住房和城乡建设局");
        await Expect(page.GetByTestId("ranking-table")).ToContainTextAsync("市生态环境局");
        await ScreenshotAsync(page, "supervisor-dashboard");

        // A click on the environment bureau in the deadlines chart: the tickets behind its 按时办结率, then only the missed one.
        await page.GetByTestId("chart-deadlines").GetByText("市生态环境局", new() { Exact = true }).ClickAsync();
        var drill = page.GetByTestId("drilldown");
        await Expect(drill.GetByTestId("drilldown-total")).ToContainTextAsync("共 2 件工单");
        await Expect(drill).ToContainTextAsync(envOnTimeCode);
        await Expect(drill).ToContainTextAsync(envMissedCode);
        await Expect(drill).Not.ToContainTextAsync(goodCode);
        await drill.GetByText("未达标", new() { Exact = true }).ClickAsync();
        await Expect(drill.GetByTestId("drilldown-total")).ToContainTextAsync("共 1 件工单");
        await Expect(drill).ToContainTextAsync(envMissedCode);
        await Expect(drill).Not.ToContainTextAsync(envOnTimeCode);
        // The drawer is fixed to the window: a screenshot of the window shows it whole.
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "supervisor-drilldown.png") });
        // A row opens the ticket.
        await drill.GetByRole(AriaRole.Button, new() { Name = $"查看工单 {envMissedCode}" }).ClickAsync();
        var ticketDrawer = page.GetByRole(AriaRole.Dialog, new() { Name = $"工单 {envMissedCode}" });
        await Expect(ticketDrawer).ToContainTextAsync("工厂排放异味");
        await ticketDrawer.GetByRole(AriaRole.Button, new() { Name = "关闭" }).ClickAsync();
        var drillDrawer = page.GetByRole(AriaRole.Dialog).Filter(new() { Has = drill });
        await drillDrawer.GetByRole(AriaRole.Button, new() { Name = "关闭" }).ClickAsync();
        await Expect(drill).ToBeHiddenAsync();

        // A click on 不满意 in the rating distribution: the one bad review.
        await ratings.GetByText("不满意", new() { Exact = true }).ClickAsync();
        await Expect(drill.GetByTestId("drilldown-total")).ToContainTextAsync("共 1 条评价");
        await Expect(drill).ToContainTextAsync(badCode);
        await Expect(drill).Not.ToContainTextAsync(goodCode);
        await drillDrawer.GetByRole(AriaRole.Button, new() { Name = "关闭" }).ClickAsync();

        // Export: a CSV Excel opens (UTF-8 with a BOM), one line per department.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { NameRegex = new("导出考核表") }).ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var bytes = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var csv = Encoding.UTF8.GetString(bytes[3..]);
        Assert.StartsWith("单位编码,单位名称", csv, StringComparison.Ordinal);
        Assert.Contains("city-environment,市生态环境局", csv, StringComparison.Ordinal);

        // Live: a new rating reaches the open dashboard without a reload.
        await seed.RateAsync(lateId, "13700000403", 3);
        await Expect(page.GetByTestId("stat-ratings")).ToContainTextAsync("4");
        _ = lateCode;
    }

    [Fact]
    public async Task The_supervisor_urges_an_overdue_ticket_and_decides_extensions_and_returns_live()
    {
        var seed = new HandlingSeed(Host);
        var housing = await seed.HousingAsync();
        var (overdueId, overdueCode) = await seed.DispatchedAsync("人民公园东门井盖缺失，存在安全隐患。", "13700000501");
        var (extensionId, extensionCode) = await seed.DispatchedAsync("申请公租房需要什么条件？", "13700000502", type: "咨询");
        await housing.PostOkAsync($"/api/tickets/{extensionId}/sign", new { });
        await housing.PostOkAsync($"/api/tickets/{extensionId}/extension", new { days = 2, reason = "需核实申请人住房档案" });
        var (returnId, returnCode) = await seed.DispatchedAsync("出租车拒载投诉。", "13700000503");
        await housing.PostOkAsync($"/api/tickets/{returnId}/return", new { reason = "出租车管理属于市交通运输局" });

        var page = await SignedInPageAsync("supervisor");
        await page.GotoAsync("/supervisor/overdue");
        await seed.FollowHostClockAsync(page);
        var overdue = page.GetByTestId("list-overdue");
        await Expect(overdue).ToContainTextAsync("暂无超时工单");

        // Wednesday: the sign deadline (end of Tuesday) has passed; the overdue check records it and the list shows it live.
        Host.Clock.Set(TestClock.Shanghai(2026, 11, 25, 9));
        await seed.CatchUpWithHostClockAsync(page);
        Assert.True(await Host.Get<OverdueMonitor>().CheckOnceAsync(CancellationToken.None) >= 1);
        await Expect(overdue).ToContainTextAsync(overdueCode);
        await Expect(overdue).ToContainTextAsync("签收：已超时");
        await ScreenshotAsync(page, "supervisor-overdue");

        await page.GetByRole(AriaRole.Button, new() { Name = $"催办 {overdueCode}" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("督办意见").FillAsync("请今日内签收并联系市民，下班前反馈进度。");
        await dialog.GetByRole(AriaRole.Button, new() { NameRegex = new("^提\\s*交$") }).ClickAsync();
        await Expect(overdue).ToContainTextAsync("已催办 1 次");
        var urged = await housing.GetOkAsync($"/api/tickets/{overdueId}");
        Assert.Equal(1, urged["urgeCount"]!.GetValue<int>());
        var urge = (await housing.GetOkAsync($"/api/tickets/{overdueId}/timeline")).AsArray().Last()!;
        Assert.Equal("Urged", urge.Str("kind"));
        Assert.Equal("请今日内签收并联系市民，下班前反馈进度。", urge.Str("note"));
        await page.GetByRole(AriaRole.Tab, new() { NameRegex = new("^已催办") }).ClickAsync();
        await Expect(page.GetByTestId("list-urged")).ToContainTextAsync(overdueCode);

        // The extension request: approved.
        await page.GetByRole(AriaRole.Tab, new() { NameRegex = new("^延期审批") }).ClickAsync();
        var extensions = page.GetByTestId("list-extensions");
        await Expect(extensions).ToContainTextAsync("2 个工作日：需核实申请人住房档案");
        await page.GetByRole(AriaRole.Button, new() { Name = $"审批延期 {extensionCode}" }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { NameRegex = new("^提\\s*交$") }).ClickAsync();
        await Expect(extensions).ToContainTextAsync("暂无待审批的延期申请");
        var extended = await housing.GetOkAsync($"/api/tickets/{extensionId}");
        Assert.Equal(2, extended["extensionDaysGranted"]!.GetValue<int>());

        // The return: rejected, with a note; the ticket goes back to the department.
        await page.GetByRole(AriaRole.Tab, new() { NameRegex = new("^退单审核") }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = $"审核退单 {returnCode}" }).ClickAsync();
        await dialog.GetByLabel("驳回退单（原单位继续办理）").CheckAsync();
        await dialog.GetByLabel("审核意见（可不填）").FillAsync("出租车服务质量投诉由住建局牵头协调。");
        await dialog.GetByRole(AriaRole.Button, new() { NameRegex = new("^提\\s*交$") }).ClickAsync();
        await Expect(page.GetByTestId("list-returns")).ToContainTextAsync("暂无待审核的退单");
        var rejected = await housing.GetOkAsync($"/api/tickets/{returnId}");
        Assert.Equal("Dispatched", rejected.Str("state"));

        // The list shows a ticket once its deadline has passed; the overdue check marks it up to a minute later, and that mark
        // moves the version. An urge sent on the list as read before the mark still goes through (it changed nothing the
        // supervisor decided on). The list's reloads are held so the page cannot have caught up with the mark.
        Host.Clock.Set(TestClock.Shanghai(2026, 12, 16, 9));
        await seed.CatchUpWithHostClockAsync(page);
        await page.ReloadAsync();
        await Expect(overdue).ToContainTextAsync("办结：已超时");
        var releaseLists = new TaskCompletionSource();
        await page.RouteAsync(url => url.Contains("/api/tickets?", StringComparison.Ordinal), async route =>
        {
            await releaseLists.Task;
            await route.ContinueAsync();
        });
        var versionShown = (await housing.GetOkAsync($"/api/tickets/{overdueId}"))["version"]!.GetValue<int>();
        await page.GetByRole(AriaRole.Button, new() { Name = $"催办 {overdueCode}" }).ClickAsync();
        await dialog.GetByLabel("督办意见").FillAsync("已超过办结期限，请说明原因并明确办结时间。");
        Assert.True(await Host.Get<OverdueMonitor>().CheckOnceAsync(CancellationToken.None) >= 1);
        Assert.True((await housing.GetOkAsync($"/api/tickets/{overdueId}"))["version"]!.GetValue<int>() > versionShown);
        await dialog.GetByRole(AriaRole.Button, new() { NameRegex = new("^提\\s*交$") }).ClickAsync();
        await Expect(page.GetByText($"督办催办已提交：{overdueCode}")).ToBeVisibleAsync();
        releaseLists.SetResult();
        await Expect(overdue).ToContainTextAsync("已催办 2 次");
        var twice = await housing.GetOkAsync($"/api/tickets/{overdueId}");
        Assert.Equal(2, twice["urgeCount"]!.GetValue<int>());
    }
}
