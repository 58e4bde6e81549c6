using System.Collections.Concurrent;
using Hotline.Knowledge.Search;
using Hotline.Routing.Cases;
using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hotline.Routing.Catalogue;

/// <summary>
/// Keeps the catalogue's documents in the search index in line with the catalogue table, as <c>ArticleIndexer</c> does for
/// articles (<see cref="IndexFollower"/>): a catalogue save has committed before its index write, so an index that fails (an
/// Elasticsearch cluster that is down) must not turn the admin's save into a 500. The catch-up re-sends every entry, removes
/// the documents of entries deleted meanwhile (known to this host only: after a restart such a document stays, harmless, as
/// every catalogue hit is looked up in the table), and checks the past cases' count. Start-up marks it behind too when the
/// index could not be checked. Routing reads the catalogue from the table, never from the index; only the dispatchers'
/// catalogue search reads the index, and it falls back to keyword matching while the index is unavailable.
/// </summary>
public sealed class CatalogueIndexer(ISearchIndex index, IServiceScopeFactory scopes, IOptions<SearchOptions> options,
    ILogger<CatalogueIndexer> logger) : IndexFollower(options, logger), ISearchDocumentSource
{
    /// <summary>Entries deleted while their document could not be removed.</summary>
    private readonly ConcurrentDictionary<Guid, byte> _removed = new();

    protected override string What => "catalogue entries";

    /// <summary>Indexes saved entries; when that fails for any reason, leaves them to the catch-up.</summary>
    public Task IndexAsync(RoutingDbContext db, IReadOnlyCollection<CatalogueEntry> entries, CancellationToken cancellationToken) =>
        WriteAfterSaveAsync(ct => CatalogueSearch.IndexAsync(index, db, entries, ct), $"{entries.Count} catalogue entries were saved but not indexed",
            cancellationToken);

    /// <summary>Removes a deleted entry's document; when that fails, leaves it to the catch-up.</summary>
    public async Task RemoveAsync(Guid entryId, CancellationToken cancellationToken)
    {
        // Noted first: a catch-up that read the entry before it was deleted may send it again, and must then remove it.
        _removed[entryId] = 0;
        if (await WriteAfterSaveAsync(ct => index.DeleteAsync([CatalogueSearch.DocumentId(entryId)], ct),
                $"catalogue entry {entryId} was deleted but is still in the index", cancellationToken) && !Behind)
        {
            _removed.TryRemove(entryId, out _);
        }
    }

    protected override async Task ResendAllAsync(CancellationToken cancellationToken) => await ResendEntriesAsync(cancellationToken);

    /// <summary>Past cases are closed tickets, possibly many: checked by count, outside the writes' turn.</summary>
    protected override async Task AfterCatchUpAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        await CaseSearch.ReconcileAsync(scope.ServiceProvider.GetRequiredService<RoutingDbContext>(), index, cancellationToken);
    }

    private async Task<int> ResendEntriesAsync(CancellationToken cancellationToken)
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
        return entries.Count;
    }

    /// <summary>
    /// After a rebuild moved the alias: every catalogue entry again, and the past cases when their count differs (a case closed
    /// while the copy ran is missing from the new index). A case re-indexed during the copy with a changed reply keeps its older
    /// copy until its next change; sending every closed ticket on each rebuild was judged too slow for a request an admin waits
    /// on. A failure here does not fail the rebuild, which has happened: it leaves the catalogue to the catch-up.
    /// </summary>
    public async Task<int> ResendAsync(CancellationToken cancellationToken)
    {
        try
        {
            var count = await ExclusivelyAsync(() => ResendEntriesAsync(cancellationToken), cancellationToken);
            await AfterCatchUpAsync(cancellationToken);
            return count;
        }
        catch (Exception e)
        {
            MarkBehind(e, "the catalogue could not be sent again after the rebuild's swap");
            return 0;
        }
    }
}
