using Hotline.Console.Tests.Infrastructure;
using Hotline.Host.Live;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Supervision;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests;

/// <summary>
/// Two real hosts on loopback sharing one PostgreSQL database, as behind a load balancer. PostgreSQL only: an embedded SQLite
/// file serves one host. Waits are bounded, never measured.
/// </summary>
public sealed class ScaleOutTests : IAsyncLifetime
{
    private const string NeedsPostgres = "Several hosts share a PostgreSQL database; the SQLite run has one host per file.";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private TestDatabase _database = null!;

    public async ValueTask InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task TicketCreatedThroughHostA_ReachesAHubClientOnHostB_Once_AndCatchUpOnBAgrees()
    {
        Assert.SkipUnless(_database.IsPostgres, NeedsPostgres);
        await using var a = await TestHost.StartAsync(_database);
        // B delivers no outbox messages: whatever its clients receive can only come from A through the database.
        await using var b = await TestHost.StartAsync(_database, deliverOutbox: false);
        var agentOnB = await b.SignInAsync("agent");
        await using var client = await SignalRJsonClient.ConnectAsync(new Uri(b.Address, LiveConsole.HubPath), b.CookiesOf(agentOnB));
        await client.InvokeAsync("UnwatchTicket", [Guid.Empty], Wait); // the groups are joined once an invocation returns

        var receipt = await a.Anonymous().PostOkAsync("/api/citizen/tickets", new { content = "小区路灯不亮，晚上出行不便。", phone = "13812345678" });
        var id = receipt.Str("id");
        var registered = await client.WaitForAsync(m => Is(m, id, "Registered"), Wait);
        var agentOnA = await a.SignInAsync("agent");
        await agentOnA.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
        var dispatched = await client.WaitForAsync(m => Is(m, id, "Dispatched"), Wait);

        // Pushed once by B (A's own push went to A's connections only), in order, under the sequences the database gave them.
        Assert.Single(client.Received, m => Is(m, id, "Registered"));
        Assert.Single(client.Received, m => Is(m, id, "Dispatched"));
        Assert.True(Sequence(dispatched) > Sequence(registered));
        var caughtUp = await agentOnB.GetOkAsync("/api/console/events?after=0");
        var events = caughtUp["events"]!.AsArray().Select(e => e!).Where(e => e["data"]!["ticketId"]?.GetValue<string>() == id).ToList();
        Assert.Contains(events, e => e["sequence"]!.GetValue<long>() == Sequence(registered) && e["data"]!.Str("kind") == "Registered");
        Assert.Contains(events, e => e["sequence"]!.GetValue<long>() == Sequence(dispatched) && e["data"]!.Str("kind") == "Dispatched");
    }

    [Fact]
    public async Task DeadlinePass_WithBothHostsRunningTheCheck_RunsOnOneHost_AndMarksEachOverdueOnce()
    {
        Assert.SkipUnless(_database.IsPostgres, NeedsPostgres);
        // Friday 2026-02-13 16:00: sign within a working day (the make-up Saturday), reply by 02-24.
        var clock = new TestClock(TestClock.Shanghai(2026, 2, 13, 16));
        var every = new Dictionary<string, string> { ["Hotline:Overdue:Enabled"] = "true", ["Hotline:Overdue:CheckIntervalSeconds"] = "1" };
        await using var a = await TestHost.StartAsync(_database, clock, settings: every);
        await using var b = await TestHost.StartAsync(_database, clock, settings: every);
        OverdueMonitor[] monitors = [a.Get<OverdueMonitor>(), b.Get<OverdueMonitor>()];
        var receipt = await a.Anonymous().PostOkAsync("/api/citizen/tickets", new { content = "咨询社保转移手续。", phone = "13812345678", type = "咨询" });
        var id = new TicketId(Guid.Parse(receipt.Str("id")));
        await (await b.SignInAsync("agent")).PostOkAsync($"/api/tickets/{id.Value}/dispatch", new { leadDepartmentId = "city-housing" });

        // The clock stands still, so after the start-up pass no pass is due, however often the two timers tick.
        await TicksAsync(monitors, 2);
        Assert.Equal(1, monitors.Sum(m => m.PassesRun));

        clock.Set(TestClock.Shanghai(2026, 2, 16, 9));
        await UntilAsync(async () => await CountAsync(a, id, TimelineEventKind.SignOverdue) > 0);
        await TicksAsync(monitors, 3);
        Assert.Equal(2, monitors.Sum(m => m.PassesRun));

        clock.Set(TestClock.Shanghai(2026, 2, 25, 9));
        await UntilAsync(async () => await CountAsync(a, id, TimelineEventKind.ReplyOverdue) > 0);
        await TicksAsync(monitors, 3);
        Assert.Equal(3, monitors.Sum(m => m.PassesRun));
        Assert.Equal(1, await CountAsync(a, id, TimelineEventKind.SignOverdue));
        Assert.Equal(1, await CountAsync(a, id, TimelineEventKind.ReplyOverdue));
    }

    [Fact]
    public async Task Outbox_WithTwoHostsDelivering_DeliversEachMessageOnce()
    {
        Assert.SkipUnless(_database.IsPostgres, NeedsPostgres);
        var onA = new RecordingHandler(TicketEvent.Topic);
        var onB = new RecordingHandler(TicketEvent.Topic);
        await using var a = await TestHost.StartAsync(_database, services: s => s.AddSingleton<IOutboxHandler>(onA));
        await using var b = await TestHost.StartAsync(_database, services: s => s.AddSingleton<IOutboxHandler>(onB));
        var hosts = new[] { a.Anonymous(), b.Anonymous() };
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            hosts[i % 2].PostOkAsync("/api/citizen/tickets", new { content = $"第 {i} 号：小区路灯不亮。", phone = $"1381234{i:D4}" })));

        await UntilAsync(async () => await WithRoutingAsync(a, db => db.Outbox.CountAsync(m => m.Topic == TicketEvent.Topic && m.DeliveredAt == null)) == 0);
        var committed = await WithRoutingAsync(a, db => db.Outbox.Where(m => m.Topic == TicketEvent.Topic).Select(m => m.Id).ToListAsync());
        var received = onA.Received.Concat(onB.Received).Select(m => m.Id).ToList();
        Assert.True(committed.Count >= 20);
        Assert.Equal(committed.Order(), received.Order());
    }

    private static async Task TicksAsync(OverdueMonitor[] monitors, int more)
    {
        var from = monitors.Select(m => m.Ticks).ToArray();
        await UntilAsync(() => Task.FromResult(monitors.Select((m, i) => m.Ticks - from[i]).All(t => t >= more)));
    }

    private static Task<int> CountAsync(TestHost host, TicketId id, TimelineEventKind kind) =>
        WithRoutingAsync(host, db => db.Timeline.CountAsync(e => e.TicketId == id && e.Kind == kind));

    private static async Task<T> WithRoutingAsync<T>(TestHost host, Func<RoutingDbContext, Task<T>> query)
    {
        using var scope = host.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<RoutingDbContext>());
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        using var bound = new CancellationTokenSource(Wait); // a bound on waiting, not a measurement
        while (!await condition())
        {
            await Task.Delay(50, bound.Token);
        }
    }

    private static long Sequence(HubMessage message) => message.Arguments[0].GetProperty("sequence").GetInt64();

    private static string? TicketOf(HubMessage message) =>
        message.Arguments is [var e, ..] && e.GetProperty("data").TryGetProperty("ticketId", out var t) ? t.GetString() : null;

    private static bool Is(HubMessage message, string ticketId, string kind) =>
        message.Target == nameof(IConsoleClient.TicketChanged) && TicketOf(message) == ticketId
        && message.Arguments[0].GetProperty("data").GetProperty("kind").GetString() == kind;
}
