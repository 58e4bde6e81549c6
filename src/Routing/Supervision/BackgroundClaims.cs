using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Hotline.Routing.Supervision;

/// <summary>
/// One row per scheduled job (<c>BackgroundLeases</c>): when its next pass is due, and which host is running a pass until when.
/// Every host runs the same timers; the row decides which of them does each pass.
/// </summary>
public sealed class BackgroundLease
{
    public string Name { get; init; } = "";

    /// <summary>The next pass may start at or after this time (set to claim time + interval by the host that claims a pass).</summary>
    public Instant NextRunAt { get; set; }

    /// <summary>The host running a pass now, if any; after <see cref="HeldUntil"/> another host may take over (the holder died).</summary>
    public string? Holder { get; set; }

    public Instant? HeldUntil { get; set; }
}

/// <summary>A pass this host claimed; give it back with <see cref="BackgroundClaims.ReleaseAsync"/>.</summary>
public sealed record BackgroundClaim(string Name, string Holder);

/// <summary>
/// Claims scheduled passes so that, with several hosts on one database, each pass runs on exactly one of them: a conditional
/// UPDATE of the job's lease row that only one host's statement can win (the same technique as the outbox's claims; it works
/// on SQLite and PostgreSQL alike, where <c>FOR UPDATE SKIP LOCKED</c> or advisory locks would be PostgreSQL only). A claim
/// moves the job's next due time (nine tenths of) one interval on, so the hosts' timers, which tick independently, produce one pass per
/// interval between them; and it holds the job until the pass ends, so a long pass never overlaps the next.
/// </summary>
public sealed class BackgroundClaims(IServiceScopeFactory scopes, IClock clock)
{
    /// <summary>This host among those sharing the database (two hosts in one process, as in tests, still differ).</summary>
    public string HostId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// Claims the job's pass if one is due and nobody runs it; null otherwise. <paramref name="longest"/> bounds how long a pass
    /// may hold the job if its host dies mid-pass.
    /// </summary>
    public async Task<BackgroundClaim?> TryClaimAsync(string name, TimeSpan interval, TimeSpan longest, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var now = clock.GetCurrentInstant();
        if (!await db.BackgroundLeases.AnyAsync(l => l.Name == name, ct))
        {
            db.BackgroundLeases.Add(new BackgroundLease { Name = name, NextRunAt = now });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another host created the row at the same moment; the claim below decides between us.
            }
            db.ChangeTracker.Clear();
        }
        // A tenth early: the hosts' timers tick independently, and a tick that comes a little before a full interval since the
        // last pass (on another host) should run the pass, not leave it to the tick after (nearly two intervals later).
        var next = now.Plus(Duration.FromTimeSpan(interval * 0.9));
        var until = now.Plus(Duration.FromTimeSpan(longest));
        var claimed = await db.BackgroundLeases
            .Where(l => l.Name == name && l.NextRunAt <= now && (l.HeldUntil == null || l.HeldUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.NextRunAt, next).SetProperty(l => l.Holder, HostId).SetProperty(l => l.HeldUntil, until), ct);
        return claimed == 1 ? new BackgroundClaim(name, HostId) : null;
    }

    /// <summary>Ends this host's pass (the next one is already scheduled by the claim).</summary>
    public async Task ReleaseAsync(BackgroundClaim claim, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        await db.BackgroundLeases.Where(l => l.Name == claim.Name && l.Holder == claim.Holder)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, (string?)null).SetProperty(l => l.HeldUntil, (Instant?)null), ct);
    }

    /// <summary>
    /// Runs a one-off job (a data upgrade) until it has succeeded once, on one host at a time; returns whether it ran here. Its
    /// lease is claimed as due once in a century, so a finished job costs later starts one row's read; a job that throws is due
    /// again at once, for the next start (the exception is the caller's).
    /// </summary>
    public async Task<bool> RunOnceAsync(string name, Func<CancellationToken, Task> job, CancellationToken ct)
    {
        if (await TryClaimAsync(name, TimeSpan.FromDays(36_525), TimeSpan.FromHours(1), ct) is not { } claim)
        {
            return false;
        }
        try
        {
            await job(ct);
        }
        catch
        {
            using var scope = scopes.CreateScope();
            var now = clock.GetCurrentInstant();
            await scope.ServiceProvider.GetRequiredService<RoutingDbContext>().BackgroundLeases
                .Where(l => l.Name == claim.Name && l.Holder == claim.Holder)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.NextRunAt, now), CancellationToken.None);
            throw;
        }
        finally
        {
            await ReleaseAsync(claim, CancellationToken.None);
        }
        return true;
    }

    /// <summary>Runs <paramref name="pass"/> if this host wins the job's due pass; returns whether it ran.</summary>
    public async Task<bool> RunIfClaimedAsync(string name, TimeSpan interval, Func<CancellationToken, Task> pass, CancellationToken ct)
    {
        // A pass may hold the job for the interval, but at least ten minutes: retraining runs longer than a deadline check.
        var longest = interval > TimeSpan.FromMinutes(10) ? interval : TimeSpan.FromMinutes(10);
        return await RunClaimedAsync(await TryClaimAsync(name, interval, longest, ct), () => pass(ct));
    }

    /// <summary>
    /// Runs <paramref name="work"/> on one host, or for one request, at a time: the lease as a mutual exclusion with no schedule
    /// (always due when free). Returns false without running while another holds it; <paramref name="longest"/> bounds how long a
    /// holder that dies keeps the others out. The claim is not cancellable: one committed just before a cancellation would
    /// otherwise stay held until <paramref name="longest"/>.
    /// </summary>
    public async Task<bool> RunAloneAsync(string name, TimeSpan longest, Func<Task> work) =>
        await RunClaimedAsync(await TryClaimAsync(name, TimeSpan.Zero, longest, CancellationToken.None), work);

    private async Task<bool> RunClaimedAsync(BackgroundClaim? claim, Func<Task> work)
    {
        if (claim is null)
        {
            return false;
        }
        try
        {
            await work();
        }
        finally
        {
            await ReleaseAsync(claim, CancellationToken.None);
        }
        return true;
    }
}
