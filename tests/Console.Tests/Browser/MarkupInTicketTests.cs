using Hotline.Console.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hotline.Console.Tests.Browser;

/// <summary>
/// Markup a citizen or a department types into a ticket is text on every page that shows it: the staff ticket list and its
/// drawer, the department's inbox, the citizen's tracking page (the app's and the server's page without JavaScript). Nothing
/// of it runs, and none of it becomes an element.
/// </summary>
[Trait("Category", "Browser")]
public sealed class MarkupInTicketTests(BrowserFixture browsers) : BrowserTest(browsers)
{
    private const string Phone = "13700000901";
    private readonly BrowserFixture _browsers = browsers;

    /// <summary>An image whose error handler and a script would both set <c>window.__xss</c> if either were rendered as markup.</summary>
    private const string Markup = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=1</script><b id=\"bold\">加粗</b>";

    [Fact]
    public async Task Markup_in_a_tickets_content_and_reply_is_shown_as_text_on_every_page_and_never_runs()
    {
        var seed = new HandlingSeed(Host);
        var (_, inboxCode) = await seed.DispatchedAsync("楼道灯坏了" + Markup, Phone);
        var (repliedId, repliedCode) = await seed.DispatchedAsync("路面坑洼" + Markup, Phone);
        var housing = await seed.HousingAsync();
        await housing.PostOkAsync($"/api/tickets/{repliedId}/sign", new { });
        await housing.PostOkAsync($"/api/tickets/{repliedId}/reply", new { reply = "已修补" + Markup });

        // Staff: the ticket list and the ticket's drawer.
        var staff = await SignedInPageAsync("dispatcher");
        await staff.GotoAsync("/tickets");
        var row = staff.Locator("tbody tr.ant-table-row", new() { HasText = inboxCode });
        await Expect(row).ToContainTextAsync("楼道灯坏了<img src=x");
        await AssertInertAsync(staff, "/tickets");
        await row.GetByRole(AriaRole.Button, new() { Name = $"查看工单 {inboxCode}" }).ClickAsync();
        var drawer = staff.GetByRole(AriaRole.Dialog);
        await Expect(drawer).ToContainTextAsync("楼道灯坏了<img src=x onerror=\"window.__xss=1\">");
        await AssertInertAsync(staff, "the ticket drawer");

        // The department's inbox.
        var department = await SignedInPageAsync("housing");
        var inboxRow = department.Locator($"tr[data-tracking-code='{inboxCode}']");
        await Expect(inboxRow).ToContainTextAsync("楼道灯坏了<img src=x");
        await AssertInertAsync(department, "the department inbox");

        // The citizen's tracking page in the app: the content and the department's reply.
        var citizen = await NewPageAsync();
        await citizen.GotoAsync($"/citizen/track?code={repliedCode}");
        await citizen.GetByLabel("联系电话").FillAsync(Phone);
        await citizen.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
        await Expect(citizen.GetByTestId("track-reply")).ToContainTextAsync("已修补<img src=x");
        await AssertInertAsync(citizen, "/citizen/track");

        // The server's tracking page, as a phone without JavaScript gets it.
        var browser = await _browsers.BrowserAsync();
        await using var plain = await browser.NewContextAsync(new() { BaseURL = BaseUrl, Locale = "zh-CN", JavaScriptEnabled = false });
        var noScript = await plain.NewPageAsync();
        await noScript.GotoAsync($"/track/{repliedCode}");
        await noScript.GetByLabel("提交诉求时的手机号码").FillAsync(Phone);
        await noScript.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        await Expect(noScript.Locator("main")).ToContainTextAsync("已修补<img src=x");
        Assert.Equal(0, await noScript.Locator("main img, main script, #bold").CountAsync());
    }

    /// <summary>No element made from the markup, and neither handler ran.</summary>
    private static async Task AssertInertAsync(IPage page, string where)
    {
        Assert.True(await page.Locator("img[src='x'], #bold").CountAsync() == 0, $"{where}: markup became elements");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__xss === undefined"), $"{where}: markup ran");
    }
}
