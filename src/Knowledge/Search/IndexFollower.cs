using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hotline.Knowledge.Search;

/// <summary>
/// Keeps one kind of document in the search index in line with the table that is its truth (articles; catalogue entries). A
/// save writes to the index right after its commit; that write never fails the save. When it fails for any reason (a cluster
/// that is down, a refused bulk item, the request cancelled after the commit), the index is marked behind, and every
/// <see cref="SearchOptions.RetrySeconds"/> this service re-sends the whole table (<see cref="ResendAllAsync"/>) until the
/// index takes it.
/// <para>
/// Writes take turns within a host: a catch-up reads the table and sends what it read, and a save indexed in between would be
/// overwritten by the older copy. A save waits for its turn only briefly (<see cref="SaveWait"/>): one that finds a catch-up
/// or a re-send under way marks the index behind instead, so the next catch-up sends it — a save's HTTP answer must not wait
/// for a re-send of thousands of documents or a cluster that hangs.
/// </para>
/// </summary>
public abstract class IndexFollower(IOptions<SearchOptions> options, ILogger logger) : BackgroundService
{
    /// <summary>How long a save's write waits for a catch-up or re-send in progress.</summary>
    public static readonly TimeSpan SaveWait = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _writes = new(1, 1);
    private volatile bool _behind;

    /// <summary>The search settings, for the subclasses too.</summary>
    protected SearchOptions Settings { get; } = options.Value;

    /// <summary>The subclass's logger.</summary>
    protected ILogger Logger { get; } = logger;

    /// <summary>Whether a write to the index was missed since the last successful catch-up.</summary>
    public bool Behind => _behind;

    /// <summary>What the documents are, for the log ("articles", "catalogue entries").</summary>
    protected abstract string What { get; }

    /// <summary>Sends every document of this kind again from the table (an upsert), and removes what the table no longer has
    /// when that is known. Called with the writes' turn held.</summary>
    protected abstract Task ResendAllAsync(CancellationToken cancellationToken);

    /// <summary>Work that belongs to a catch-up but not to the writes' turn (a long check of other documents).</summary>
    protected virtual Task AfterCatchUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// A save's index write, after its commit: never throws; on any failure, or when the turn is not free within
    /// <see cref="SaveWait"/>, marks the index behind. Returns whether the write was made.
    /// </summary>
    protected async Task<bool> WriteAfterSaveAsync(Func<CancellationToken, Task> write, string what, CancellationToken cancellationToken)
    {
        try
        {
            if (!await _writes.WaitAsync(SaveWait, cancellationToken))
            {
                MarkBehind(null, $"{what} (the index was busy being brought in line)");
                return false;
            }
            try
            {
                await write(cancellationToken);
                return true;
            }
            finally
            {
                _writes.Release();
            }
        }
        catch (Exception e)
        {
            MarkBehind(e, what);
            return false;
        }
    }

    /// <summary>Runs <paramref name="work"/> with the writes' turn held, as long as it takes (a rebuild's re-send).</summary>
    protected async Task<T> ExclusivelyAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken);
        try
        {
            return await work();
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>Asks the next catch-up to re-send everything, with nothing having failed (a check at start-up).</summary>
    protected void ResendAtNextCatchUp() => _behind = true;

    /// <summary>Marks the index behind, so the next catch-up re-sends everything; <paramref name="e"/> null for no failure.</summary>
    public void MarkBehind(Exception? e, string what)
    {
        _behind = true;
        Logger.LogWarning("Search index write missed: {What}; the {Documents} are sent again within {Seconds} s. {Reason}", what, What,
            Settings.RetrySeconds, e?.Message);
    }

    /// <summary>
    /// When a write was missed, re-sends every document. Returns whether the index is now in line; false while it is still
    /// unavailable. Other failures are thrown, with the index still marked behind.
    /// </summary>
    public async Task<bool> CatchUpAsync(CancellationToken cancellationToken)
    {
        if (!_behind)
        {
            return true;
        }
        await _writes.WaitAsync(cancellationToken);
        // Cleared before the table is read: a save failing meanwhile marks the index behind again, for the next round.
        _behind = false;
        try
        {
            try
            {
                await ResendAllAsync(cancellationToken);
            }
            finally
            {
                _writes.Release(); // the after-work may be long and is no write of this kind
            }
            await AfterCatchUpAsync(cancellationToken);
        }
        catch (SearchIndexUnavailableException)
        {
            _behind = true;
            return false;
        }
        catch
        {
            _behind = true;
            throw;
        }
        Logger.LogInformation("Search index caught up: every one of the {Documents} sent again.", What);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Settings.RetrySeconds));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CatchUpAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Logger.LogError(e, "Search index: catching up the {Documents} failed; trying again in {Seconds} s.", What, Settings.RetrySeconds);
            }
        }
    }
}
