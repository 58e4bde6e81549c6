using Hotline.Knowledge.Articles;
using Hotline.Knowledge.Search;
using Hotline.Knowledge.Storage;
using Hotline.Knowledge.Tests.Search.Elasticsearch;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Knowledge.Tests.Articles;

/// <summary>
/// The articles table and the search index kept in line when the index is a cluster that can be down: saves and start-up go on
/// without it, and the index catches up when it answers again. Articles live in a SQLite file of the test's own.
/// </summary>
public sealed class ArticleIndexerTests : IAsyncDisposable
{
    private const string Alias = FakeElasticsearch.Alias;
    private const string Acknowledged = """{"acknowledged":true}""";
    private const string ClusterDown =
        """{"error":{"root_cause":[],"type":"cluster_block_exception","reason":"blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];"},"status":503}""";

    private static readonly Instant Now = Instant.FromUtc(2026, 11, 23, 2, 0);

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"hotline-knowledge-test-{Guid.NewGuid():N}.db");
    private readonly ServiceProvider _services;

    public ArticleIndexerTests()
    {
        var services = new ServiceCollection();
        services.AddDbContext<KnowledgeDbContext>(o => o.UseSqlite($"Data Source={_path};Pooling=false")
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning)));
        _services = services.BuildServiceProvider();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ArticleIndexer Indexer(ISearchIndex index, params ISearchDocumentSource[] others) => new(index, _services.GetRequiredService<IServiceScopeFactory>(),
        Options.Create(new SearchOptions { Provider = index is ElasticsearchSearchIndex ? SearchProvider.Elasticsearch : SearchProvider.Sqlite }),
        NullLogger<ArticleIndexer>.Instance, others);

    /// <summary>Another module's documents: records what the cluster had been asked when it was told to send them again.</summary>
    private sealed class RecordingSource(FakeElasticsearch es) : ISearchDocumentSource
    {
        public IReadOnlyList<string>? CallsBefore { get; private set; }

        public Task<int> ResendAsync(CancellationToken cancellationToken)
        {
            CallsBefore = es.Calls;
            return Task.FromResult(3);
        }
    }

    private async Task<KnowledgeDbContext> DatabaseAsync(params Article[] articles)
    {
        var db = _services.CreateScope().ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        await db.Database.MigrateAsync(Ct);
        db.Articles.AddRange(articles);
        await db.SaveChangesAsync(Ct);
        return db;
    }

    private static Article Article(string title, Instant updatedAt) => new()
    {
        Title = title,
        Body = title + "：请携带身份证到街道便民服务中心办理。",
        Status = ArticleStatus.Published,
        Version = 1,
        UpdatedAt = updatedAt,
        UpdatedBy = "admin",
    };

    private static IEnumerable<string> IndexedIds(FakeElasticsearch es, string path) =>
        es.Requests.Where(r => r.Path == path && r.Method == "POST").SelectMany(r => r.Lines).Select(l => l["index"]?["_id"]?.GetValue<string>())
            .OfType<string>();

    [Fact]
    public async Task Save_WhileTheClusterIsDown_StillSucceeds_AndIsIndexedWhenItAnswersAgain()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithAlias().Answer("POST", $"/{Alias}/_bulk", 200, ElasticsearchFixtures.Read("bulk.response.200.success.json"));
        es.Outage = (503, ClusterDown);
        using var index = new ElasticsearchSearchIndex(es.Options(), null);
        var indexer = Indexer(index);
        var article = Article("居住证办理", Now);
        await using var db = await DatabaseAsync(article);

        await indexer.IndexAsync(article, Ct); // the save's index write: no exception, the article is in the database

        Assert.True(indexer.Behind);
        Assert.False(await indexer.CatchUpAsync(Ct));
        Assert.True(indexer.Behind);
        Assert.Empty(IndexedIds(es, $"/{Alias}/_bulk"));

        es.Outage = null;
        Assert.True(await indexer.CatchUpAsync(Ct));

        Assert.False(indexer.Behind);
        Assert.Equal([article.Id.ToString()], IndexedIds(es, $"/{Alias}/_bulk"));
        var requests = es.Requests.Count;
        Assert.True(await indexer.CatchUpAsync(Ct));
        Assert.Equal(requests, es.Requests.Count); // nothing more to do
    }

    /// <summary>An index that passes everything to <c>inner</c>; a subclass changes how documents are written.</summary>
    private abstract class WritesOverridden(ISearchIndex inner) : ISearchIndex
    {
        protected ISearchIndex Inner => inner;

        public abstract Task IndexAsync(IEnumerable<SearchDocument> documents, CancellationToken cancellationToken = default);

        public Task<int> DeleteAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default) => inner.DeleteAsync(ids, cancellationToken);

        public Task<IReadOnlyList<SearchHit>> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default) =>
            inner.SearchAsync(request, cancellationToken);

        public Task<long> CountAsync(SearchFilter? filter = null, CancellationToken cancellationToken = default) => inner.CountAsync(filter, cancellationToken);
    }

    /// <summary>An index whose writes fail the way a refused bulk item or a local index error does (not "unavailable").</summary>
    private sealed class FailingWrites(ISearchIndex inner) : WritesOverridden(inner)
    {
        public bool Fail { get; set; } = true;

        public override Task IndexAsync(IEnumerable<SearchDocument> documents, CancellationToken cancellationToken = default) =>
            Fail ? throw new InvalidOperationException("bulk item refused") : Inner.IndexAsync(documents, cancellationToken);
    }

    [Fact]
    public async Task ASaveWhoseIndexWriteFailsForAnyReason_StillSucceeds_AndIsIndexedAtTheNextCatchUp()
    {
        using var embedded = EmbeddedIndex();
        var index = new FailingWrites(embedded);
        var indexer = Indexer(index);
        var article = Article("居住证办理", Now);
        await using var db = await DatabaseAsync(article);

        await indexer.IndexAsync(article, Ct); // must not throw: the article is saved
        Assert.True(indexer.Behind);
        Assert.Equal(0, await embedded.CountAsync(cancellationToken: Ct));

        index.Fail = false;
        Assert.True(await indexer.CatchUpAsync(Ct));
        Assert.False(indexer.Behind);
        Assert.Equal(1, await embedded.CountAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task StartUp_WhileTheClusterIsDown_GoesOn_AndLeavesTheIndexToCatchUp()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.Outage = (503, ClusterDown);
        using var index = new ElasticsearchSearchIndex(es.Options(), null);
        var indexer = Indexer(index);
        await using var db = await DatabaseAsync(Article("居住证办理", Now));

        await indexer.ReconcileAsync(db, Ct);

        Assert.True(indexer.Behind);
        Assert.NotEmpty(es.Requests); // it did try
    }

    [Fact]
    public async Task StartUp_CountsAgreeing_StillResendsEveryArticleOnce_HealingAnEditTheIndexMissedBeforeARestart()
    {
        using var index = EmbeddedIndex();
        var article = Article("居住证办理", Now);
        await using var db = await DatabaseAsync(article);
        await index.IndexAsync([ArticleSearch.Document(article)], Ct);
        // The host stopped after this commit and before its index write: same count, older content in the index.
        article.Status = ArticleStatus.Draft;
        article.Version = 2;
        await db.SaveChangesAsync(Ct);
        var indexer = Indexer(index);

        await indexer.ReconcileAsync(db, Ct);
        Assert.True(indexer.Behind);
        Assert.True(await indexer.CatchUpAsync(Ct));

        var hit = Assert.Single(await index.SearchAsync(new SearchRequest("居住证办理"), Ct));
        Assert.Equal("draft", hit.Metadata["status"]);
    }

    /// <summary>An index whose first write waits at a gate until the test opens it.</summary>
    private sealed class GatedWrites(ISearchIndex inner) : WritesOverridden(inner)
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _writes;

        public override async Task IndexAsync(IEnumerable<SearchDocument> documents, CancellationToken cancellationToken = default)
        {
            var batch = documents.ToList(); // read before waiting, as a bulk request body is built before it is sent
            if (Interlocked.Increment(ref _writes) == 1)
            {
                Entered.SetResult();
                await Gate.Task.WaitAsync(cancellationToken);
            }
            await Inner.IndexAsync(batch, cancellationToken);
        }
    }

    [Fact]
    public async Task ASaveIndexedWhileACatchUpRuns_IsNotOverwrittenByTheOlderCopyTheCatchUpRead()
    {
        using var embedded = EmbeddedIndex();
        var index = new GatedWrites(embedded);
        var article = Article("居住证办理", Now);
        await using var db = await DatabaseAsync(article);
        await embedded.IndexAsync([ArticleSearch.Document(article)], Ct); // past the gate: the index is in line
        var indexer = Indexer(index);
        await indexer.ReconcileAsync(db, Ct); // counts agree: a re-send of every article is due

        var catchUp = indexer.CatchUpAsync(Ct); // reads the article as published, then waits at the gate to write it
        await index.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        article.Status = ArticleStatus.Draft; // meanwhile an editor withdraws it
        article.Version = 2;
        await db.SaveChangesAsync(Ct);
        var save = indexer.IndexAsync(article, Ct);
        await Task.WhenAny(save, Task.Delay(300, Ct)); // unserialised, the save's write would land now, before the older copy
        index.Gate.SetResult();
        Assert.True(await catchUp);
        await save;
        if (indexer.Behind)
        {
            // The save found the catch-up's turn held longer than it waits (a slow machine): it left itself to the next one.
            Assert.True(await indexer.CatchUpAsync(Ct));
        }

        var hit = Assert.Single(await embedded.SearchAsync(new SearchRequest("居住证办理"), Ct));
        Assert.Equal("draft", hit.Metadata["status"]); // a citizen no longer finds the withdrawn answer
    }

    [Fact]
    public async Task ASaveDuringAHungCatchUp_AnswersAtOnce_AndIsLeftToTheNextCatchUp()
    {
        using var embedded = EmbeddedIndex();
        var index = new GatedWrites(embedded);
        var article = Article("居住证办理", Now);
        await using var db = await DatabaseAsync(article);
        await embedded.IndexAsync([ArticleSearch.Document(article)], Ct);
        var indexer = Indexer(index);
        await indexer.ReconcileAsync(db, Ct);
        var catchUp = indexer.CatchUpAsync(Ct); // held at the gate: a cluster that does not answer
        await index.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        article.Status = ArticleStatus.Draft;
        article.Version = 2;
        await db.SaveChangesAsync(Ct);
        // The editor's save answers while the catch-up still hangs; it waited only IndexFollower.SaveWait for its turn.
        await indexer.IndexAsync(article, Ct).WaitAsync(TimeSpan.FromSeconds(20), Ct);
        Assert.True(indexer.Behind);

        index.Gate.SetResult();
        Assert.True(await catchUp);
        Assert.True(await indexer.CatchUpAsync(Ct)); // the next round sends the withdrawn article
        var hit = Assert.Single(await embedded.SearchAsync(new SearchRequest("居住证办理"), Ct));
        Assert.Equal("draft", hit.Metadata["status"]);
    }

    [Fact]
    public async Task StartUp_IndexDisagreesWithTheTable_IsRebuiltFromIt()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithAlias()
            .Answer("POST", $"/{Alias}/_count", 200, ElasticsearchFixtures.Read("count.response.200.json")) // 1 document
            .Answer("POST", $"/{Alias}/_bulk", 200, ElasticsearchFixtures.Read("bulk.response.200.success.json"));
        using var index = new ElasticsearchSearchIndex(es.Options(), null);
        var indexer = Indexer(index);
        var (first, second) = (Article("居住证办理", Now), Article("护照办理", Now));
        await using var db = await DatabaseAsync(first, second);

        await indexer.ReconcileAsync(db, Ct);

        Assert.False(indexer.Behind);
        Assert.Equal(new[] { first.Id.ToString(), second.Id.ToString() }.Order(), IndexedIds(es, $"/{Alias}/_bulk").Order());
    }

    [Fact]
    public async Task Rebuild_OnElasticsearch_CopiesTheIndex_SwapsTheAlias_ThenResendsEveryArticle()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithAlias()
            .Answer("PUT", $"/{Alias}-000002", 200, ElasticsearchFixtures.Read("indices.create.response.200.json"))
            // _reindex answers in the same shape as _delete_by_query (the fixtures have no _reindex example).
            .Answer("POST", "/_reindex", 200, ElasticsearchFixtures.Read("delete_by_query.response.200.json"))
            .Answer("POST", $"/{Alias}-000002/_refresh", 200, """{"_shards":{"total":1,"successful":1,"failed":0}}""")
            .Answer("POST", "/_aliases", 200, Acknowledged)
            .Answer("DELETE", $"/{Alias}-000001", 200, Acknowledged)
            .Answer("POST", $"/{Alias}/_bulk", 200, ElasticsearchFixtures.Read("bulk.response.200.success.json"));
        using var index = new ElasticsearchSearchIndex(es.Options(), null);
        var (old, recent) = (Article("居住证办理", Now - Duration.FromDays(30)), Article("护照办理", Now));
        await using var db = await DatabaseAsync(old, recent);

        var catalogue = new RecordingSource(es);
        var rebuild = await Indexer(index, catalogue).RebuildAsync(Ct);

        // The copy keeps what other modules index (catalogue entries, past cases); the articles table then overrides the copy,
        // and the other modules send theirs again too (what was written through the alias during the copy reached only the old index).
        Assert.Contains("POST /_aliases", catalogue.CallsBefore!);
        Assert.Equal(new SearchRebuild("Elasticsearch", $"{Alias}-000001", $"{Alias}-000002", "Cjk", 2, 2, true), rebuild);
        Assert.Contains("POST /_reindex", es.Calls);
        Assert.Equal("POST /_aliases", es.Calls[^3]);
        Assert.Equal("POST /hotline-knowledge/_bulk", es.Calls[^1]); // after the swap, through the alias
        Assert.Equal(new[] { old.Id.ToString(), recent.Id.ToString() }.Order(), IndexedIds(es, $"/{Alias}/_bulk").Order());
    }

    [Fact]
    public async Task Rebuild_OnTheEmbeddedIndex_IndexesEveryArticleAgain()
    {
        using var index = EmbeddedIndex();
        await using var db = await DatabaseAsync(Article("居住证办理", Now), Article("护照办理", Now));

        var rebuild = await Indexer(index).RebuildAsync(Ct);

        Assert.Equal(new SearchRebuild("Sqlite", null, null, null, 2, 0, true), rebuild);
        Assert.Equal(2, await index.CountAsync(cancellationToken: Ct));
    }

    /// <summary>An embedded search index in a file of this test's own, deleted with the articles' file.</summary>
    private SqliteSearchIndex EmbeddedIndex() => new(_path + ".search");

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + ".search", _path + ".search-wal", _path + ".search-shm" })
        {
            File.Delete(file);
        }
    }
}
