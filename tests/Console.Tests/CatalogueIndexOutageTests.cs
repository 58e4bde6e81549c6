using System.Net;
using System.Net.Http.Json;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Knowledge.Search;
using Hotline.Routing.Catalogue;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests;

/// <summary>
/// Catalogue saves while the search index is down (an Elasticsearch outage, played by an embedded index that refuses every call
/// as an unreachable cluster does): the admin's saves answer as saved, dispatchers still find matters, and the index catches up
/// when it answers again.
/// </summary>
public sealed class CatalogueIndexOutageTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private TestHost _host = null!;
    private SwitchableIndex _index = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _index = new SwitchableIndex(new SqliteSearchIndex(Path.Combine(_database.DataDirectory, "search-outage.db")));
        _host = await TestHost.StartAsync(_database, deliverOutbox: false, services: s => s.AddSingleton<ISearchIndex>(_index));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _index.Inner.Dispose();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task CatalogueSaves_WhileTheIndexIsDown_AreSaved_FoundByKeywords_AndIndexedWhenItIsBack()
    {
        var admin = await _host.SignInAsync("admin");
        var entries = (await admin.GetOkAsync("/api/admin/catalogue")).AsArray();
        var stalls = entries.Single(e => e!.Str("name") == "占道经营")!;
        _index.Down = true;

        var created = await admin.PostAsJsonAsync("/api/admin/catalogue", new
        {
            name = "共享单车乱停放",
            categoryId = "transport",
            keywords = new[] { "共享单车", "单车乱停" },
            level = "City",
            departmentId = "city-transport",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode); // not a 500 for a committed save
        var bikes = System.Text.Json.Nodes.JsonNode.Parse(await created.Content.ReadAsStringAsync())!.Str("id");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/catalogue/{stalls.Str("id")}")).StatusCode);
        var indexer = _host.Services.GetRequiredService<CatalogueIndexer>();
        Assert.True(indexer.Behind);

        // A dispatcher searching meanwhile gets the matters the words name, not an error.
        var dispatcher = await _host.SignInAsync("dispatcher");
        var found = (await dispatcher.GetOkAsync("/api/catalogue?q=" + Uri.EscapeDataString("小区门口共享单车乱停，挡住了路"))).AsArray();
        Assert.Equal("共享单车乱停放", found[0]!.Str("name"));
        var fragment = (await dispatcher.GetOkAsync("/api/catalogue?q=" + Uri.EscapeDataString("单车"))).AsArray(); // a word of a name
        Assert.Equal("共享单车乱停放", Assert.Single(fragment)!.Str("name"));

        Assert.False(await indexer.CatchUpAsync(TestContext.Current.CancellationToken)); // still down: still behind
        Assert.True(indexer.Behind);
        _index.Down = false;
        Assert.True(await indexer.CatchUpAsync(TestContext.Current.CancellationToken));
        Assert.False(indexer.Behind);

        var indexed = await _index.SearchAsync(new SearchRequest("共享单车乱停 占道经营") { Filter = CatalogueSearch.Filter(activeOnly: false), Size = 50 });
        Assert.Contains(indexed, h => h.Id == CatalogueSearch.DocumentId(Guid.Parse(bikes)));
        Assert.DoesNotContain(indexed, h => h.Id == CatalogueSearch.DocumentId(Guid.Parse(stalls.Str("id")))); // the deletion reached it
        Assert.Equal(entries.Count, await _index.CountAsync(CatalogueSearch.Filter(activeOnly: false))); // one added, one removed
        var searched = (await dispatcher.GetOkAsync("/api/catalogue?q=" + Uri.EscapeDataString("共享单车"))).AsArray();
        Assert.Equal("共享单车乱停放", searched[0]!.Str("name"));
        Assert.Contains(searched[0]!["highlights"]!.AsObject().SelectMany(f => f.Value!.AsArray()), // from the index again
            h => h!.GetValue<string>().Contains("<em>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Routing_WhileTheIndexIsDown_AdvisesWithoutPastCases_AndTheCaseListSaysItIsUnavailable()
    {
        var agent = await _host.SignInAsync("agent");
        var id = (await agent.PostOkAsync("/api/tickets", new { content = "小区门口有人占道经营摆摊，堵塞交通。", phone = "13812345678" })).Str("id");
        _index.Down = true;

        // Advice is what routes new tickets too: the catalogue and the model decide without the past cases, no 500.
        var advice = await agent.PostOkAsync("/api/routing/suggest", new { title = "占道经营", content = "小区门口有人占道经营摆摊，堵塞交通。" });
        Assert.Equal("占道经营", advice["catalogueMatches"]![0]!.Str("name"));
        Assert.Empty(advice["similarCases"]!.AsArray());
        var problem = await (await agent.GetAsync($"/api/tickets/{id}/similar")).ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("相似案例暂不可用", problem.Str("title"));
        Assert.StartsWith("检索服务暂时不可用，请稍后重试", problem.Str("detail"), StringComparison.Ordinal); // waiting helps here
    }

    [Fact]
    public async Task Searches_WhenTheClusterRefusesThem_Answer503OrWithoutTheIndex_NotA500()
    {
        // A cluster that answers, but with an error (an alias deleted by hand: 404 index_not_found_exception), is as unable to
        // search as one that is down. Only the unreachable kind used to be caught; this one was a 500 everywhere but routing.
        var agent = await _host.SignInAsync("agent");
        var id = (await agent.PostOkAsync("/api/tickets", new { content = "小区门口有人占道经营摆摊，堵塞交通。", phone = "13812345678" })).Str("id");
        _index.Refusing = true;

        var staff = await (await agent.GetAsync("/api/knowledge/search?q=" + Uri.EscapeDataString("居住证"))).ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("知识检索暂不可用", staff.Str("title"));
        // A missing index stays missing: staff are told it needs a rebuild, a citizen only to try later.
        Assert.StartsWith("检索索引不存在（可能被手工删除），请管理员在「知识库管理」中重建检索索引", staff.Str("detail"), StringComparison.Ordinal);
        var citizen = await (await _host.Anonymous().GetAsync("/api/citizen/knowledge/search?q=" + Uri.EscapeDataString("居住证")))
            .ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.StartsWith("检索服务暂时不可用", citizen.Str("detail"), StringComparison.Ordinal);
        var found = (await agent.GetOkAsync("/api/catalogue?q=" + Uri.EscapeDataString("门口有人占道经营"))).AsArray();
        Assert.Equal("占道经营", found[0]!.Str("name"));
        var similar = await (await agent.GetAsync($"/api/tickets/{id}/similar")).ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("重建检索索引", similar.Str("detail"), StringComparison.Ordinal);
        var advice = await agent.PostOkAsync("/api/routing/suggest", new { title = "占道经营", content = "小区门口有人占道经营摆摊，堵塞交通。" });
        Assert.Empty(advice["similarCases"]!.AsArray());
    }

    /// <summary>
    /// An index that, while <see cref="Down"/>, refuses every call the way an unreachable cluster does, and while
    /// <see cref="Refusing"/> answers every search with the error a cluster gives for a missing index.
    /// </summary>
    private sealed class SwitchableIndex(SqliteSearchIndex inner) : ISearchIndex
    {
        public SqliteSearchIndex Inner => inner;

        public bool Down { get; set; }

        public Task IndexAsync(IEnumerable<SearchDocument> documents, CancellationToken cancellationToken = default) =>
            Down ? throw Unreachable() : inner.IndexAsync(documents, cancellationToken);

        public Task<int> DeleteAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default) =>
            Down ? throw Unreachable() : inner.DeleteAsync(ids, cancellationToken);

        public bool Refusing { get; set; }

        public Task<IReadOnlyList<SearchHit>> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default) =>
            Down ? throw Unreachable()
            : Refusing ? throw ElasticsearchException.FromResponse("POST", "/hotline/_search", 404,
                """{"error":{"type":"index_not_found_exception","reason":"no such index [hotline]"},"status":404}""")
            : inner.SearchAsync(request, cancellationToken);

        public Task<long> CountAsync(SearchFilter? filter = null, CancellationToken cancellationToken = default) =>
            Down ? throw Unreachable() : inner.CountAsync(filter, cancellationToken);

        private static SearchIndexUnavailableException Unreachable() => new("Connection refused (127.0.0.1:9200)");
    }
}
