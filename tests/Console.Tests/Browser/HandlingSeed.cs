using System.Net;
using System.Net.Http.Json;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Feedback.Ratings;
using Hotline.Routing.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Hotline.Console.Tests.Browser;

/// <summary>
/// Tickets put where a department or supervisor test needs them, through the same API calls people make (and ratings through
/// <see cref="RatingService"/>, as a citizen's SMS reply would): the pages under test then show what the host really holds.
/// </summary>
public sealed class HandlingSeed(TestHost host)
{
    private HttpClient? _agent;
    private HttpClient? _housing;

    public async Task<HttpClient> AgentAsync() => _agent ??= await host.SignInAsync("agent");

    public async Task<HttpClient> HousingAsync() => _housing ??= await host.SignInAsync("housing");

    /// <summary>A citizen's request from the web form; returns (id, trackingCode).</summary>
    public async Task<(string Id, string Code)> SubmitAsync(string content, string phone, string type = "投诉")
    {
        var receipt = await host.Anonymous().PostOkAsync("/api/citizen/tickets", new { content, phone, type, name = "张三" });
        return (receipt.Str("id"), receipt.Str("trackingCode"));
    }

    /// <summary>A request dispatched by the agent to a department (city-housing unless given another), with any co-handlers.</summary>
    public async Task<(string Id, string Code)> DispatchedAsync(string content, string phone, string type = "投诉", string department = "city-housing",
        string[]? coHandlers = null)
    {
        var ticket = await SubmitAsync(content, phone, type);
        var agent = await AgentAsync();
        // The engine looks at every new ticket in the background; a dispatch sent while it commits a decision is refused as a
        // concurrent change (409, as it would be for a person), which failed a CI run once. The untrained demo engine only
        // suggests, so the ticket is still waiting for the agent afterwards.
        await CentreData.WaitUntilEngineHandledAsync(host, ticket.Id);
        await agent.PostOkAsync($"/api/tickets/{ticket.Id}/dispatch",
            new { leadDepartmentId = department, coHandlerDepartmentIds = coHandlers ?? [], categoryId = "urban-construction" });
        return ticket;
    }

    /// <summary>Dispatched, signed and replied to by the department's handler.</summary>
    public async Task<(string Id, string Code)> RepliedAsync(string content, string phone, string type = "投诉", string department = "city-housing",
        HttpClient? handler = null)
    {
        var ticket = await DispatchedAsync(content, phone, type, department);
        handler ??= await HousingAsync();
        await handler.PostOkAsync($"/api/tickets/{ticket.Id}/sign", new { });
        await handler.PostOkAsync($"/api/tickets/{ticket.Id}/reply", new { reply = "已派人处理，问题已解决。" });
        return ticket;
    }

    /// <summary>The citizen rates the reply by SMS (level 1–5); a bad review opens its rectification. Returns the receipt.</summary>
    public async Task<RatingReceipt> RateAsync(string ticketId, string phone, int level)
    {
        using var scope = host.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<RatingService>().SubmitAsync(new TicketId(Guid.Parse(ticketId)),
            new RatingInput(level), new Rater.ByPhone("+86" + phone, RatingChannel.Sms), CancellationToken.None);
        Assert.Null(result.Error);
        return result.Value!;
    }

    /// <summary>
    /// Gives the page the host's (test) clock, running on from there, and reloads it: countdowns are computed in the browser, and
    /// a browser on the machine's real date would count towards deadlines the host's fixed date has not reached (or long passed).
    /// </summary>
    public async Task FollowHostClockAsync(IPage page)
    {
        await page.Context.Clock.InstallAsync(new() { TimeString = host.Clock.GetCurrentInstant().ToString() });
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("live-status")).ToHaveAttributeAsync("data-status", "connected");
    }

    /// <summary>Moves the page's clock to the host's after a test advanced the host's.</summary>
    public Task CatchUpWithHostClockAsync(IPage page) => page.Context.Clock.SetSystemTimeAsync(host.Clock.GetCurrentInstant().ToString());

    /// <summary>A handler account for another department, made by the admin.</summary>
    public async Task<HttpClient> DepartmentHandlerAsync(string userName, string department)
    {
        var admin = await host.SignInAsync("admin");
        var response = await admin.PostAsJsonAsync("/api/admin/staff", new
        {
            userName,
            displayName = "测试承办人",
            role = "department",
            departmentId = department,
            password = TestHost.DemoPassword,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await host.SignInAsync(userName);
    }
}
