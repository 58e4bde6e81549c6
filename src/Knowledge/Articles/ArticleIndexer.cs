using Hotline.Knowledge.Search;
using Hotline.Knowledge.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hotline.Knowledge.Articles;

/// <summary>
/// Keeps the search index in line with the articles table, which is the truth (see <see cref="IndexFollower"/> for how a save's
/// write that fails, or finds a catch-up under way, is caught up). At start-up the index is rebuilt at once when its count
/// disagrees with the table (a crash between the two writes). Start-up does not wait for an unavailable cluster; meanwhile
/// searches answer 503 and everything else works.
/// <para>
/// Whether a write was missed is known only in memory, so a host that stopped before catching up cannot know at its next start
/// which article the index holds an older version of (the counts agree). Start-up therefore re-sends every article once, in the
/// background, even when the counts agree: an upsert of a few thousand short documents, against an index that could otherwise
/// show citizens a withdrawn answer until its next edit.
/// </para>
/// </summary>
public sealed class ArticleIndexer(ISearchIndex index, IServiceScopeFactory scopes, IOptions<SearchOptions> options,
    ILogger<ArticleIndexer> logger, IEnumerable<ISearchDocumentSource>? otherSources = null) : IndexFollower(options, logger)
{
    protected override string What => "articles";

    /// <summary>Indexes a saved article; when that fails, leaves it to <see cref="IndexFollower.CatchUpAsync"/>.</summary>
    public Task IndexAsync(Article article, CancellationToken cancellationToken) => IndexAsync([article], cancellationToken);

    /// <summary>
    /// Indexes saved articles in one batch (an import). The save has committed, so its caller must hear success whatever the
    /// index does, and a status change the index missed (published → draft) must not stay visible to citizens until some later
    /// write: any failure leaves the articles to the catch-up.
    /// </summary>
    public Task IndexAsync(IReadOnlyCollection<Article> articles, CancellationToken cancellationToken) =>
        WriteAfterSaveAsync(ct => index.IndexAsync(articles.Select(ArticleSearch.Document), ct),
            articles.Count == 1 ? $"article {articles.First().Id} was saved but not indexed" : $"{articles.Count} imported articles were saved but not indexed",
            cancellationToken);

    /// <summary>
    /// At start-up: rebuilds the index at once when its count disagrees with the table, and otherwise leaves a re-send of every
    /// article to the first catch-up (an edit the index missed before the host stopped); when the index is unavailable, leaves
    /// it all to the catch-up.
    /// </summary>
    public async Task ReconcileAsync(KnowledgeDbContext db, CancellationToken cancellationToken)
    {
        Logger.LogInformation("Knowledge search index: {Provider}{Where}", Settings.Provider,
            Settings.Provider == SearchProvider.Elasticsearch ? $" at {Settings.Elasticsearch.Url}, alias {Settings.Elasticsearch.Index}" : "");
        try
        {
            if (!await ArticleSearch.ReconcileAsync(db, index, cancellationToken))
            {
                ResendAtNextCatchUp();
            }
        }
        catch (SearchIndexUnavailableException e)
        {
            MarkBehind(e, "the index could not be checked against the articles at start-up");
        }
    }

    protected override async Task ResendAllAsync(CancellationToken cancellationToken) => await ResendArticlesAsync(cancellationToken);

    private async Task<int> ResendArticlesAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var articles = await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().Articles.AsNoTracking().ToListAsync(cancellationToken);
        await index.IndexAsync(articles.Select(ArticleSearch.Document), cancellationToken);
        return articles.Count;
    }

    /// <summary>
    /// Rebuilds the index. On the embedded index: every article is indexed again in place. On Elasticsearch: a new versioned
    /// index behind the alias, filled by copying the current one (so the catalogue entries and past cases other modules keep
    /// there come along) and swapped in atomically (<see cref="ElasticsearchSearchIndex.ReindexAsync"/>). Saves go on meanwhile,
    /// through the alias to the old index; after the swap every article is sent again from the table, which also covers them,
    /// and so does every other module's <see cref="ISearchDocumentSource"/>. A re-send that fails after the swap does not fail
    /// the rebuild, which has happened: it marks the index behind for the catch-up.
    /// </summary>
    public async Task<SearchRebuild> RebuildAsync(CancellationToken cancellationToken)
    {
        if (index is not ElasticsearchSearchIndex elasticsearch)
        {
            var count = await ExclusivelyAsync(() => ResendArticlesAsync(cancellationToken), cancellationToken);
            return new SearchRebuild(Settings.Provider.ToString(), null, null, null, count, 0, true);
        }
        ReindexResult result;
        try
        {
            result = await elasticsearch.ReindexAsync(documents: null, cancellationToken);
        }
        catch (Exception e) when (e is not InvalidOperationException)
        {
            // The swap may still have happened (its answer lost): the catch-up then sends what was saved during the copy.
            MarkBehind(e, "the rebuild failed; the articles are sent again in case the alias moved all the same");
            throw;
        }
        var resent = 0;
        try
        {
            // Read after the swap, so a save that committed while the copy ran is in it.
            resent = await ExclusivelyAsync(() => ResendArticlesAsync(cancellationToken), cancellationToken);
        }
        catch (Exception e)
        {
            MarkBehind(e, "the articles could not be sent again after the rebuild's swap");
        }
        foreach (var source in otherSources ?? [])
        {
            var others = await source.ResendAsync(cancellationToken);
            Logger.LogInformation("Knowledge search index rebuilt: {Count} documents of {Source} sent again after the swap.", others, source.GetType().Name);
        }
        Logger.LogInformation("Knowledge search index rebuilt: alias {Alias} moved from {Previous} to {Index} ({Analyzer}).",
            elasticsearch.Alias, result.PreviousIndex ?? "(none)", result.Index, result.Analyzer);
        return new SearchRebuild(Settings.Provider.ToString(), result.PreviousIndex, result.Index, result.Analyzer.ToString(),
            resent, resent, result.PreviousIndexDeleted);
    }
}

/// <summary>What a rebuild of the search index did.</summary>
/// <param name="Provider"><c>Sqlite</c> or <c>Elasticsearch</c>.</param>
/// <param name="PreviousIndex">Elasticsearch: the index the alias pointed at before.</param>
/// <param name="Index">Elasticsearch: the index it points at now.</param>
/// <param name="Analyzer">Elasticsearch: the Chinese analyzer of the new index.</param>
/// <param name="Articles">Articles indexed.</param>
/// <param name="ResentAfterSwap">Elasticsearch: articles sent again from the table after the alias moved (every one: saves made
/// while the copy ran are among them); 0 when that re-send failed and was left to the catch-up.</param>
/// <param name="PreviousIndexDeleted">False when the old index is still there and should be deleted by hand.</param>
public sealed record SearchRebuild(string Provider, string? PreviousIndex, string? Index, string? Analyzer, int Articles, int ResentAfterSwap,
    bool PreviousIndexDeleted);
