using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Feedback.Ratings;
using Hotline.Host.Live;
using Hotline.Routing.Outbox;
using Hotline.Routing.Tickets;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests;

/// <summary>
/// The live console's hub on a real Kestrel, through a raw WebSocket client of the JSON hub protocol. The outbox is delivered
/// explicitly (as the host's dispatcher would), so each test decides when events go out; waits are bounded, never measured.
/// </summary>
public sealed class LiveConsoleTests : HostTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Dispatch_ReachesTheLeadDepartment_AndNoOtherDepartment()
    {
        var agent = await Host.SignInAsync("agent");
        await using var housing = await ConnectAsync(await Host.SignInAsync("housing"));
        await using var environment = await ConnectAsync(await CreateDepartmentHandlerAsync("env-handler", "city-environment"));

        var (housingTicket, _) = await SubmitAsync();
        await agent.PostOkAsync($"/api/tickets/{housingTicket}/dispatch", new { leadDepartmentId = "city-housing" });
        await DeliverAsync();
        var dispatched = await housing.WaitForAsync(m => Is(m, "TicketChanged", housingTicket, "Dispatched"), Wait);
        Assert.Equal("city-housing", Data(dispatched).GetProperty("leadDepartmentId").GetString());

        // A later event the other department does get: it arrives after the first on every connection it was sent to.
        var (environmentTicket, _) = await SubmitAsync("工地夜间施工噪音扰民。");
        await agent.PostOkAsync($"/api/tickets/{environmentTicket}/dispatch", new { leadDepartmentId = "city-environment" });
        await DeliverAsync();
        var own = await environment.WaitForAsync(m => Is(m, "TicketChanged", environmentTicket, "Dispatched"), Wait);
        Assert.True(Sequence(own) > Sequence(dispatched));
        Assert.DoesNotContain(environment.Received, m => TicketOf(m) == housingTicket);
        Assert.DoesNotContain(housing.Received, m => TicketOf(m) == environmentTicket);
    }

    [Fact]
    public async Task TicketWatcher_GetsSignAndReply_ThatItsRoleAloneWouldNotGet()
    {
        var (id, _) = await SubmitAsync();
        var agent = await Host.SignInAsync("agent");
        var housing = await Host.SignInAsync("housing");
        await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
        await DeliverAsync(); // the registration and dispatch, which dispatchers see by role, go out before they connect
        var dispatcher = await Host.SignInAsync("dispatcher");
        await using var watcher = await ConnectAsync(dispatcher);
        await using var bystander = await ConnectAsync(dispatcher);
        await watcher.InvokeAsync("WatchTicket", [Guid.Parse(id)], Wait);

        await housing.PostOkAsync($"/api/tickets/{id}/sign", new { });
        await housing.PostOkAsync($"/api/tickets/{id}/reply", new { reply = "已安排维修。" });
        var (later, _) = await SubmitAsync("路灯不亮。");
        await DeliverAsync();

        var signed = await watcher.WaitForAsync(m => Is(m, "TicketChanged", id, "Signed"), Wait);
        var replied = await watcher.WaitForAsync(m => Is(m, "TicketChanged", id, "Replied"), Wait);
        Assert.True(Sequence(replied) > Sequence(signed));
        await bystander.WaitForAsync(m => Is(m, "TicketChanged", later, "Registered"), Wait);
        Assert.DoesNotContain(bystander.Received, m => TicketOf(m) == id);
    }

    [Fact]
    public async Task Department_CannotWatchAnotherDepartmentsTicket()
    {
        var (id, _) = await SubmitAsync();
        var agent = await Host.SignInAsync("agent");
        await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
        await using var environment = await ConnectAsync(await CreateDepartmentHandlerAsync("env-handler", "city-environment"));
        await using var housing = await ConnectAsync(await Host.SignInAsync("housing"));

        var refused = await Assert.ThrowsAsync<HubInvocationException>(() => environment.InvokeAsync("WatchTicket", [Guid.Parse(id)], Wait));
        var unknown = await Assert.ThrowsAsync<HubInvocationException>(() => environment.InvokeAsync("WatchTicket", [Guid.CreateVersion7()], Wait));
        Assert.Equal(unknown.Message, refused.Message); // the same answer as for a ticket that does not exist
        Assert.True(Api.IsChinese(refused.Message), refused.Message);
        await housing.InvokeAsync("WatchTicket", [Guid.Parse(id)], Wait);

        var supervisor = await Host.SignInAsync("supervisor");
        await supervisor.PostOkAsync($"/api/tickets/{id}/urge", new { message = "请加快办理。" });
        await DeliverAsync();
        await housing.WaitForAsync(m => Is(m, "TicketChanged", id, "Urged"), Wait);
        Assert.DoesNotContain(environment.Received, m => TicketOf(m) == id);
    }

    [Fact]
    public async Task CatchUp_AfterADisconnect_ReturnsExactlyTheMissedEventsInOrder()
    {
        var (id, _) = await SubmitAsync();
        var agent = await Host.SignInAsync("agent");
        var housing = await Host.SignInAsync("housing");
        await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
        long lastSeen;
        await using (var connection = await ConnectAsync(housing))
        {
            await DeliverAsync();
            lastSeen = Sequence(await connection.WaitForAsync(m => Is(m, "TicketChanged", id, "Dispatched"), Wait));
        }

        // While away: two events of its own ticket, and events of another department's ticket it must not see.
        await housing.PostOkAsync($"/api/tickets/{id}/sign", new { });
        var (other, _) = await SubmitAsync("工地夜间施工噪音扰民。");
        await agent.PostOkAsync($"/api/tickets/{other}/dispatch", new { leadDepartmentId = "city-environment" });
        await housing.PostOkAsync($"/api/tickets/{id}/reply", new { reply = "已安排维修。" });
        await DeliverAsync();

        var answer = await housing.GetOkAsync($"/api/console/events?after={lastSeen}");
        var events = answer["events"]!.AsArray().Select(e => e!).ToList();
        Assert.Equal(["Signed", "Replied"], events.Select(e => e["data"]!["kind"]!.GetValue<string>()));
        Assert.All(events, e => Assert.Equal("TicketChanged", e.Str("method")));
        Assert.All(events, e => Assert.Equal(id, e["data"]!["ticketId"]!.GetValue<string>()));
        var sequences = events.Select(e => e["sequence"]!.GetValue<long>()).ToList();
        Assert.True(sequences[0] > lastSeen && sequences[1] > sequences[0], string.Join(",", sequences));
        Assert.False(answer["reset"]!.GetValue<bool>());
        Assert.False(answer["more"]!.GetValue<bool>());
        Assert.True(answer["latest"]!.GetValue<long>() >= sequences[1]);

        // Nothing more after the last one; and an agent's catch-up from the same point holds the other ticket's dispatch.
        Assert.Empty((await housing.GetOkAsync($"/api/console/events?after={sequences[1]}"))["events"]!.AsArray());
        var agentEvents = (await agent.GetOkAsync($"/api/console/events?after={lastSeen}"))["events"]!.AsArray();
        Assert.Contains(agentEvents, e => e!["data"]!["ticketId"]!.GetValue<string>() == other);
    }

    [Fact]
    public async Task BadReview_ReachesTheRatedDepartment_WithoutWhoRated()
    {
        var (id, agent, housingClient) = await RepliedTicketAsync();
        await DeliverAsync();
        await using var housing = await ConnectAsync(housingClient);
        await using var environment = await ConnectAsync(await CreateDepartmentHandlerAsync("env-handler", "city-environment"));

        using (var scope = Host.Services.CreateScope())
        {
            var ratings = scope.ServiceProvider.GetRequiredService<RatingService>();
            var invitation = await ratings.InvitationAsync(new TicketId(Guid.Parse(id)), CancellationToken.None);
            var token = await ratings.LinkTokenAsync(invitation.Value!, CancellationToken.None);
            var rated = await Host.Anonymous().PostAsJsonAsync($"/api/citizen/ratings/{token}", new { level = 1, comment = "没有解决。" });
            Assert.Equal(HttpStatusCode.Created, rated.StatusCode);
        }
        var (other, _) = await SubmitAsync("工地夜间施工噪音扰民。");
        await agent.PostOkAsync($"/api/tickets/{other}/dispatch", new { leadDepartmentId = "city-environment" });
        await DeliverAsync();

        // The rating and the rectification it opens both carry the level; they may arrive in either order.
        var rating = await housing.WaitForAsync(m => m.Target == "FeedbackChanged" && TicketOf(m) == id && Data(m).GetProperty("subject").GetString() == "Rating", Wait);
        Assert.Equal(("Rating", 1), (Data(rating).GetProperty("subject").GetString(), Data(rating).GetProperty("level").GetInt32()));
        Assert.Equal(JsonValueKind.Null, Data(rating).GetProperty("actorName").ValueKind);
        await housing.WaitForAsync(m => m.Target == "FeedbackChanged" && TicketOf(m) == id
            && Data(m).GetProperty("kind").GetString() == "RectificationOpened" && Data(m).GetProperty("departmentId").GetString() == "city-housing", Wait);
        Assert.DoesNotContain(housing.Received, m => m.Arguments[0].GetRawText().Contains("13812345678", StringComparison.Ordinal));

        await environment.WaitForAsync(m => Is(m, "TicketChanged", other, "Dispatched"), Wait);
        Assert.DoesNotContain(environment.Received, m => TicketOf(m) == id);
    }

    [Fact]
    public async Task CatchUp_FromBeyondTheNewestEvent_AsksForAReload()
    {
        var housing = await Host.SignInAsync("housing");
        var answer = await housing.GetOkAsync("/api/console/events?after=1000000");
        Assert.True(answer["reset"]!.GetValue<bool>());
        var problem = await (await housing.GetAsync("/api/console/events?after=-1")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(Api.IsChinese(problem.Str("detail")));
    }

    [Fact]
    public async Task WithoutSignIn_TheHubIsRefused()
    {
        var anonymous = Host.Anonymous();
        var negotiate = await Assert.ThrowsAsync<HttpRequestException>(() =>
            SignalRJsonClient.ConnectAsync(HubUrl, Host.CookiesOf(anonymous)));
        Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);

        // Straight to the WebSocket, skipping negotiate (allowed by the protocol): refused at the upgrade.
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() =>
            socket.ConnectAsync(new UriBuilder(HubUrl) { Scheme = "ws" }.Uri, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/console/events?after=0")).StatusCode);
    }

    [Fact]
    public void HubRoles_AreEveryStaffRole() =>
        Assert.Equal(Enum.GetValues<StaffRole>().Select(StaffRoles.NameOf), LiveConsole.StaffRoleList.Split(','));

    [Fact]
    public async Task A_stopped_account_or_a_reset_password_ends_the_accounts_open_connections_at_the_next_check_and_no_one_elses()
    {
        var admin = await Host.SignInAsync("admin");
        await using var leaving = await ConnectAsync(await CreateDepartmentHandlerAsync("leaving", "city-housing"));
        await using var forgetful = await ConnectAsync(await CreateDepartmentHandlerAsync("forgetful", "city-housing"));
        await using var colleague = await ConnectAsync(await Host.SignInAsync("housing"));
        var sessions = Host.Get<LiveSessions>();
        Assert.Equal(0, await sessions.CheckAsync(CancellationToken.None)); // nothing changed: every connection stays

        var staff = (await admin.GetOkAsync("/api/admin/staff")).AsArray();
        string IdOf(string userName) => staff.Single(s => s!.Str("userName") == userName)!.Str("id");
        await admin.PostOkAsync($"/api/admin/staff/{IdOf("leaving")}/disable", new { });
        await admin.PostOkAsync($"/api/admin/staff/{IdOf("forgetful")}/password", new { password = "Forgetful-New-2026!" });
        Assert.False(leaving.Ended.IsCompleted); // open until the check

        Assert.Equal(2, await sessions.CheckAsync(CancellationToken.None));
        await leaving.Ended.WaitAsync(Wait);
        await forgetful.Ended.WaitAsync(Wait);
        await colleague.InvokeAsync("UnwatchTicket", [Guid.Empty], Wait); // still connected
        Assert.False(colleague.Ended.IsCompleted);
        Assert.Equal(0, await sessions.CheckAsync(CancellationToken.None));
    }

    private Uri HubUrl => new(Host.Address, LiveConsole.HubPath);

    /// <summary>Connects as a signed-in client's user; the round trip proves the groups are joined (the hub runs invocations only after OnConnected).</summary>
    private async Task<SignalRJsonClient> ConnectAsync(HttpClient signedIn)
    {
        var connection = await SignalRJsonClient.ConnectAsync(HubUrl, Host.CookiesOf(signedIn));
        await connection.InvokeAsync("UnwatchTicket", [Guid.Empty], Wait);
        return connection;
    }

    private async Task DeliverAsync()
    {
        var dispatcher = Host.Get<OutboxDispatcher>();
        while (await dispatcher.DeliverPendingAsync(CancellationToken.None) > 0)
        {
        }
    }

    private static JsonElement Data(HubMessage message) => message.Arguments[0].GetProperty("data");

    private static long Sequence(HubMessage message) => message.Arguments[0].GetProperty("sequence").GetInt64();

    private static string? TicketOf(HubMessage message) =>
        message.Arguments is [var e, ..] && e.GetProperty("data").TryGetProperty("ticketId", out var t) ? t.GetString() : null;

    private static bool Is(HubMessage message, string target, string ticketId, string kind) =>
        message.Target == target && TicketOf(message) == ticketId && Data(message).GetProperty("kind").GetString() == kind;
}
