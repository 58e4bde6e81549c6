using Hotline.Console.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hotline.Console.Tests.Browser;

/// <summary>The staff-wide pages in Chromium: the ticket list with its filters, and knowledge search.</summary>
[Trait("Category", "Browser")]
public sealed class StaffSearchTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task Ticket_list_filters_by_state_type_and_department_and_opens_a_ticket()
    {
        var agent = await Host.SignInAsync("agent");
        await agent.PostOkAsync("/api/tickets", new { content = "咨询居住证办理需要什么材料", phone = "13800001111" });
        var complaint = await agent.PostOkAsync("/api/tickets", new { content = "投诉小区物业乱收费", phone = "13800002222", type = "Complaint" });
        var dispatched = await agent.PostOkAsync("/api/tickets", new { content = "楼顶违章搭建存在安全隐患", phone = "13800003333" });
        await CentreData.WaitUntilEngineHandledAsync(Host, dispatched.Str("id")); // a dispatch racing the engine's decision is a 409
        await agent.PostOkAsync($"/api/tickets/{dispatched.Str("id")}/dispatch", new { leadDepartmentId = "city-housing" });

        var page = await SignedInPageAsync("dispatcher");
        await page.GotoAsync("/tickets");
        var list = page.GetByTestId("ticket-list");
        var rows = list.Locator("tbody tr.ant-table-row");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(page.GetByText("共 3 件")).ToBeVisibleAsync();

        await page.GetByLabel("诉求类型").ClickAsync();
        await page.Locator(".ant-select-item-option", new() { HasText = "投诉" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync(complaint.Str("trackingCode"));
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("type=Complaint"));

        await page.GetByRole(AriaRole.Button, new() { NameRegex = new("^重\\s*置$") }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(3);
        await page.GetByLabel("承办单位").FillAsync("住房和城乡建设");
        await page.GetByLabel("承办单位").PressAsync("Enter");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("楼顶违章搭建存在安全隐患");
        await Expect(rows.First).ToContainTextAsync("待签收");
        await ScreenshotAsync(page, "tickets");

        await rows.First.GetByRole(AriaRole.Button, new() { Name = $"查看工单 {dispatched.Str("trackingCode")}" }).ClickAsync();
        var drawer = page.GetByRole(AriaRole.Dialog);
        await Expect(drawer).ToContainTextAsync($"工单 {dispatched.Str("trackingCode")}");
        await Expect(drawer).ToContainTextAsync("住房和城乡建设局");
        await Expect(drawer).ToContainTextAsync("登记受理");
    }

    [Fact]
    public async Task Knowledge_search_marks_matches_shows_status_and_validity_and_never_renders_markup_from_an_article()
    {
        var admin = await Host.SignInAsync("admin");
        await CentreData.ArticleAsync(admin, "居住证办理指南", "携带身份证和租房合同到街道便民服务中心办理居住证。<script>window.__injected = true</script><b>加粗</b>");
        await CentreData.ArticleAsync(admin, "居住证签注说明", "居住证每年签注一次，逾期未签注的需重新申领。", publish: false);
        await CentreData.ArticleAsync(admin, "旧版居住证政策", "旧版居住证政策已于2025年底废止。", validUntil: "2025-12-31");

        var page = await SignedInPageAsync("agent");
        await page.GotoAsync("/knowledge");
        await page.GetByLabel("检索词（标题、正文、关键词）").FillAsync("居住证办理");
        var results = page.GetByTestId("knowledge-results");
        var hits = results.Locator("article");
        await Expect(hits).ToHaveCountAsync(3);
        await Expect(hits.First).ToContainTextAsync("居住证办理指南");
        await Expect(hits.First.Locator("mark").First).ToContainTextAsync("居住");
        await Expect(results.Locator("article", new() { HasText = "居住证签注说明" })).ToContainTextAsync("草稿");
        await Expect(results.Locator("article", new() { HasText = "旧版居住证政策" })).ToContainTextAsync("不在有效期（至 2025-12-31）");
        await Expect(hits.First).ToContainTextAsync("已发布");

        // What the editor typed as markup is shown as text, never run or rendered.
        await Expect(hits.First).ToContainTextAsync("<script>");
        Assert.Equal(0, await results.Locator("script, b").CountAsync());
        Assert.False(await page.EvaluateAsync<bool>("() => window.__injected === true"));
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("q=%E5%B1%85"));
        await ScreenshotAsync(page, "knowledge");

        await hits.First.GetByRole(AriaRole.Button).First.ClickAsync();
        var drawer = page.GetByRole(AriaRole.Dialog);
        await Expect(drawer).ToContainTextAsync("携带身份证和租房合同");
        await Expect(drawer).ToContainTextAsync("长期有效");
    }
}
