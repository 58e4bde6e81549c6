using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests.Infrastructure;

/// <summary>Each test gets its own database and its own running host: no test sees another's data.</summary>
public abstract class HostTest : IAsyncLifetime
{
    protected TestDatabase Database { get; private set; } = null!;
    protected TestHost Host { get; private set; } = null!;

    protected virtual TestClock? StartClock => null;

    /// <summary>Settings for this class's hosts, applied after the test defaults (e.g. low rate limits, small upload limits).</summary>
    protected virtual IReadOnlyDictionary<string, string>? Settings => null;

    public async ValueTask InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        // Outbox delivery stays off: what these tests check is the request's own transaction, and background handlers writing
        // their own rows would race with "nothing was written" assertions. Delivery has its own tests (Outbox, Sms, Email).
        Host = await TestHost.StartAsync(Database, StartClock, deliverOutbox: false, settings: Settings);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Database.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Submits a request as a citizen would through the web form; returns (id, trackingCode).</summary>
    protected async Task<(string Id, string TrackingCode)> SubmitAsync(string content = "小区门口道路破损，雨天积水严重，请尽快修复。",
        string phone = "13812345678", string type = "投诉", bool anonymous = false, string? name = "张三")
    {
        var receipt = await Host.Anonymous().PostOkAsync("/api/citizen/tickets", new { content, phone, type, anonymous, name });
        return (receipt.Str("id"), receipt.Str("trackingCode"));
    }

    /// <summary>A submitted ticket taken through dispatch, sign and reply by the housing department.</summary>
    protected async Task<(string Id, HttpClient Agent, HttpClient Housing)> RepliedTicketAsync()
    {
        var (id, _) = await SubmitAsync();
        var agent = await Host.SignInAsync("agent");
        var housing = await Host.SignInAsync("housing");
        await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
        await housing.PostOkAsync($"/api/tickets/{id}/sign", new { });
        await housing.PostOkAsync($"/api/tickets/{id}/reply", new { reply = "已处理。" });
        return (id, agent, housing);
    }

    protected async Task<JsonNode[]> TimelineAsync(HttpClient client, string id) =>
        [.. (await client.GetOkAsync($"/api/tickets/{id}/timeline")).AsArray().Select(n => n!)];

    protected static string[] Kinds(JsonNode[] timeline) => [.. timeline.Select(e => e.Str("kind"))];

    /// <summary>Counts rows straight from the database, to prove that a refused request wrote nothing.</summary>
    protected async Task<(int Tickets, int Timeline, int Outbox)> CountRowsAsync()
    {
        using var scope = Host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        return (await db.Tickets.CountAsync(), await db.Timeline.CountAsync(), await db.Outbox.CountAsync());
    }

    protected async Task<HttpClient> CreateDepartmentHandlerAsync(string userName, string department)
    {
        var admin = await Host.SignInAsync("admin");
        var response = await admin.PostAsJsonAsync("/api/admin/staff", new
        {
            userName,
            displayName = "测试人员",
            role = "department",
            departmentId = department,
            password = TestHost.DemoPassword,
        });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await Host.SignInAsync(userName);
    }
}
