using System.ComponentModel.DataAnnotations;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Routing.Supervision;

public sealed class OverdueOptions
{
    public bool Enabled { get; set; } = true;

    [Range(1, 3_600)]
    public int CheckIntervalSeconds { get; set; } = 60;
}

/// <summary>
/// Finds tickets whose sign or reply deadline has passed and records it once on each ticket's timeline (which in turn reaches
/// supervisors and the department through the outbox).
/// </summary>
public sealed class OverdueMonitor(
    IServiceScopeFactory scopes, IClock clock, IOptions<OverdueOptions> options, ILogger<OverdueMonitor> logger,
    BackgroundClaims claims) : PeriodicCheck(logger, claims)
{
    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Interval => TimeSpan.FromSeconds(options.Value.CheckIntervalSeconds);

    protected override Task RunPassAsync(CancellationToken ct) => CheckOnceAsync(ct);

    /// <summary>One pass over all open tickets with a missed, unmarked deadline. Returns the number of marks written.</summary>
    public async Task<int> CheckOnceAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var workflow = scope.ServiceProvider.GetRequiredService<TicketWorkflow>();
        var now = clock.GetCurrentInstant();
        var due = await db.Tickets.AsNoTracking()
            .Where(t => (t.State == TicketState.Dispatched && !t.SignOverdueMarked && t.SignDueAt < now)
                || ((t.State == TicketState.Dispatched || t.State == TicketState.Signed || t.State == TicketState.ReturnRequested)
                    && !t.ReplyOverdueMarked && t.ReplyDueAt < now))
            .Select(t => t.Id)
            .ToListAsync(ct);
        var marks = 0;
        foreach (var id in due)
        {
            marks += await workflow.MarkOverdueAsync(id, ct);
        }
        return marks;
    }

}
