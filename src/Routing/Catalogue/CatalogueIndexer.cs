using System.Collections.Concurrent;
using Hotline.Knowledge.Search;
using Hotline.Routing.Cases;
using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hotline.Routing.Catalogue;

/// <summary>
/// Keeps the catalogue's documents in the search index in line with the catalogue table, as <c>ArticleIndexer</c> does for
/// articles. A catalogue save has committed before its index write, so an index that fails (an Elasticsearch cluster that is
/// down) must not turn the admin's save into a 500: the save answers as saved, the index is marked behind, and every
/// <see cref="SearchOptions.RetrySeconds"/> this service re-sends every entry, removes the entries deleted meanwhile, and checks
/// the past cases' count, until the index answers. Start-up marks it behind too when the index could not be checked.
/// Routing reads the catalogue from the table, never from the index; only the dispatchers' catalogue search reads the index,
/// and it falls back to keyword matching while the index is unavailable.
/// </summary>
public sealed class CatalogueIndexer(ISearchIndex index, IServiceScopeFactory scopes, IOptions<SearchOptions> options,
    ILogger<CatalogueIndexer> logger) : BackgroundService, ISearchDocumentSource
{
    private volatile bool _behind;

    /// <summary>One write at a time in this host: a catch-up re-sends what it read, which must not overwrite a later save.</summary>
    private readonly SemaphoreSlim _writes = new(1, 1);

    /// <summary>Entries deleted while their document could not be removed.</summary>
    private readonly ConcurrentDictionary<Guid, byte> _removed = new();

    /// <summary>Whether a write to the index was missed since the last successful catch-up.</summary>
    public bool Behind => _behind;

    /// <summary>Indexes saved entries; when the write fails for any reason, leaves them to <see cref="CatchUpAsync"/>.</summary>
    public async Task IndexAsync(RoutingDbContext db, IReadOnlyCollection<CatalogueEntry> entries, CancellationToken cancellationToken)
    {
        try
        {
            await _writes.WaitAsync(cancellationToken);
            try
            {
                await CatalogueSearch.IndexAsync(index, db, entries, cancellationToken);
            }
            finally
            {
                _writes.Release();
            }
        }
        catch (Exception e)
        {
            MarkBehind(e, $"{entries.Count} catalogue entries were saved but not indexed");
        }
    }

    /// <summary>Removes a deleted entry's document; when that fails, leaves it to <see cref="CatchUpAsync"/>.</summary>
    public async Task RemoveAsync(Guid entryId, CancellationToken cancellationToken)
    {
        try
        {
            await index.DeleteAsync([CatalogueSearch.DocumentId(entryId)], cancellationToken);
        }
        catch (Exception e)
        {
            _removed[entryId] = 0;
            MarkBehind(e, $"catalogue entry {entryId} was deleted but is still in the index");
        }
    }

    /// <summary>Marks the index behind from outside: start-up could not check it.</summary>
    public void MarkBehind(Exception e, string what)
    {
        _behind = true;
        logger.LogWarning("Search index write failed: {What}; retrying every {Seconds} s. {Reason}", what, options.Value.RetrySeconds, e.Message);
    }

    /// <summary>
    /// When a write was missed: re-sends every catalogue entry (an upsert), removes the documents of entries deleted meanwhile,
    /// and re-indexes past cases when their count disagrees. Returns whether the index is now in line; false while it is still
    /// unavailable.
    /// </summary>
    public async Task<bool> CatchUpAsync(CancellationToken cancellationToken)
    {
        if (!_behind)
        {
            return true;
        }
        await _writes.WaitAsync(cancellationToken);
        _behind = false; // cleared before reading: a save failing meanwhile marks it again, for the next round
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
            var entries = await db.Catalogue.AsNoTracking().ToListAsync(cancellationToken);
            await CatalogueSearch.IndexAsync(index, db, entries, cancellationToken);
            var removed = _removed.Keys.Except(entries.Select(e => e.Id)).ToList();
            if (removed.Count > 0)
            {
                await index.DeleteAsync(removed.Select(CatalogueSearch.DocumentId), cancellationToken);
            }
            foreach (var id in removed)
            {
                _removed.TryRemove(id, out _);
            }
            await CaseSearch.ReconcileAsync(db, index, cancellationToken);
            logger.LogInformation("Search index caught up: {Count} catalogue entries re-indexed, {Removed} removed.", entries.Count, removed.Count);
            return true;
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
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>
    /// After a rebuild moved the alias: every catalogue entry again, and the past cases when their count differs (a case closed
    /// while the copy ran is missing from the new index). A case re-indexed during the copy with a changed reply keeps its older
    /// copy until its next change; sending every closed ticket on each rebuild was judged too slow for a request an admin waits on.
    /// </summary>
    public async Task<int> ResendAsync(CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken);
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
            var entries = await db.Catalogue.AsNoTracking().ToListAsync(cancellationToken);
            await CatalogueSearch.IndexAsync(index, db, entries, cancellationToken);
            await CaseSearch.ReconcileAsync(db, index, cancellationToken);
            return entries.Count;
        }
        finally
        {
            _writes.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.RetrySeconds));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CatchUpAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Search index: catching up the catalogue failed; trying again in {Seconds} s.", options.Value.RetrySeconds);
            }
        }
    }
}
