using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Feedback.Ratings;
using Hotline.Feedback.Storage;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NodaTime;
using static Microsoft.Playwright.Assertions;

namespace Hotline.Console.Tests.Browser;

/// <summary>
/// The citizen self-service pages (no sign-in) in Chromium: submit after the knowledge base had its say, track, rate from the link;
/// every error in Chinese; WCAG 2.1 AA by axe-core on every page at desktop and phone size, in normal and large text; a
/// submission with the keyboard alone; no horizontal scrolling on a phone.
/// </summary>
[Trait("Category", "Browser")]
public sealed class CitizenJourneyTests(BrowserFixture browsers) : BrowserTest(browsers)
{
    private readonly BrowserFixture _browsers = browsers;
    private const string Phone = "13812345678";
    private static readonly string AxeScript = Path.Combine(RepositoryRoot, "src", "Console", "web", "node_modules", "axe-core", "axe.min.js");

    [Fact]
    public async Task A_citizen_sees_a_suggestion_submits_once_despite_a_lost_answer_tracks_the_ticket_and_rates_it_from_the_link()
    {
        await PublishArticleAsync("路灯不亮怎么报修", "路灯不亮、损坏的，可在本页提交诉求或拨打 12345，城市管理部门一般在 3 个工作日内修复。");
        var page = await NewPageAsync();
        await page.GotoAsync("/citizen");
        await Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("提交诉求"));

        // The knowledge base answers first, as the citizen types; the match is marked, and the whole answer opens in place.
        await page.GetByLabel("诉求内容").FillAsync("幸福路 12 号门口的路灯不亮一个多月了，晚上很黑，老人出门不安全。");
        var suggestions = page.GetByTestId("kb-suggestions");
        await Expect(suggestions).ToContainTextAsync("也许这些能解答您的问题");
        await Expect(suggestions.GetByRole(AriaRole.Heading, new() { Name = "路灯不亮怎么报修" })).ToBeVisibleAsync();
        await Expect(suggestions.Locator("mark").First).ToContainTextAsync("路灯");
        await suggestions.GetByRole(AriaRole.Button, new() { Name = "查看全文" }).ClickAsync();
        await Expect(suggestions).ToContainTextAsync("3 个工作日内修复");
        await ScreenshotAsync(page, "citizen-home");

        await page.GetByRole(AriaRole.Radio, new() { Name = "投诉", Exact = true }).CheckAsync();
        await page.GetByLabel("联系电话").FillAsync(Phone);
        await page.GetByLabel("姓名（选填）").FillAsync("张三");
        // A photo goes with it (multipart/form-data); the host judges it by its bytes.
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];
        await page.Locator("#citizen-files").SetInputFilesAsync(new FilePayload { Name = "路灯.png", MimeType = "image/png", Buffer = png });
        await Expect(page.GetByRole(AriaRole.List, new() { Name = "已选择的文件" })).ToContainTextAsync("路灯.png");

        // The first answer is lost on the way back (the ticket was made); the page says so, and the retry carries the same
        // Idempotency-Key, so the host answers with the same ticket instead of making a second one.
        string? lostAnswer = null;
        string? firstKey = null;
        await page.RouteAsync("**/api/citizen/tickets", async route =>
        {
            firstKey = route.Request.Headers.GetValueOrDefault("idempotency-key");
            var response = await route.FetchAsync();
            lostAnswer = await response.TextAsync();
            await route.AbortAsync("connectionreset");
        }, new() { Times = 1 });
        var submit = page.GetByRole(AriaRole.Button, new() { Name = "提交诉求" });
        await submit.ClickAsync();
        await Expect(page.GetByTestId("submit-error")).ToContainTextAsync("无法连接服务器");
        Assert.False(string.IsNullOrEmpty(firstKey));
        var lostCode = JsonNode.Parse(lostAnswer!)!.Str("trackingCode");

        string? retryKey = null;
        page.Request += (_, request) =>
        {
            if (request.Url.EndsWith("/api/citizen/tickets", StringComparison.Ordinal) && request.Method == "POST")
            {
                retryKey = request.Headers.GetValueOrDefault("idempotency-key");
            }
        };
        await submit.DblClickAsync();
        var code = page.GetByTestId("tracking-code");
        await Expect(code).ToContainTextAsync(lostCode);
        Assert.Equal(firstKey, retryKey);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "诉求已提交" })).ToBeVisibleAsync();
        await page.EvaluateAsync("() => getSelection()?.removeAllRanges()"); // the double click selected some text
        await ScreenshotAsync(page, "citizen-submitted");
        var ticket = await WithRoutingAsync(db => db.Tickets.AsNoTracking().SingleAsync());
        Assert.Equal(lostCode, ticket.TrackingCode);
        Assert.Equal(TicketType.Complaint, ticket.Type);
        Assert.Equal("张三", ticket.CitizenName);
        Assert.Equal("路灯.png", Assert.Single(ticket.Attachments).FileName);

        // Tracking: a wrong number is refused in Chinese, the right one shows the ticket.
        await page.GetByRole(AriaRole.Link, new() { Name = "查询办理进度" }).ClickAsync();
        await page.WaitForURLAsync($"**/citizen/track?code={lostCode}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "查询办理进度" })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("查询码", new() { Exact = true })).ToHaveValueAsync(lostCode);
        await page.GetByLabel("联系电话").FillAsync("13900000000");
        await page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("track-error")).ToContainTextAsync("未找到该工单，请核对查询码和提交时填写的手机号码");
        await page.GetByLabel("联系电话").FillAsync(Phone);
        await page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
        var result = page.GetByTestId("track-result");
        await Expect(result).ToContainTextAsync(ticket.Title);
        await Expect(page.GetByTestId("track-state")).Not.ToHaveTextAsync("已答复");

        // Staff take it through dispatch, sign, reply and callback.
        var agent = await Host.SignInAsync("agent");
        var housing = await Host.SignInAsync("housing");
        var id = ticket.Id.Value;
        await CentreData.WaitUntilEngineHandledAsync(Host, id.ToString()); // a dispatch racing the engine's decision is a 409
        await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
        await housing.PostOkAsync($"/api/tickets/{id}/sign", new { });
        await housing.PostOkAsync($"/api/tickets/{id}/reply", new { reply = "经核查，该路灯线路老化，已于今日更换，恢复照明。" });
        await agent.PostOkAsync($"/api/tickets/{id}/callback", new { reached = true, solved = true, satisfaction = 5, note = "市民表示已亮" });

        await page.GetByRole(AriaRole.Button, new() { Name = "刷新进度" }).ClickAsync();
        await Expect(page.GetByTestId("track-reply")).ToContainTextAsync("已于今日更换");
        await Expect(result).ToContainTextAsync("市住房和城乡建设局");
        await Expect(page.GetByTestId("track-progress")).ToContainTextAsync("承办单位已签收");
        await Expect(page.GetByTestId("track-progress")).ToContainTextAsync("已回访");
        await ScreenshotAsync(page, "citizen-track");

        // The rating invitation's link opens the rating page; the rating is recorded once.
        var token = await RatingTokenAsync(id);
        await page.GotoAsync($"/citizen/rate/{token}");
        await Expect(page.GetByText(lostCode).First).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Radiogroup, new() { Name = "总体满意度" }).GetByRole(AriaRole.Radio)).ToHaveCountAsync(5);
        await page.GetByRole(AriaRole.Radio, new() { Name = "满意", Exact = true }).First.CheckAsync();
        await page.GetByLabel("意见和建议（选填）").FillAsync("修得很快，谢谢。");
        await ScreenshotAsync(page, "citizen-rate");
        await page.GetByRole(AriaRole.Button, new() { Name = "提交评价" }).ClickAsync();
        await Expect(page.GetByTestId("rated-level")).ToHaveTextAsync("满意");

        var rating = await WithFeedbackAsync(db => db.Ratings.AsNoTracking().SingleAsync());
        Assert.Equal(4, (int)rating.Level);
        Assert.Equal(RatingChannel.Web, rating.Channel);
        Assert.Equal("修得很快，谢谢。", rating.Comment);
        var supervisor = await Host.SignInAsync("supervisor");
        var listed = (await supervisor.GetOkAsync($"/api/feedback/ratings?ticketId={id}")).AsArray();
        Assert.Equal(4, Assert.Single(listed)!["level"]!.GetValue<int>());

        // The same link again: already used, explained.
        await page.ReloadAsync();
        await Expect(page.GetByTestId("rate-already")).ToContainTextAsync("您已评价过");
    }

    [Fact]
    public async Task Unusable_rating_links_and_a_busy_network_are_explained_in_Chinese()
    {
        var (id, _) = await RepliedTicketAsync();
        var page = await NewPageAsync();

        await page.GotoAsync("/citizen/rate/not-a-real-token");
        await Expect(page.GetByTestId("rate-error")).ToContainTextAsync("评价链接无效");

        var expired = await Host.Get<RatingTokens>().IssueAsync(
            new RatingInvitation(new TicketId(id), 1, Host.Clock.GetCurrentInstant().Minus(Duration.FromMinutes(1))), CancellationToken.None);
        await page.GotoAsync($"/citizen/rate/{expired}");
        await Expect(page.GetByTestId("rate-error")).ToContainTextAsync("评价链接已过期");

        // The link was used in another tab between opening the page and submitting: the 409 is explained, not shown as a failure.
        var token = await RatingTokenAsync(id);
        await page.GotoAsync($"/citizen/rate/{token}");
        await page.GetByRole(AriaRole.Radio, new() { Name = "非常满意", Exact = true }).CheckAsync();
        await Host.Anonymous().PostAsJsonAsync($"/api/citizen/ratings/{token}", new { level = 3 });
        await page.GetByRole(AriaRole.Button, new() { Name = "提交评价" }).ClickAsync();
        await Expect(page.GetByTestId("rate-error")).ToContainTextAsync("一事一评");
        Assert.Equal(3, (int)(await WithFeedbackAsync(db => db.Ratings.AsNoTracking().SingleAsync())).Level);

        // Too many requests: the host's Chinese message, and the button waits out Retry-After.
        await page.RouteAsync("**/api/citizen/tickets/**", route => route.FulfillAsync(new()
        {
            Status = 429,
            Headers = new Dictionary<string, string> { ["Retry-After"] = "42" },
            ContentType = "application/problem+json",
            Body = """{"type":"https://hotline.example/problems/too-many-requests","title":"请求过于频繁","status":429,"detail":"您所在网络的请求过于频繁，请 42 秒后再试，或拨打 12345 热线。","retryAfter":42}""",
        }));
        await page.GotoAsync("/citizen/track?code=ABC123");
        await page.GetByLabel("联系电话").FillAsync(Phone);
        await page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("track-error")).ToContainTextAsync("请求过于频繁");
        await Expect(page.GetByTestId("track-error")).ToContainTextAsync("秒后可再次查询");
        await Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new("秒后再查询") })).ToBeDisabledAsync();
    }

    [Fact]
    public async Task SMS_links_open_the_console_pages_with_JavaScript_and_work_as_plain_forms_without()
    {
        var (id, code) = await RepliedTicketAsync();
        var token = await RatingTokenAsync(id);

        var page = await NewPageAsync();
        await page.GotoAsync($"/track/{code}");
        await page.WaitForURLAsync($"**/citizen/track?code={code}");
        await Expect(page.GetByLabel("查询码", new() { Exact = true })).ToHaveValueAsync(code);
        await page.GotoAsync($"/rate/{token}");
        await page.WaitForURLAsync($"**/citizen/rate/{token}");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "提交评价" })).ToBeVisibleAsync();

        var browser = await _browsers.BrowserAsync();
        await using var plain = await browser.NewContextAsync(new() { BaseURL = BaseUrl, Locale = "zh-CN", JavaScriptEnabled = false });
        var noScript = await plain.NewPageAsync();
        await noScript.GotoAsync($"/track/{code}");
        await noScript.GetByLabel("提交诉求时的手机号码").FillAsync(Phone);
        await noScript.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        await Expect(noScript.Locator("main")).ToContainTextAsync("已安排施工队修补路面");
        Assert.EndsWith($"/track/{code}", noScript.Url);

        await noScript.GotoAsync($"/rate/{token}");
        await noScript.GetByLabel("满意", new() { Exact = true }).CheckAsync();
        await noScript.GetByLabel("意见和建议（选填）").FillAsync("没有脚本也能评价");
        await noScript.GetByRole(AriaRole.Button, new() { Name = "提交评价" }).ClickAsync();
        await Expect(noScript.Locator("main")).ToContainTextAsync("感谢您的评价");
        var rating = await WithFeedbackAsync(db => db.Ratings.AsNoTracking().SingleAsync());
        Assert.Equal(4, (int)rating.Level);
        Assert.Equal("没有脚本也能评价", rating.Comment);
    }

    [Fact]
    public async Task A_request_can_be_submitted_with_the_keyboard_alone()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/citizen");
        await Expect(page.GetByLabel("诉求内容")).ToBeVisibleAsync();

        // The skip link comes first and moves focus past the header.
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "跳到主要内容" })).ToBeFocusedAsync();
        Assert.Equal("3px", await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineWidth"));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#citizen-main")).ToBeFocusedAsync();

        // The type by arrow keys: 咨询 → 求助 → 投诉.
        await TabToAsync(page, "input[type=radio][value='咨询']");
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = "投诉", Exact = true })).ToBeCheckedAsync();

        await TabToAsync(page, "#citizen-submit_content");
        await page.Keyboard.TypeAsync("小区楼下烧烤店油烟很大，每晚营业到凌晨两点，噪音扰民。");
        await TabToAsync(page, "#citizen-submit_phone");
        await page.Keyboard.TypeAsync(Phone);
        await TabToAsync(page, "#citizen-submit_anonymous");
        await page.Keyboard.PressAsync("Space");
        await Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = "匿名提交" })).ToBeCheckedAsync();
        await TabToAsync(page, "button[type=submit]");
        Assert.Equal("solid", await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"));
        await page.Keyboard.PressAsync("Enter");

        var code = page.GetByTestId("tracking-code");
        await Expect(code).ToBeVisibleAsync();
        // Focus moves to the result, so a screen reader announces it and the keyboard continues from there.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "诉求已提交" })).ToBeFocusedAsync();
        var ticket = await WithRoutingAsync(db => db.Tickets.AsNoTracking().SingleAsync());
        await Expect(code).ToContainTextAsync(ticket.TrackingCode);
        Assert.Equal(TicketType.Complaint, ticket.Type);
        Assert.True(ticket.Anonymous);
        Assert.Contains("烧烤店油烟", ticket.Content);

        // On to tracking, still by keyboard: the focused result heading, then Tab to the link and Enter.
        await TabToAsync(page, "a[href^='/citizen/track?code=']");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/citizen/track?code=*");
    }

    [Fact]
    public async Task Every_citizen_page_passes_axe_at_desktop_and_phone_size_in_normal_and_large_text_without_horizontal_scrolling()
    {
        await PublishArticleAsync("燃气费缴纳方式", "燃气费可通过燃气公司营业厅、银行代扣或手机银行缴纳。");
        var (id, code) = await RepliedTicketAsync();
        var token = await RatingTokenAsync(id);
        var failures = new List<string>();
        foreach (var (width, height, size) in new[] { (1366, 900, "desktop"), (390, 844, "phone") })
        {
            foreach (var large in new[] { false, true })
            {
                var mode = $"{size}, {(large ? "large text" : "normal text")}";
                var page = await NewPageAsync(width, height);
                await page.GotoAsync("/citizen");
                if (large)
                {
                    // Reachable from the citizen header on every page; remembered for the next pages.
                    var toggle = page.Locator("header").GetByRole(AriaRole.Switch, new() { Name = "大字模式" });
                    await toggle.ClickAsync();
                    await Expect(page.Locator("html")).ToHaveAttributeAsync("data-large-text", "true");
                }
                await page.GetByLabel("诉求内容").FillAsync("燃气费怎么缴纳");
                await Expect(page.GetByTestId("kb-suggestions")).ToContainTextAsync("燃气费缴纳方式");
                if (size == "phone" && !large)
                {
                    await ScreenshotAsync(page, "citizen-phone");
                }
                if (size == "desktop" && large)
                {
                    await ScreenshotAsync(page, "citizen-large-text");
                }
                failures.AddRange(await AuditAsync(page, $"/citizen ({mode})"));

                await page.GotoAsync($"/citizen/track?code={code}");
                await page.GetByLabel("联系电话").FillAsync(Phone);
                await page.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync();
                await Expect(page.GetByTestId("track-reply")).ToBeVisibleAsync();
                failures.AddRange(await AuditAsync(page, $"/citizen/track ({mode})"));

                await page.GotoAsync($"/citizen/rate/{token}");
                await Expect(page.GetByRole(AriaRole.Button, new() { Name = "提交评价" })).ToBeVisibleAsync();
                await page.GetByRole(AriaRole.Button, new() { Name = "补充分项评价（选填）" }).ClickAsync();
                failures.AddRange(await AuditAsync(page, $"/citizen/rate ({mode})"));

                // A validation error shown is a state of the page too.
                await page.GetByRole(AriaRole.Button, new() { Name = "提交评价" }).ClickAsync();
                await Expect(page.GetByText("请选择一个满意度")).ToBeVisibleAsync();
                failures.AddRange(await AuditAsync(page, $"/citizen/rate with an error ({mode})"));
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>axe-core's serious and critical violations on the page as it is now, and horizontal scrolling; each as a line.</summary>
    private static async Task<List<string>> AuditAsync(IPage page, string where)
    {
        // Colours are judged as they end up: a button fading back from its loading state is not a contrast failure.
        await page.WaitForFunctionAsync(
            "() => document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)");
        // Evaluated through the DevTools protocol rather than added as a <script> tag: the page's Content-Security-Policy
        // (script-src 'self') rightly refuses inline scripts, and the audit must not switch that policy off.
        await page.EvaluateAsync(await File.ReadAllTextAsync(AxeScript));
        if (!await page.EvaluateAsync<bool>("() => typeof axe === 'object'"))
        {
            throw new InvalidOperationException("axe-core did not load into the page.");
        }
        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const result = await axe.run(document, { resultTypes: ['violations'] });
              return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
            }
            """);
        var lines = violations.EnumerateArray().Select(v => $"{where}: {v.GetString()}").ToList();
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        if (widths[0] > widths[1])
        {
            lines.Add($"{where}: scrolls sideways (scrollWidth {widths[0]} > innerWidth {widths[1]})");
        }
        return lines;
    }

    /// <summary>Presses Tab until the element matching <paramref name="selector"/> has focus (at most 40 times).</summary>
    private static async Task TabToAsync(IPage page, string selector)
    {
        for (var i = 0; i < 40; i++)
        {
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector))
            {
                return;
            }
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"Tab never reached {selector}.");
    }

    private async Task PublishArticleAsync(string title, string body)
    {
        var admin = await Host.SignInAsync("admin");
        var created = await admin.PostAsJsonAsync("/api/knowledge/articles", new { title, body });
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!.Str("id");
        await admin.PostOkAsync($"/api/knowledge/articles/{id}/status", new { status = "Published", version = 1 });
    }

    /// <summary>A citizen's request taken through dispatch, sign and reply by the housing department: (id, trackingCode).</summary>
    private async Task<(Guid Id, string TrackingCode)> RepliedTicketAsync()
    {
        var receipt = await Host.Anonymous().PostOkAsync("/api/citizen/tickets",
            new { content = "小区门口道路破损，雨天积水严重，请尽快修复。", phone = Phone, type = "投诉", name = "张三" });
        var id = receipt.Str("id");
        var agent = await Host.SignInAsync("agent");
        var housing = await Host.SignInAsync("housing");
        await CentreData.WaitUntilEngineHandledAsync(Host, id); // a dispatch racing the engine's decision is a 409
        await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
        await housing.PostOkAsync($"/api/tickets/{id}/sign", new { });
        await housing.PostOkAsync($"/api/tickets/{id}/reply", new { reply = "已安排施工队修补路面，预计本周内完成。" });
        return (Guid.Parse(id), receipt.Str("trackingCode"));
    }

    /// <summary>The signed link's token the rating invitation carries (as FeedbackTests obtain it).</summary>
    private async Task<string> RatingTokenAsync(Guid ticketId)
    {
        using var scope = Host.Services.CreateScope();
        var ratings = scope.ServiceProvider.GetRequiredService<RatingService>();
        var invitation = await ratings.InvitationAsync(new TicketId(ticketId), CancellationToken.None);
        Assert.Null(invitation.Error);
        return await ratings.LinkTokenAsync(invitation.Value!, CancellationToken.None);
    }

    private async Task<T> WithRoutingAsync<T>(Func<RoutingDbContext, Task<T>> query)
    {
        using var scope = Host.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<RoutingDbContext>());
    }

    private async Task<T> WithFeedbackAsync<T>(Func<FeedbackDbContext, Task<T>> query)
    {
        using var scope = Host.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<FeedbackDbContext>());
    }
}
