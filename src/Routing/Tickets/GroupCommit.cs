using System.Threading.Channels;
using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Routing.Tickets;

/// <summary>
/// Commits new tickets in groups on SQLite. SQLite has one writer, and with <c>synchronous=FULL</c> every commit waits for the
/// disk; one transaction per intake caps intake at the disk's syncs per second (a few hundred on a busy shared disk). Here
/// each registration hands its rows (ticket, timeline entry, outbox message) to one writer loop, which commits everything
/// waiting in one transaction — one sync for the group — and only then answers each caller, so a 201 still means "on disk".
/// If a group fails (a tracking code or intake key already taken), its registrations are committed one by one, so each gets
/// its own outcome and no one's ticket is lost or doubled. PostgreSQL needs none of this: it flushes concurrent commits
/// together by itself.
/// </summary>
public sealed class GroupCommit(IServiceScopeFactory scopes) : IDisposable
{
    /// <summary>Registrations per transaction at most (a group forms from whatever is waiting; nothing waits for it to fill).</summary>
    private const int MaxGroup = 256;

    private readonly Channel<Pending> _queue = System.Threading.Channels.Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private Task? _writer;

    /// <summary>Whether <paramref name="db"/> is SQLite, where grouping pays.</summary>
    public static bool Applies(RoutingDbContext db) =>
        // Not inside a caller's own transaction (an inbound SMS, a rating): the ticket must commit with the caller's other rows,
        // and a separate writer would wait for the write lock that very transaction holds.
        db.Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite" && db.Database.CurrentTransaction is null;

    /// <summary>
    /// Commits what <paramref name="stage"/> adds to a context (it may be called twice, on two contexts, if the group fails) and
    /// returns once it is committed; throws the <see cref="DbUpdateException"/> of its own commit if that failed.
    /// </summary>
    public Task CommitAsync(Action<RoutingDbContext> stage, CancellationToken ct)
    {
        var pending = new Pending(stage, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_queue)
        {
            if (_writer is null)
            {
                // The writer commits for requests: it must not inherit a background mark from whichever flow started it.
                using (ExecutionContext.SuppressFlow())
                {
                    _writer = Task.Run(WriteAsync, CancellationToken.None);
                }
            }
        }
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);
        // The caller may stop waiting; the write itself is not cancelled (it may already be part of a committed group).
        return pending.Done.Task.WaitAsync(ct);
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task WriteAsync()
    {
        var group = new List<Pending>(MaxGroup);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stop.Token))
            {
                group.Clear();
                while (group.Count < MaxGroup && _queue.Reader.TryRead(out var next))
                {
                    group.Add(next);
                }
                await CommitGroupAsync(group);
            }
        }
        catch (OperationCanceledException)
        {
        }
        // Stopping: nobody will write what is still queued, so its callers must not wait for it.
        while (_queue.Reader.TryRead(out var left))
        {
            left.Done.TrySetException(new OperationCanceledException("The host is stopping."));
        }
    }

    private async Task CommitGroupAsync(List<Pending> group)
    {
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
            foreach (var pending in group)
            {
                pending.Stage(db);
            }
            await db.SaveChangesAsync(_stop.Token);
            foreach (var pending in group)
            {
                pending.Done.TrySetResult();
            }
            return;
        }
        catch (Exception) when (group.Count > 1)
        {
            // One bad registration must not fail the others: each alone, below.
        }
        catch (Exception e)
        {
            group[0].Done.TrySetException(e);
            return;
        }
        foreach (var pending in group)
        {
            try
            {
                using var scope = scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
                pending.Stage(db);
                await db.SaveChangesAsync(_stop.Token);
                pending.Done.TrySetResult();
            }
            catch (Exception e)
            {
                pending.Done.TrySetException(e);
            }
        }
    }

    private sealed record Pending(Action<RoutingDbContext> Stage, TaskCompletionSource Done);
}
