using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hotline.Console.Tests.Browser;

[Trait("Category", "Browser")]
public sealed class ShellTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task A_wrong_password_is_refused_in_Chinese_and_the_right_one_opens_the_roles_home()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/agent");
        await page.WaitForURLAsync("**/login?next=%2Fagent");
        await page.GetByLabel("用户名").FillAsync("agent");
        await page.GetByLabel("密码").FillAsync("wrong-password");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new("登\\s*录") }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("用户名或密码错误");
        await ScreenshotAsync(page, "login-error");

        await page.GetByLabel("密码").FillAsync(Infrastructure.TestHost.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new("登\\s*录") }).ClickAsync();
        await page.WaitForURLAsync("**/agent");
        await Expect(page.GetByTestId("live-status")).ToHaveAttributeAsync("data-status", "connected");
        await Expect(page.GetByRole(AriaRole.Navigation).First).ToContainTextAsync("话务工作台");
    }

    [Fact]
    public async Task Each_role_sees_only_its_own_pages_in_the_navigation()
    {
        var department = await SignedInPageAsync("housing");
        var nav = department.GetByRole(AriaRole.Navigation).First;
        await Expect(nav).ToContainTextAsync("承办工单");
        await Expect(nav).Not.ToContainTextAsync("人员账号");
        await Expect(nav).Not.ToContainTextAsync("话务工作台");

        var admin = await SignedInPageAsync("admin");
        await Expect(admin.GetByRole(AriaRole.Navigation).First).ToContainTextAsync("人员账号");
    }
}
