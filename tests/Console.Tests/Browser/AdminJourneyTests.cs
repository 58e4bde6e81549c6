using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Hotline.Console.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hotline.Console.Tests.Browser;

/// <summary>
/// An admin's work in the console: units and the accounts that sign in for them, the dispatch catalogue (and what a stale edit
/// says), next year's holiday notice, and the knowledge base. Each test checks the outcome through the page and, where another
/// part of Hotline depends on it, through the API.
/// </summary>
[Trait("Category", "Browser")]
public sealed class AdminJourneyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    // Ant Design spaces a two-character button label (保 存) in the staff console.
    private static readonly Regex SaveButton = new("^保\\s?存$");

    [Fact]
    public async Task Every_admin_page_shows_its_data_in_Chinese()
    {
        var page = await SignedInPageAsync("admin");
        await page.WaitForURLAsync("**/admin/departments");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "单位管理" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "东湖街道办事处" })).ToContainTextAsync("街道办事处");
        await Expect(page.GetByRole(AriaRole.Tree, new() { Name = "行政区域" })).ToContainTextAsync("城东区");
        await ScreenshotAsync(page, "admin-departments");

        await OpenAsync(page, "派单目录", "/admin/catalogue");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "占道经营" })).ToContainTextAsync("街道级");
        await ScreenshotAsync(page, "admin-catalogue");

        await OpenAsync(page, "办理时限", "/admin/sla");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "投诉" })).ToContainTextAsync("15 个工作日");
        await Expect(page.GetByText("Hotline:Sla:ReturnWorkingDays", new() { Exact = true })).ToBeVisibleAsync();
        await page.GetByLabel("起算日期").FillAsync("2026-09-30");
        await page.GetByLabel("起算日期").PressAsync("Enter");
        await page.GetByLabel("工作日数").FillAsync("15");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new("推\\s*算") }).ClickAsync();
        // 1–7 October are off (国庆) and Saturday 10 October is worked: the example in README.
        await Expect(page.GetByText("期限为 2026-10-27")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "admin-sla");

        await OpenAsync(page, "节假日安排", "/admin/holidays");
        await Expect(page.GetByRole(AriaRole.Tab, new() { Name = "2026 年" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Tabpanel)).ToContainTextAsync("国庆节");
        await ScreenshotAsync(page, "admin-holidays");

        await OpenAsync(page, "知识库管理", "/admin/knowledge");
        await Expect(page.GetByText("暂无知识，请新建或导入")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "admin-knowledge");

        await OpenAsync(page, "人员账号", "/admin/staff");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "housing" })).ToContainTextAsync("市住房和城乡建设局");
        await ScreenshotAsync(page, "admin-staff");

        await OpenAsync(page, "短信模板", "/admin/templates");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "sms.replied" })).ToContainTextAsync("{link}");
        await ScreenshotAsync(page, "admin-templates");

        await OpenAsync(page, "智能派单模型", "/admin/routing");
        await Expect(page.GetByText("尚未训练模型")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "admin-routing");
    }

    [Fact]
    public async Task An_admin_creates_a_department_and_an_account_for_it_and_that_person_signs_in()
    {
        var page = await SignedInPageAsync("admin");
        await page.WaitForURLAsync("**/admin/departments");
        await page.GetByRole(AriaRole.Button, new() { Name = "新增单位" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("单位编码").FillAsync("city-housing");
        await dialog.GetByLabel("单位名称").FillAsync("市民政局");
        await dialog.GetByLabel("电子邮箱").FillAsync("minzheng@demo-city.example");
        await dialog.GetByLabel("职责说明").FillAsync("社会救助、养老服务、婚姻登记、殡葬管理。");
        await dialog.GetByRole(AriaRole.Button, new() { NameRegex = new("保\\s*存") }).ClickAsync();
        // The host's own message, beside the field it is about.
        await Expect(dialog.Locator("#id_help")).ToContainTextAsync("单位编码「city-housing」已存在。");
        await ScreenshotAsync(page, "admin-department-error");

        await dialog.GetByLabel("单位编码").FillAsync("city-civil-affairs");
        await dialog.GetByRole(AriaRole.Button, new() { NameRegex = new("保\\s*存") }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "市民政局" });
        await Expect(row).ToContainTextAsync("city-civil-affairs");
        await Expect(row).ToContainTextAsync("职能部门");

        await OpenAsync(page, "人员账号", "/admin/staff");
        await page.GetByRole(AriaRole.Button, new() { Name = "新增账号" }).ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("用户名").FillAsync("minzheng");
        await dialog.GetByLabel("姓名").FillAsync("民政局赵六");
        await ChooseAsync(page, dialog.GetByLabel("角色"), "承办单位");
        await dialog.GetByLabel("所属单位").FillAsync("市民政局");
        await dialog.GetByLabel("所属单位").PressAsync("Enter");
        await dialog.GetByLabel("初始密码").FillAsync("Minzheng-2026!");
        await dialog.GetByRole(AriaRole.Button, new() { NameRegex = new("创建账号") }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        var account = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "minzheng" });
        await Expect(account).ToContainTextAsync("市民政局");
        await Expect(account).ToContainTextAsync("承办单位");

        var civilAffairs = await SignedInPageAsync("minzheng", "Minzheng-2026!");
        await civilAffairs.WaitForURLAsync("**/department");
        await Expect(civilAffairs.GetByText("民政局赵六（")).ToBeVisibleAsync();
        var me = await civilAffairs.APIRequest.GetAsync("/api/auth/me");
        Assert.Equal("city-civil-affairs", (await me.JsonAsync())?.GetProperty("departmentId").GetString());

        // The new handler forgot the password: the admin resets it, the handler then chooses their own from the header.
        await account.GetByRole(AriaRole.Button, new() { Name = "重置密码 民政局赵六" }).ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("新密码").FillAsync("short");
        await dialog.GetByRole(AriaRole.Button, new() { NameRegex = new("重置密码") }).ClickAsync();
        await Expect(dialog).ToContainTextAsync("密码至少 8 位。");
        await dialog.GetByLabel("新密码").FillAsync("Reset-Minzheng-2026!");
        await dialog.GetByRole(AriaRole.Button, new() { NameRegex = new("重置密码") }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();

        var afterReset = await SignedInPageAsync("minzheng", "Reset-Minzheng-2026!");
        await afterReset.WaitForURLAsync("**/department");
        await afterReset.GetByRole(AriaRole.Button, new() { Name = "修改密码" }).ClickAsync();
        var change = afterReset.GetByRole(AriaRole.Dialog);
        await change.GetByLabel("当前密码").FillAsync("not-the-password");
        await change.GetByLabel("新密码", new() { Exact = true }).FillAsync("Own-Minzheng-2026!");
        await change.GetByLabel("确认新密码").FillAsync("Own-Minzheng-2026!");
        await change.GetByRole(AriaRole.Button, new() { NameRegex = new("确认修改") }).ClickAsync();
        await Expect(change).ToContainTextAsync("当前密码不正确。");
        await change.GetByLabel("当前密码").FillAsync("Reset-Minzheng-2026!");
        await change.GetByRole(AriaRole.Button, new() { NameRegex = new("确认修改") }).ClickAsync();
        await Expect(change).ToBeHiddenAsync();
        var ownPassword = await Host.Anonymous().PostAsJsonAsync("/api/auth/login", new { userName = "minzheng", password = "Own-Minzheng-2026!" });
        Assert.Equal(System.Net.HttpStatusCode.OK, ownPassword.StatusCode);

        // The handler leaves: the admin stops the account, which then cannot sign in.
        await account.GetByRole(AriaRole.Button, new() { Name = "停用 民政局赵六" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new("^停\\s*用$") }).ClickAsync();
        await Expect(account).ToContainTextAsync("已停用");
        var stopped = await Host.Anonymous().PostAsJsonAsync("/api/auth/login", new { userName = "minzheng", password = "Own-Minzheng-2026!" });
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, stopped.StatusCode);
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "admin" }).First.GetByRole(AriaRole.Button, new() { NameRegex = new("^停用") }))
            .ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_catalogue_matter_added_by_an_admin_is_listed_and_a_stale_edit_is_explained_in_Chinese()
    {
        var page = await SignedInPageAsync("admin");
        await OpenAsync(page, "派单目录", "/admin/catalogue");
        await page.GetByRole(AriaRole.Button, new() { Name = "新增事项" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("事项名称").FillAsync("共享单车乱停放");
        await ChooseAsync(page, dialog.GetByLabel("诉求分类"), "城乡建设");
        foreach (var word in new[] { "共享单车", "单车乱停" })
        {
            await dialog.GetByLabel("关键词").FillAsync(word);
            await dialog.GetByLabel("关键词").PressAsync("Enter");
        }
        await dialog.GetByLabel("兜底承办单位（市级）").FillAsync("城市管理");
        await dialog.GetByLabel("兜底承办单位（市级）").PressAsync("Enter");
        await dialog.GetByLabel("职责说明").FillAsync("街道组织清理乱停放的共享单车。");
        await dialog.GetByRole(AriaRole.Button, new() { NameRegex = new("保\\s*存") }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await page.GetByLabel("按事项名称或关键词筛选").FillAsync("单车");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "共享单车乱停放" });
        await Expect(row).ToContainTextAsync("街道级");
        await Expect(row).ToContainTextAsync("兜底：市城市管理局");
        await Expect(row).ToContainTextAsync("第 1 版");

        // The router reads the catalogue: the new matter is what the API now lists for staff.
        var admin = await Host.SignInAsync("admin");
        var entry = (await admin.GetOkAsync("/api/catalogue?q=共享单车")).AsArray().Select(e => e!).First(e => e.Str("name") == "共享单车乱停放");
        Assert.Equal("city-urban-management", entry["department"]!.Str("id"));

        // Someone else saves the matter while this admin has it open.
        await row.GetByRole(AriaRole.Button, new() { Name = "编辑 共享单车乱停放" }).ClickAsync();
        await Expect(dialog).ToContainTextAsync("第 1 版");
        var other = await admin.PutAsJsonAsync($"/api/admin/catalogue/{entry.Str("id")}", new
        {
            name = "共享单车乱停放",
            categoryId = "urban-construction",
            keywords = new[] { "共享单车", "单车乱停", "乱停车" },
            level = "Street",
            departmentId = "city-urban-management",
            remit = "另一位管理员写的职责说明。",
            active = true,
            version = 1,
        });
        other.EnsureSuccessStatusCode();
        await dialog.GetByLabel("职责说明").FillAsync("本人的修改。");
        await dialog.GetByRole(AriaRole.Button, new() { NameRegex = new("保\\s*存") }).ClickAsync();
        var conflict = dialog.GetByRole(AriaRole.Alert).Filter(new() { HasText = "内容已被他人修改" });
        await Expect(conflict).ToContainTextAsync("该事项当前为第 2 版");
        await Expect(conflict).ToContainTextAsync("为避免覆盖他人的修改，本次没有保存");
        await ScreenshotAsync(page, "admin-catalogue-conflict");

        await conflict.GetByRole(AriaRole.Button, new() { Name = "载入最新内容" }).ClickAsync();
        await Expect(dialog.GetByLabel("职责说明")).ToHaveValueAsync("另一位管理员写的职责说明。");
        await Expect(dialog).ToContainTextAsync("已载入最新的第 2 版");
        await dialog.GetByLabel("职责说明").FillAsync("街道组织清理，运营企业限时调运。");
        await dialog.GetByRole(AriaRole.Button, new() { NameRegex = new("保\\s*存") }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(row).ToContainTextAsync("第 3 版");
        var saved = (await admin.GetOkAsync("/api/admin/catalogue")).AsArray().Select(e => e!).Single(e => e.Str("name") == "共享单车乱停放");
        Assert.Equal("街道组织清理，运营企业限时调运。", saved.Str("remit"));
        Assert.Contains("乱停车", saved["keywords"]!.AsArray().Select(k => k!.GetValue<string>()));
    }

    [Fact]
    public async Task Entering_the_2027_holiday_notice_clears_the_missing_year_warning()
    {
        var admin = await Host.SignInAsync("admin");
        var before = await admin.GetAsync("/api/calendar/working-day?date=2027-01-01");
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, before.StatusCode);

        var page = await SignedInPageAsync("admin");
        await OpenAsync(page, "节假日安排", "/admin/holidays");
        var warning = page.GetByTestId("calendar-warning");
        await Expect(warning).ToContainTextAsync("2027 年的节假日安排尚未录入");
        await Expect(page.GetByRole(AriaRole.Tab, new() { NameRegex = new("2027 年.*未录入") })).ToBeVisibleAsync();
        await warning.GetByRole(AriaRole.Button, new() { Name = "录入 2027 年" }).ClickAsync();

        var drawer = page.GetByRole(AriaRole.Dialog);
        await Expect(drawer.GetByLabel("通知名称")).ToHaveValueAsync("国务院办公厅关于2027年部分节假日安排的通知");
        await drawer.GetByLabel("文号").FillAsync("国办发明电〔2026〕12号");
        await drawer.GetByLabel("假期 1 名称").FillAsync("元旦");
        await FillDateAsync(drawer.GetByLabel("假期 1 开始日期"), "2027-01-01");
        await FillDateAsync(drawer.GetByLabel("假期 1 结束日期"), "2027-01-03");
        await drawer.GetByRole(AriaRole.Button, new() { Name = "添加假期" }).ClickAsync();
        await drawer.GetByLabel("假期 2 名称").FillAsync("春节");
        await FillDateAsync(drawer.GetByLabel("假期 2 开始日期"), "2027-02-05");
        await FillDateAsync(drawer.GetByLabel("假期 2 结束日期"), "2027-02-12");
        await drawer.GetByRole(AriaRole.Button, new() { Name = "添加调休上班日" }).ClickAsync();
        // A Friday is refused by the page before anything is sent.
        await FillDateAsync(drawer.GetByLabel("调休上班日 1", new() { Exact = true }), "2027-01-08");
        await drawer.GetByRole(AriaRole.Button, new() { NameRegex = new("保\\s*存") }).ClickAsync();
        await Expect(drawer.GetByText("调休上班日应是周六或周日")).ToBeVisibleAsync();
        await FillDateAsync(drawer.GetByLabel("调休上班日 1", new() { Exact = true }), "2027-01-09");
        await ScreenshotAsync(page, "admin-holidays-editor");
        await drawer.GetByRole(AriaRole.Button, new() { NameRegex = new("保\\s*存") }).ClickAsync();

        await Expect(drawer).ToBeHiddenAsync();
        await Expect(warning).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Tab, new() { Name = "2027 年", Exact = true })).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(page.GetByRole(AriaRole.Tabpanel)).ToContainTextAsync("国办发明电〔2026〕12号");
        await Expect(page.GetByRole(AriaRole.Tabpanel)).ToContainTextAsync("2027-01-09（六）");
        await ScreenshotAsync(page, "admin-holidays-2027");

        // Deadlines now count on the notice: New Year's Day is off, the make-up Saturday is worked.
        Assert.False((await admin.GetOkAsync("/api/calendar/working-day?date=2027-01-01"))["isWorkingDay"]!.GetValue<bool>());
        Assert.True((await admin.GetOkAsync("/api/calendar/working-day?date=2027-01-09"))["isWorkingDay"]!.GetValue<bool>());
        Assert.Null((await admin.GetOkAsync("/api/admin/calendar/status"))["warning"]);
    }

    [Fact]
    public async Task An_article_is_created_published_and_then_found_by_search_and_its_department_edits_only_its_own()
    {
        var page = await SignedInPageAsync("admin");
        await OpenAsync(page, "知识库管理", "/admin/knowledge");
        await page.GetByRole(AriaRole.Button, new() { Name = "新建知识" }).ClickAsync();
        var drawer = page.GetByRole(AriaRole.Dialog);
        await drawer.GetByLabel("标题").FillAsync("居住证办理指南");
        await drawer.GetByLabel("正文").FillAsync("携带身份证、租房合同到所在街道便民服务中心办理居住证，5 个工作日内领证。");
        await drawer.GetByLabel("分类").FillAsync("劳动和社会保障");
        await drawer.GetByLabel("所属单位").FillAsync("住房和城乡");
        await drawer.GetByLabel("所属单位").PressAsync("Enter");
        await drawer.GetByLabel("关键词").FillAsync("居住证,暂住证,办证");
        await FillDateAsync(drawer.GetByLabel("生效日期"), "2026-01-01");
        await FillDateAsync(drawer.GetByLabel("失效日期"), "2025-12-31");
        await drawer.GetByRole(AriaRole.Button, new() { Name = "保存草稿" }).ClickAsync();
        await Expect(drawer.GetByText("失效日期不能早于生效日期")).ToBeVisibleAsync();
        await FillDateAsync(drawer.GetByLabel("失效日期"), "2027-12-31");
        await FillDateAsync(drawer.GetByLabel("复核日期"), "2027-06-30");
        await ScreenshotAsync(page, "admin-knowledge-editor");
        await drawer.GetByRole(AriaRole.Button, new() { Name = "保存草稿" }).ClickAsync();
        await Expect(drawer).ToBeHiddenAsync();

        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "居住证办理指南" });
        await Expect(row).ToContainTextAsync("草稿");
        await Expect(row).ToContainTextAsync("市住房和城乡建设局");
        await row.GetByRole(AriaRole.Button, new() { Name = "发布 居住证办理指南" }).ClickAsync();
        await Expect(row).ToContainTextAsync("已发布");
        await Expect(row).ToContainTextAsync("第 2 版");
        await page.GetByLabel("按状态筛选").GetByText("已发布", new() { Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "居住证办理指南" })).ToBeVisibleAsync();
        // An edit of the published text, then the history: what each save changed, and a new version made from an old one.
        await row.GetByRole(AriaRole.Button, new() { Name = "编辑 居住证办理指南" }).ClickAsync();
        await drawer.GetByLabel("正文").FillAsync("携带身份证、租房合同到所在街道便民服务中心办理居住证，3 个工作日内领证。");
        await drawer.GetByRole(AriaRole.Button, new() { NameRegex = SaveButton }).ClickAsync();
        await Expect(drawer).ToBeHiddenAsync();
        await Expect(row).ToContainTextAsync("第 3 版");
        await row.GetByRole(AriaRole.Button, new() { Name = "历史版本 居住证办理指南" }).ClickAsync();
        var history = page.GetByRole(AriaRole.Dialog).Filter(new() { HasText = "历史版本" });
        await Expect(history.GetByRole(AriaRole.Row).Filter(new() { HasText = "第 2 版" })).ToContainTextAsync("已发布");
        await Expect(history.GetByRole(AriaRole.Row).Filter(new() { HasText = "第 1 版" })).ToContainTextAsync("草稿");
        await history.GetByRole(AriaRole.Row).Filter(new() { HasText = "第 3 版" }).GetByRole(AriaRole.Cell).Nth(1).ClickAsync();
        var third = history.GetByTestId("version-3");
        await Expect(third).ToContainTextAsync("与第 2 版相比");
        await Expect(third.GetByTestId("body-diff").Locator("del")).ToHaveTextAsync("5");
        await Expect(third.GetByTestId("body-diff").Locator("ins")).ToHaveTextAsync("3");
        await history.GetByRole(AriaRole.Row).Filter(new() { HasText = "第 2 版" }).GetByRole(AriaRole.Cell).Nth(1).ClickAsync();
        await Expect(history.GetByTestId("version-2")).ToContainTextAsync("状态：草稿 → 已发布");
        await ScreenshotAsync(page, "admin-knowledge-history");
        await history.GetByRole(AriaRole.Button, new() { Name = "以第 2 版为底稿编辑" }).ClickAsync();
        var restoring = page.GetByRole(AriaRole.Dialog).Filter(new() { HasText = "以第 2 版为底稿编辑" });
        await Expect(restoring.GetByLabel("正文")).ToHaveValueAsync("携带身份证、租房合同到所在街道便民服务中心办理居住证，5 个工作日内领证。");
        await restoring.GetByRole(AriaRole.Button, new() { NameRegex = SaveButton }).ClickAsync();
        await Expect(restoring).ToBeHiddenAsync();
        await Expect(row).ToContainTextAsync("第 4 版");
        await Expect(row).ToContainTextAsync("已发布");
        // The admin rebuilds the search index (after a lost index, say): every article is written again, and still found below.
        await page.GetByRole(AriaRole.Button, new() { Name = "重建检索索引" }).ClickAsync();
        await page.GetByRole(AriaRole.Tooltip).GetByRole(AriaRole.Button, new() { NameRegex = new("^重\\s*建$") }).ClickAsync();
        await Expect(page.GetByText(new System.Text.RegularExpressions.Regex("^已重建检索索引：[1-9][0-9]* 篇知识已重新写入$"))).ToBeVisibleAsync();

        // An agent finds it on the staff knowledge page; citizens through their search API.
        var agent = await SignedInPageAsync("agent");
        await agent.GetByRole(AriaRole.Navigation).First.GetByRole(AriaRole.Link, new() { Name = "知识库", Exact = true }).ClickAsync();
        await agent.GetByLabel("检索词（标题、正文、关键词）").FillAsync("怎么办居住证");
        await Expect(agent.GetByTestId("knowledge-results")).ToContainTextAsync("居住证办理指南");
        await ScreenshotAsync(agent, "agent-knowledge-finds-published-article");
        var citizen = await Host.Anonymous().GetOkAsync("/api/citizen/knowledge/search?q=" + Uri.EscapeDataString("居住证"));
        Assert.Contains("居住证办理指南", citizen.AsArray().Select(h => h!.Str("title")));

        // The housing department's editor manages this article (it is theirs), but not one of another department.
        var admin = await Host.SignInAsync("admin");
        await admin.PostOkAsync("/api/knowledge/articles", new { title = "社保卡补办", body = "到社保经办网点补办。", ownerDepartmentId = "city-hrss" });
        var due = await admin.PostOkAsync("/api/knowledge/articles",
            new { title = "公租房申请条件", body = "家庭人均收入低于标准的可申请。", ownerDepartmentId = "city-housing", reviewBy = "2026-11-01" });
        await admin.PostOkAsync($"/api/knowledge/articles/{due.Str("id")}/status", new { status = "Published", version = 1 });
        var housing = await SignedInPageAsync("housing");
        await OpenAsync(housing, "知识库管理", "/admin/knowledge");
        // Its review date has passed (the host's today is 2026-11-23): the department is told, and one click lists it.
        var reminder = housing.GetByRole(AriaRole.Alert).Filter(new() { HasText = "到了复核日期" });
        await Expect(reminder).ToContainTextAsync("本单位有 1 条已发布的知识");
        await reminder.GetByRole(AriaRole.Button, new() { Name = "查看待复核" }).ClickAsync();
        await Expect(housing.GetByRole(AriaRole.Row).Filter(new() { HasText = "公租房申请条件" })).ToBeVisibleAsync();
        await Expect(housing.GetByRole(AriaRole.Row).Filter(new() { HasText = "居住证办理指南" })).ToHaveCountAsync(0);
        await housing.GetByLabel("按状态筛选").GetByText("全部", new() { Exact = true }).ClickAsync();
        await Expect(housing.GetByRole(AriaRole.Button, new() { Name = "编辑 居住证办理指南" })).ToBeVisibleAsync();
        await Expect(housing.GetByRole(AriaRole.Row).Filter(new() { HasText = "社保卡补办" })).ToHaveCountAsync(0);
        await Expect(housing.GetByRole(AriaRole.Button, new() { Name = "重建检索索引" })).ToHaveCountAsync(0); // admins only
        await housing.GetByLabel("只看本单位的知识").ClickAsync();
        var foreign = housing.GetByRole(AriaRole.Row).Filter(new() { HasText = "社保卡补办" });
        await Expect(foreign).ToContainTextAsync("市人力资源和社会保障局");
        await Expect(foreign.GetByRole(AriaRole.Button, new() { Name = "编辑 社保卡补办" })).ToHaveCountAsync(0);
        await ScreenshotAsync(housing, "department-knowledge");
    }

    [Fact]
    public async Task Catalogue_and_knowledge_files_move_in_and_out_and_a_bad_file_is_refused_line_by_line()
    {
        var page = await SignedInPageAsync("admin");
        await OpenAsync(page, "派单目录", "/admin/catalogue");
        var upload = page.Locator("input[type=file]");
        await upload.SetInputFilesAsync(Jsonl("catalogue-bad.jsonl",
            """{"name":"井盖缺失","categoryId":"urban-construction","keywords":["井盖"],"level":"Street","departmentId":"city-urban-management"}""",
            """{"name":"水表故障","categoryId":"no-such-category","keywords":["水表"],"level":"City","departmentId":"city-water"}"""));
        var refused = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "导入失败，派单目录未作任何修改" });
        await Expect(refused).ToContainTextAsync("第 2 行：分类「no-such-category」不存在");
        await ScreenshotAsync(page, "admin-catalogue-import-error");
        await page.GetByLabel("按事项名称或关键词筛选").FillAsync("井盖");
        await Expect(page.GetByText("没有符合条件的事项")).ToBeVisibleAsync();

        await upload.SetInputFilesAsync(Jsonl("catalogue.jsonl",
            """{"name":"井盖缺失","categoryId":"urban-construction","keywords":["井盖","窨井盖"],"level":"Street","departmentId":"city-urban-management"}""",
            """{"name":"城市供水","categoryId":"urban-construction","keywords":["停水","断水"],"level":"City","departmentId":"city-water","remit":"导入的新职责说明。"}"""));
        await Expect(page.GetByText("导入完成：新增 1 项，更新 1 项。")).ToBeVisibleAsync();
        await Expect(refused).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "井盖缺失" })).ToContainTextAsync("窨井盖");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "导出 JSONL" }).ClickAsync());
        Assert.Equal("catalogue.jsonl", download.SuggestedFilename);
        var exported = await File.ReadAllLinesAsync((await download.PathAsync())!);
        Assert.Equal(23, exported.Length);
        Assert.Contains(exported, line => line.Contains("\"remit\":\"导入的新职责说明。\"", StringComparison.Ordinal));

        await OpenAsync(page, "知识库管理", "/admin/knowledge");
        await page.Locator("input[type=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "articles.csv",
            MimeType = "text/csv",
            Buffer = System.Text.Encoding.UTF8.GetBytes("title,body,category,status\n公积金提取指南,购房、退休可提取住房公积金。,城乡建设,已发布\n,没有标题的一行,,草稿\n"),
        });
        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "导入文件有误，未导入任何知识" })).ToContainTextAsync("第 3 行（title）");
        await page.Locator("input[type=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "articles.csv",
            MimeType = "text/csv",
            Buffer = System.Text.Encoding.UTF8.GetBytes("title,body,category,status\n公积金提取指南,购房、退休可提取住房公积金。,城乡建设,已发布\n"),
        });
        await Expect(page.GetByText("导入完成：新增 1 条，更新 0 条，未变 0 条。")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "公积金提取指南" })).ToContainTextAsync("已发布");

        await page.GetByRole(AriaRole.Button, new() { Name = "导出" }).HoverAsync();
        var csv = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Menuitem, new() { Name = "导出 CSV（Excel 可直接打开）" }).ClickAsync());
        Assert.Equal("knowledge-articles.csv", csv.SuggestedFilename);
        var bytes = await File.ReadAllBytesAsync((await csv.PathAsync())!);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]); // Excel on a Chinese Windows needs the BOM to read UTF-8
        Assert.Contains("公积金提取指南", System.Text.Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public async Task The_admin_trains_the_routing_model_from_an_imported_history_and_rewords_an_SMS_template()
    {
        var page = await SignedInPageAsync("admin");
        await OpenAsync(page, "智能派单模型", "/admin/routing");
        await page.Locator("input[type=file]").SetInputFilesAsync(Jsonl("history.jsonl", SmallHistory.Jsonl().Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        await Expect(page.GetByText("已导入 36 条历史工单")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new("重新训练") }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "开始训练" }).ClickAsync();
        var active = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "使用中" });
        await Expect(active).ToContainTextAsync("36", new() { Timeout = 120_000 });
        await Expect(page.GetByText("尚未训练模型")).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "admin-routing-trained");
        var admin = await Host.SignInAsync("admin");
        var first = (await admin.GetOkAsync("/api/admin/routing/models")).AsArray().Single()!;
        Assert.True(first["active"]!.GetValue<bool>());

        // More history and, an hour later, a second training; then the first version is put back in use from its row (a rollback).
        Host.Clock.Set(TestClock.Shanghai(2026, 11, 23, 10));
        // The file repeats six lines already imported (an export of the whole history): only the six new ones are added.
        var six = SmallHistory.Jsonl().Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(6).ToList();
        await page.Locator("input[type=file]").SetInputFilesAsync(Jsonl("more.jsonl",
            [.. six, .. six.Select(l => l.Replace("{\"text\":\"", "{\"text\":\"又一起：", StringComparison.Ordinal))]));
        await Expect(page.GetByText("已导入 6 条历史工单，6 条此前已导入，未重复导入")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new("重新训练") }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "开始训练" }).ClickAsync();
        await Expect(active).ToContainTextAsync("42", new() { Timeout = 120_000 });
        var shortVersion = first.Str("version")[..12];
        var firstRow = page.Locator($"tr[data-row-key='{first.Str("version")}']"); // the versions table, not the current-model card
        await firstRow.GetByRole(AriaRole.Button, new() { Name = $"启用版本 {shortVersion}" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new("^启\\s*用$") }).ClickAsync();
        await Expect(firstRow).ToContainTextAsync("使用中");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "使用中" })).ToHaveCountAsync(1);
        var second = (await admin.GetOkAsync("/api/admin/routing/models")).AsArray().Single(m => m!.Str("version") != first.Str("version"))!;
        var secondRow = page.Locator($"tr[data-row-key='{second.Str("version")}']");
        await Expect(secondRow).ToContainTextAsync("较新，未启用");
        // Hovering the tag tells why: lower figures than the version in use, or (figures as good) switched off by this rollback.
        var worse = second["macroF1"]!.GetValue<double>() < first["macroF1"]!.GetValue<double>()
            || second["dispatchShare"]!.GetValue<double>() < first["dispatchShare"]!.GetValue<double>();
        await Expect(secondRow.GetByText("较新，未启用")).ToHaveAttributeAsync("title", new Regex(worse ? "^比使用中的版本" : "曾被停用"));
        Assert.Equal(first.Str("version"), (await admin.GetOkAsync("/api/admin/routing/models")).AsArray()
            .Single(m => m!["active"]!.GetValue<bool>())!.Str("version"));

        await OpenAsync(page, "短信模板", "/admin/templates");
        var replied = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "sms.replied" });
        await replied.GetByRole(AriaRole.Button, new() { Name = "修改 答复通知（含查看链接）" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("短信内容").FillAsync("【12345】您的工单 {trackingCode} 已答复。");
        await dialog.GetByRole(AriaRole.Button, new() { NameRegex = new("保\\s*存") }).ClickAsync();
        await Expect(dialog).ToContainTextAsync("须保留占位符 {link}");
        await dialog.GetByLabel("短信内容").FillAsync("【12345】工单 {trackingCode} 已有答复，请点击 {link} 查看。");
        await dialog.GetByRole(AriaRole.Button, new() { NameRegex = new("保\\s*存") }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(replied).ToContainTextAsync("已自定义");
        await Expect(replied).ToContainTextAsync("请点击 {link} 查看");
        var stored = (await admin.GetOkAsync("/api/admin/templates")).AsArray().Single(t => t!.Str("key") == "sms.replied")!;
        Assert.Equal("【12345】工单 {trackingCode} 已有答复，请点击 {link} 查看。", stored.Str("text"));

        await replied.GetByRole(AriaRole.Button, new() { Name = "恢复默认 答复通知（含查看链接）" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "恢复默认", Exact = true }).ClickAsync();
        await Expect(replied).ToContainTextAsync("默认");
        await Expect(replied).ToContainTextAsync("详情请查看");
    }

    private static FilePayload Jsonl(string name, params string[] lines) => new()
    {
        Name = name,
        MimeType = "application/x-ndjson",
        Buffer = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"),
    };

    /// <summary>Follows a navigation link, as a person would, and waits for the page.</summary>
    private static async Task OpenAsync(IPage page, string label, string path)
    {
        await page.GetByRole(AriaRole.Navigation).First.GetByRole(AriaRole.Link, new() { Name = label, Exact = true }).ClickAsync();
        await page.WaitForURLAsync($"**{path}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = label, Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>Opens an antd select and picks the option with this text.</summary>
    private static async Task ChooseAsync(IPage page, ILocator select, string option)
    {
        await select.ClickAsync();
        await page.Locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option").Filter(new() { HasText = option }).First.ClickAsync();
    }

    /// <summary>Types a date into an antd date picker and confirms it with Enter, as a keyboard user does.</summary>
    private static async Task FillDateAsync(ILocator input, string date)
    {
        await input.ClickAsync();
        await input.FillAsync(date);
        await input.PressAsync("Enter");
        await Expect(input).ToHaveValueAsync(date);
    }
}
