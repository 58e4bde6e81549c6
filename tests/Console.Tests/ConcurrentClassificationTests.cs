using Hotline.Console.Tests.Infrastructure;
using Hotline.Routing.Cases;
using Hotline.Routing.Engine;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests;

/// <summary>
/// Two hosts classifying the same new ticket: an advice slower than the outbox's claim on the message (a slow LLM) lets a
/// second host take the message while the first still works on it. Both pass the "already classified?" check before either
/// saves; the ticket must still carry one classification. Played here by two engines in one host, whose advisor holds them
/// so that the second saves after the first.
/// </summary>
public sealed class ConcurrentClassificationTests : IAsyncLifetime
{
    private readonly BothAskFirst _advisor = new();
    private TestDatabase _database = null!;
    private TestHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _host = await TestHost.StartAsync(_database, deliverOutbox: false, services: s => s.AddSingleton<IRoutingAdvisor>(_advisor));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task TwoEnginesClassifyingOneTicket_TheSecondSavingAfterTheFirst_LeaveOneClassification()
    {
        var agent = await _host.SignInAsync("agent");
        // No model: the catalogue's 夜间施工噪音 decides, and nothing is dispatched, so the ticket stays open to a second decision.
        var id = new TicketId(Guid.Parse((await agent.PostOkAsync("/api/tickets",
            new { content = "工地夜间施工噪音太大，吵得睡不着", phone = "13812345678" })).Str("id")));

        async Task ClassifyAsync()
        {
            using var scope = _host.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<RoutingEngine>().ClassifyNewTicketAsync(id, TestContext.Current.CancellationToken);
        }
        // The second engine asks while the first waits for it, and goes on only once the first has saved its decision: it then
        // loads the ticket after that save, so the ticket's version cannot catch it; only a check at the save can.
        var first = Task.Run(ClassifyAsync);
        var second = Task.Run(ClassifyAsync);
        await first.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        _advisor.FirstSaved.SetResult();
        await second.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.Equal(2, _advisor.Asked); // both got past the first check: the race happened
        using var check = _host.Services.CreateScope();
        var db = check.ServiceProvider.GetRequiredService<RoutingDbContext>();
        Assert.Equal(1, await db.Timeline.CountAsync(e => e.TicketId == id && e.Kind == TimelineEventKind.Classified));
    }

    /// <summary>
    /// Answers nothing. The first engine to ask waits until a second has asked, so both are past their first check; the second
    /// waits until the test says the first has saved.
    /// </summary>
    private sealed class BothAskFirst : IRoutingAdvisor
    {
        private readonly TaskCompletionSource _both = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _asked;

        public TaskCompletionSource FirstSaved { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Asked => _asked;

        public string Name => "slow-llm";

        public async Task<AdvisorOpinion?> AdviseAsync(RoutingQuestion question, EnsembleDecision draft, IReadOnlyList<SimilarCase> similarCases,
            CancellationToken ct)
        {
            if (Interlocked.Increment(ref _asked) == 1)
            {
                await _both.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
            }
            else
            {
                _both.SetResult();
                await FirstSaved.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
            }
            return null;
        }
    }
}
