using Hotline.Knowledge.Search;
using Hotline.Knowledge.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hotline.Knowledge.Articles;

/// <summary>
/// Keeps the search index in line with the articles table, which is the truth. Each save is indexed right after it commits;
/// at start-up the index is rebuilt when its count disagrees with the table (a crash between the two writes).
/// <para>
/// An index on another machine can be down. Then a save still succeeds — the article is in the database — and the index is
/// marked behind; every <see cref="SearchOptions.RetrySeconds"/> this service tries to re-index every article, until the
/// cluster answers. Start-up does not wait for the cluster either. Meanwhile searches answer 503 and everything else works.
/// </para>
/// <para>
/// Whether a write was missed is known only in memory, so a host that stopped before catching up cannot know at its next start
/// which article the index holds an older version of (the counts agree). Start-up therefore re-sends every article once, in the
/// background, even when the counts agree: an upsert of a few thousand short documents, against an index that could otherwise
/// show citizens a withdrawn answer until its next edit.
/// </para>
/// <para>
/// Writes go through one lock per host: a catch-up or rebuild reads every article and sends what it read, and a save indexed
/// in between would otherwise be overwritten by the older copy the catch-up read before it.
/// </para>
/// </summary>
public sealed class ArticleIndexer(ISearchIndex index, IServiceScopeFactory scopes, IOptions<SearchOptions> options,
    ILogger<ArticleIndexer> logger, IEnumerable<ISearchDocumentSource>? otherSources = null) : BackgroundService
{
    private volatile bool _behind;

    private readonly SemaphoreSlim _writes = new(1, 1);

    /// <summary>Whether a write to the index was missed since the last successful catch-up.</summary>
    public bool Behind => _behind;

    /// <summary>Indexes a saved article; when the index is unavailable, leaves it to <see cref="CatchUpAsync"/>.</summary>
    public Task IndexAsync(Article article, CancellationToken cancellationToken) => IndexAsync([article], cancellationToken);

    /// <summary>
    /// Indexes saved articles in one batch (an import); when the index write fails, leaves them to <see cref="CatchUpAsync"/>.
    /// Any failure, not only an unreachable cluster (a refused bulk item, a local index error, the request cancelled after the
    /// commit): the save has committed, so its caller must hear success, and a status change the index missed (published →
    /// draft) must not stay visible to citizens until some later write.
    /// </summary>
    public async Task IndexAsync(IReadOnlyCollection<Article> articles, CancellationToken cancellationToken)
    {
        try
        {
            await _writes.WaitAsync(cancellationToken);
            try
            {
                await index.IndexAsync(articles.Select(ArticleSearch.Document), cancellationToken);
            }
            finally
            {
                _writes.Release();
            }
        }
        catch (Exception e)
        {
            MarkBehind(e, articles.Count == 1 ? $"article {articles.First().Id} was saved but not indexed" : $"{articles.Count} imported articles were saved but not indexed");
        }
    }

    /// <summary>
    /// At start-up: rebuilds the index at once when its count disagrees with the table, and otherwise leaves a re-send of every
    /// article to the first <see cref="CatchUpAsync"/> (an edit the index missed before the host stopped); when the index is
    /// unavailable, leaves it all to <see cref="CatchUpAsync"/>.
    /// </summary>
    public async Task ReconcileAsync(KnowledgeDbContext db, CancellationToken cancellationToken)
    {
        logger.LogInformation("Knowledge search index: {Provider}{Where}", options.Value.Provider,
            options.Value.Provider == SearchProvider.Elasticsearch ? $" at {options.Value.Elasticsearch.Url}, alias {options.Value.Elasticsearch.Index}" : "");
        try
        {
            if (!await ArticleSearch.ReconcileAsync(db, index, cancellationToken))
            {
                _behind = true;
            }
        }
        catch (SearchIndexUnavailableException e)
        {
            MarkBehind(e, "the index could not be checked against the articles at start-up");
        }
    }

    /// <summary>
    /// When a write was missed, re-indexes every article (an upsert: what was missed is among them). Returns whether the index is
    /// now in line; false while the index is still unavailable.
    /// </summary>
    public async Task<bool> CatchUpAsync(CancellationToken cancellationToken)
    {
        if (!_behind)
        {
            return true;
        }
        await _writes.WaitAsync(cancellationToken);
        // Cleared before the articles are read: a save failing meanwhile marks the index behind again, for the next round.
        _behind = false;
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
            var articles = await db.Articles.AsNoTracking().ToListAsync(cancellationToken);
            await index.IndexAsync(articles.Select(ArticleSearch.Document), cancellationToken);
            logger.LogInformation("Knowledge search index caught up: {Count} articles re-indexed.", articles.Count);
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
    /// Rebuilds the index. On Elasticsearch: a new versioned index behind the alias, filled by copying the current one (so the
    /// catalogue entries and past cases other modules keep there come along) and swapped in atomically
    /// (<see cref="ElasticsearchSearchIndex.ReindexAsync"/>); then every article is sent again from the table, which is the
    /// truth and also covers saves made while the copy ran, and so does every other module's <see cref="ISearchDocumentSource"/>. On the embedded index: every article is indexed again in place.
    /// </summary>
    public async Task<SearchRebuild> RebuildAsync(CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken);
        try
        {
            return await RebuildLockedAsync(cancellationToken);
        }
        finally
        {
            _writes.Release();
        }
    }

    private async Task<SearchRebuild> RebuildLockedAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var articles = await db.Articles.AsNoTracking().ToListAsync(cancellationToken);
        if (index is not ElasticsearchSearchIndex elasticsearch)
        {
            await index.IndexAsync(articles.Select(ArticleSearch.Document), cancellationToken);
            return new SearchRebuild(options.Value.Provider.ToString(), null, null, null, articles.Count, 0, true);
        }
        var result = await elasticsearch.ReindexAsync(documents: null, cancellationToken);
        // Read after the swap, so a save that committed while the copy ran is in it.
        var changed = await db.Articles.AsNoTracking().ToListAsync(cancellationToken);
        await index.IndexAsync(changed.Select(ArticleSearch.Document), cancellationToken);
        foreach (var source in otherSources ?? [])
        {
            var resent = await source.ResendAsync(cancellationToken);
            logger.LogInformation("Knowledge search index rebuilt: {Count} documents of {Source} sent again after the swap.", resent, source.GetType().Name);
        }
        logger.LogInformation("Knowledge search index rebuilt: alias {Alias} moved from {Previous} to {Index} ({Count} articles, {Analyzer}).",
            elasticsearch.Alias, result.PreviousIndex ?? "(none)", result.Index, articles.Count, result.Analyzer);
        return new SearchRebuild(options.Value.Provider.ToString(), result.PreviousIndex, result.Index, result.Analyzer.ToString(),
            articles.Count, changed.Count, result.PreviousIndexDeleted);
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
                logger.LogError(e, "Knowledge search index: catching up failed; trying again in {Seconds} s.", options.Value.RetrySeconds);
            }
        }
    }

    private void MarkBehind(Exception e, string what)
    {
        _behind = true;
        logger.LogWarning("Knowledge search index write failed: {What}; retrying every {Seconds} s. {Reason}", what,
            options.Value.RetrySeconds, e.Message);
    }
}

/// <summary>What a rebuild of the search index did.</summary>
/// <param name="Provider"><c>Sqlite</c> or <c>Elasticsearch</c>.</param>
/// <param name="PreviousIndex">Elasticsearch: the index the alias pointed at before.</param>
/// <param name="Index">Elasticsearch: the index it points at now.</param>
/// <param name="Analyzer">Elasticsearch: the Chinese analyzer of the new index.</param>
/// <param name="Articles">Articles indexed.</param>
/// <param name="ResentAfterSwap">Elasticsearch: articles saved during the rebuild and indexed again after the alias moved.</param>
/// <param name="PreviousIndexDeleted">False when the old index is still there and should be deleted by hand.</param>
public sealed record SearchRebuild(string Provider, string? PreviousIndex, string? Index, string? Analyzer, int Articles, int ResentAfterSwap,
    bool PreviousIndexDeleted);
