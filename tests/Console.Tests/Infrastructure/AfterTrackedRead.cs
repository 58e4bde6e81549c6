using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Hotline.Console.Tests.Infrastructure;

/// <summary>
/// Runs the next action once, when a query of <typeparamref name="TContext"/> has read a <typeparamref name="TEntity"/> for
/// editing (tracked): between a request's read and its write, the window a real conflict with another person has. Not inside
/// the save: on SQLite the save holds the process's write gate, which would queue the other person behind it.
/// </summary>
public sealed class AfterTrackedRead<TContext, TEntity> : DbCommandInterceptor
    where TContext : DbContext
    where TEntity : class
{
    private Func<Task>? _then;

    /// <summary>Whether the last action given to <see cref="Next"/> has run.</summary>
    public bool Fired { get; private set; }

    public void Next(Func<Task> then) => (_then, Fired) = (then, false);

    public override async ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData,
        InterceptionResult result)
    {
        // Taken before it runs: the action's own request reads the same rows and must not set it off again.
        if (_then is { } then && eventData.Context is TContext db && db.ChangeTracker.Entries<TEntity>().Any())
        {
            (_then, Fired) = (null, true);
            await then();
        }
        return result;
    }
}
