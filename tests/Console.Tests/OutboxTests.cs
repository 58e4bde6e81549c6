using Hotline.Console.Tests.Infrastructure;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Hotline.Console.Tests;

/// <summary>Timeline entries reach other modules after commit, at least once, and survive a crash.</summary>
public sealed class OutboxTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async ValueTask InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task EntryCommittedBeforeACrash_IsDeliveredAfterRestart_ExactlyOnce()
    {
        string ticketId;
        // First life: the host commits changes but dies before delivering anything (delivery off stands in for the crash).
        await using (var first = await TestHost.StartAsync(_database, deliverOutbox: false))
        {
            var receipt = await first.Anonymous().PostOkAsync("/api/citizen/tickets", new { content = "路灯不亮", phone = "13812345678" });
            ticketId = receipt.Str("id");
            var agent = await first.SignInAsync("agent");
            await agent.PostOkAsync($"/api/tickets/{ticketId}/dispatch", new { leadDepartmentId = "city-housing" });
        }

        // Second life on the same database, with a subscriber listening.
        var recorder = new RecordingHandler(TicketEvent.Topic);
        await using var second = await TestHost.StartAsync(_database, services: s => s.AddSingleton<IOutboxHandler>(recorder));
        await WaitUntilAsync(() => recorder.Received.Count >= 2);
        await second.Get<OutboxDispatcher>().DeliverPendingAsync(CancellationToken.None);

        var events = recorder.Received.Select(m => OutboxWriter.Read<TicketEvent>(m)).ToList();
        Assert.Equal(["Registered", "Dispatched"], events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal(ticketId, e.TicketId.ToString()));
        Assert.Equal("city-housing", events[1].LeadDepartmentId);
        Assert.Equal(2, recorder.Received.Select(m => m.Id).Distinct().Count());

        using var scope = second.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        // Every committed timeline entry is delivered (other handlers may meanwhile have queued their own messages, e.g. e-mails).
        Assert.Equal(0, await db.Outbox.CountAsync(m => m.Topic == TicketEvent.Topic && m.DeliveredAt == null));
    }

    [Fact]
    public async Task MessageClaimedByAHostThatDied_IsTakenOverWhenTheClaimExpires()
    {
        var recorder = new RecordingHandler(TicketEvent.Topic);
        await using var host = await TestHost.StartAsync(_database, deliverOutbox: false, services: s => s.AddSingleton<IOutboxHandler>(recorder));
        await host.Anonymous().PostOkAsync("/api/citizen/tickets", new { content = "路灯不亮", phone = "13812345678" });
        using (var scope = host.Services.CreateScope())
        {
            // Another host claimed the message and died before recording anything.
            var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
            var message = await db.Outbox.SingleAsync();
            message.ClaimedBy = "dead-host";
            message.ClaimedUntil = host.Clock.GetCurrentInstant().Plus(Duration.FromSeconds(60));
            await db.SaveChangesAsync();
        }
        var dispatcher = host.Get<OutboxDispatcher>();
        Assert.Equal(0, await dispatcher.DeliverPendingAsync(CancellationToken.None));
        Assert.Empty(recorder.Received);
        host.Clock.Advance(Duration.FromSeconds(61));
        Assert.Equal(1, await dispatcher.DeliverPendingAsync(CancellationToken.None));
        Assert.Single(recorder.Received);
        Assert.Equal(0, await dispatcher.DeliverPendingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task FailingHandler_IsRetriedWithBackoff_WithoutRepeatingTheOnesThatSucceeded()
    {
        var recorder = new RecordingHandler(TicketEvent.Topic);
        var flaky = new FlakyHandler(TicketEvent.Topic, failures: 1);
        await using var host = await TestHost.StartAsync(_database, deliverOutbox: false, services: s =>
        {
            s.AddSingleton<IOutboxHandler>(recorder);
            s.AddSingleton<IOutboxHandler>(flaky);
        });
        // Words no catalogue matter names: without a model the engine then records no decision, so the registration is the only
        // message (a catalogue match would add a Classified event of its own).
        await host.Anonymous().PostOkAsync("/api/citizen/tickets", new { content = "路灯不亮", phone = "13812345678" });
        var dispatcher = host.Get<OutboxDispatcher>();

        await dispatcher.DeliverPendingAsync(CancellationToken.None);
        Assert.Single(recorder.Received);
        Assert.Equal(1, flaky.Calls);

        // Not due again until the backoff has passed.
        Assert.Equal(0, await dispatcher.DeliverPendingAsync(CancellationToken.None));
        host.Clock.Advance(Duration.FromMinutes(1));
        Assert.Equal(1, await dispatcher.DeliverPendingAsync(CancellationToken.None));
        Assert.Equal(2, flaky.Calls);
        Assert.Single(recorder.Received);

        using var scope = host.Services.CreateScope();
        var message = await scope.ServiceProvider.GetRequiredService<RoutingDbContext>().Outbox.SingleAsync();
        Assert.NotNull(message.DeliveredAt);
        Assert.Equal(1, message.Attempts);
        Assert.Contains("flaky", message.LastError);
    }

    [Fact]
    public async Task TimelineRows_CannotBeEditedOrDeleted_EvenWithRawSql()
    {
        await using var host = await TestHost.StartAsync(_database);
        await host.Anonymous().PostOkAsync("/api/citizen/tickets", new { content = "路灯不亮", phone = "13812345678" });
        using var scope = host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("UPDATE \"TicketTimeline\" SET \"Note\" = 'rewritten'"));
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM \"TicketTimeline\""));
        Assert.Equal(1, await db.Timeline.CountAsync(e => e.Note == null));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50);
        }
        Assert.True(condition(), "the condition did not hold within 10 seconds");
    }

    private sealed class FlakyHandler(string topic, int failures) : IOutboxHandler
    {
        private int _calls;

        public int Calls => _calls;
        public string Name => "flaky";
        public string Topic => topic;

        public Task HandleAsync(OutboxMessage message, CancellationToken ct) =>
            Interlocked.Increment(ref _calls) <= failures
                ? throw new InvalidOperationException("flaky handler failed on purpose")
                : Task.CompletedTask;
    }
}
