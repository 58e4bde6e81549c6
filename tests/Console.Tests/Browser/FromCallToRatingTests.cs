using Hotline.Console.Tests.Infrastructure;
using Hotline.Feedback.Ratings;
using Hotline.Intake.Voice;
using Hotline.Routing.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hotline.Console.Tests.Browser;

/// <summary>
/// One ticket from the phone call to the citizen's rating, worked by every role in a browser of its own, each page opened once
/// at the start and never reloaded: what one role does reaches the others' open pages live. This is README's promise to a new
/// user ("work a ticket from call to rating across the roles, each in their own browser").
/// </summary>
[Trait("Category", "Browser")]
public sealed class FromCallToRatingTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private const string CallSid = "CA00000000000000000000000000000901";

    protected override IReadOnlyDictionary<string, string> HostSettings => CentreData.CentreSettings;

    [Fact]
    public async Task A_call_is_registered_dispatched_signed_replied_and_rated_badly_and_every_open_page_follows_without_a_reload()
    {
        var agent = await SignedInPageAsync("agent");
        var dispatcher = await SignedInPageAsync("dispatcher");
        await dispatcher.GotoAsync("/dispatch");
        var inbox = await SignedInPageAsync("housing");
        var rectifications = await SignedInPageAsync("housing");
        await rectifications.GotoAsync("/department/rectifications");
        var supervisor = await SignedInPageAsync("supervisor");
        await Expect(supervisor.GetByTestId("stat-ratings")).ToContainTextAsync("0");
        var pages = new[] { agent, dispatcher, inbox, rectifications, supervisor };
        foreach (var page in pages)
        {
            await Expect(page.GetByTestId("live-status")).ToHaveAttributeAsync("data-status", "connected");
            await page.EvaluateAsync("() => { window.__opened = 'once'; }"); // a reload would lose it
        }

        // 话务员: the call rings, the screen pops, the agent registers what the caller says.
        await CentreData.VoiceWebhookAsync(Host, VoiceWebhooks.IncomingPath, CallSid, "+8613812340901");
        await Expect(agent.GetByTestId("screen-pop")).ToBeVisibleAsync();
        await agent.GetByRole(AriaRole.Button, new() { Name = "接听并登记" }).ClickAsync();
        await agent.GetByLabel("诉求内容").FillAsync("幸福小区5号楼电梯停运一周，老人上下楼困难，物业一直不修。");
        await agent.GetByRole(AriaRole.Button, new() { Name = "登记工单" }).ClickAsync();
        var registered = agent.GetByTestId("registered-ticket");
        await Expect(registered).ToContainTextAsync("待派单");
        var staff = await Host.SignInAsync("agent");
        var ticket = (await staff.GetOkAsync("/api/tickets?state=PendingDispatch"))["items"]!.AsArray().Single()!;
        var (id, code) = (ticket.Str("id"), ticket.Str("trackingCode"));

        // 派单员: the ticket came into the open dispatch queue; one department chosen, dispatched.
        var queue = dispatcher.GetByTestId("dispatch-queue");
        await queue.GetByRole(AriaRole.Button, new() { Name = $"查看工单 {code}" }).ClickAsync();
        var drawer = dispatcher.GetByRole(AriaRole.Dialog).Filter(new() { HasText = $"工单 {code}" });
        var department = drawer.GetByLabel("选择承办单位");
        await department.FillAsync("市住房和城乡建设局");
        await department.PressAsync("Enter");
        await drawer.GetByRole(AriaRole.Button, new() { NameRegex = new("^派\\s*单$") }).ClickAsync();
        await Expect(queue.GetByRole(AriaRole.Button, new() { Name = $"查看工单 {code}" })).ToHaveCountAsync(0);

        // 承办单位: the dispatch is in the open inbox; signed, then replied to.
        var row = inbox.Locator($"tr[data-tracking-code='{code}']");
        await Expect(row).ToContainTextAsync("待签收");
        await inbox.GetByRole(AriaRole.Button, new() { Name = $"签收 {code}" }).ClickAsync();
        await Expect(row).ToContainTextAsync("办理中");
        await inbox.GetByRole(AriaRole.Button, new() { Name = $"答复 {code}" }).ClickAsync();
        var reply = inbox.GetByRole(AriaRole.Dialog);
        await reply.GetByLabel("答复内容（将告知市民）").FillAsync("已约谈物业公司，电梯维保单位正在更换曳引机，预计三日内恢复运行。");
        await reply.GetByRole(AriaRole.Button, new() { NameRegex = new("^提\\s*交$") }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);

        // 市民: rates the reply from the invitation's link — 不满意, a bad review.
        var citizen = await NewPageAsync(390, 844);
        await citizen.GotoAsync($"/citizen/rate/{await RatingTokenAsync(id)}");
        await citizen.GetByRole(AriaRole.Radio, new() { Name = "不满意", Exact = true }).First.CheckAsync();
        await citizen.GetByLabel("意见和建议（选填）").FillAsync("电梯还是没修好。");
        await citizen.GetByRole(AriaRole.Button, new() { Name = "提交评价" }).ClickAsync();
        await Expect(citizen.GetByTestId("rated-level")).ToHaveTextAsync("不满意");

        // The bad review opened a rectification record: on the department's open list and in the supervisor's open dashboard.
        await Expect(rectifications.GetByTestId("rectification-list")).ToContainTextAsync(code);
        await Expect(supervisor.GetByTestId("stat-ratings")).ToContainTextAsync("1");
        await Expect(supervisor.GetByTestId("chart-rectifications")).ToContainTextAsync("核实 1");
        await Expect(supervisor.GetByTestId("chart-bad-reviews")).ToContainTextAsync("市住房和城乡建设局");

        foreach (var page in pages)
        {
            Assert.Equal("once", await page.EvaluateAsync<string>("() => window.__opened"));
        }
        var state = await staff.GetOkAsync($"/api/tickets/{id}");
        Assert.Equal("Replied", state.Str("state"));
        Assert.Equal(CallSid, (await staff.GetOkAsync($"/api/tickets/{id}/calls"))[0]!.Str("callSid"));
        await ScreenshotAsync(supervisor, "journey-supervisor-after-rating");
    }

    private async Task<string> RatingTokenAsync(string ticketId)
    {
        using var scope = Host.Services.CreateScope();
        var ratings = scope.ServiceProvider.GetRequiredService<RatingService>();
        var invitation = await ratings.InvitationAsync(new TicketId(Guid.Parse(ticketId)), CancellationToken.None);
        Assert.Null(invitation.Error);
        return await ratings.LinkTokenAsync(invitation.Value!, CancellationToken.None);
    }
}
