using Hotline.Knowledge.Search;

namespace Hotline.Knowledge.Tests.Search.Elasticsearch;

/// <summary>
/// The shared contract (<see cref="SearchIndexContract"/>) on a real cluster, plus a rebuild behind the alias. They run when
/// <c>HOTLINE_ELASTICSEARCH_URL</c> names one (for example a local Elasticsearch 8 or 9 with <c>xpack.security.enabled=false</c>
/// at <c>http://127.0.0.1:9200</c>; <c>HOTLINE_ELASTICSEARCH_API_KEY</c>, or <c>…_USERNAME</c> and <c>…_PASSWORD</c>, for a secured
/// one) and are reported as skipped otherwise. Each test works behind an alias of its own and deletes its indices afterwards.
/// </summary>
public sealed class ElasticsearchLiveTests : SearchIndexContract
{
    public const string UrlVariable = "HOTLINE_ELASTICSEARCH_URL";

    private readonly string _alias = $"hotline-test-{Guid.NewGuid():N}";

    private ElasticsearchSearchIndex Elasticsearch => (ElasticsearchSearchIndex)Index;

    protected override ISearchIndex CreateIndex()
    {
        var url = Environment.GetEnvironmentVariable(UrlVariable);
        Assert.SkipWhen(string.IsNullOrWhiteSpace(url),
            $"No Elasticsearch cluster: set {UrlVariable} (e.g. http://127.0.0.1:9200) to run the contract against one.");
        return new ElasticsearchSearchIndex(new ElasticsearchOptions
        {
            Url = url,
            Index = _alias,
            ApiKey = Variable("API_KEY"),
            UserName = Variable("USERNAME"),
            Password = Variable("PASSWORD"),
            Replicas = 0,
            TimeoutSeconds = 30,
        });

        static string? Variable(string name) => Environment.GetEnvironmentVariable("HOTLINE_ELASTICSEARCH_" + name) is { Length: > 0 } v ? v : null;
    }

    protected override async ValueTask DeleteIndexAsync(ISearchIndex index)
    {
        using var elasticsearch = (ElasticsearchSearchIndex)index;
        await elasticsearch.DeleteIndicesAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Reindex_MovesTheAliasToAFullNewIndex_AndDeletesTheOldOne()
    {
        await SeedAsync();
        var before = await Index.CountAsync(cancellationToken: Ct);

        var rebuilt = await Elasticsearch.ReindexAsync(
            [Article("streetlight", "路灯不亮怎么报修", "夜间路灯不亮可拨打12345报修。"), Article("gas", "燃气泄漏怎么办", "立即关闭阀门，开窗通风。")], Ct);

        Assert.Equal(4, before);
        Assert.Equal($"{_alias}-000001", rebuilt.PreviousIndex);
        Assert.Equal($"{_alias}-000002", rebuilt.Index);
        Assert.Equal(2, rebuilt.Documents);
        Assert.True(rebuilt.PreviousIndexDeleted);
        Assert.Equal(2, await Index.CountAsync(cancellationToken: Ct));
        Assert.Equal("gas", (await SearchAsync("燃气泄漏"))[0].Id);
        Assert.DoesNotContain(await SearchAsync("小区停水"), hit => hit.Id == "water");

        // Without documents: the cluster copies the current index into the next one.
        var copied = await Elasticsearch.ReindexAsync(null, Ct);

        Assert.Equal($"{_alias}-000002", copied.PreviousIndex);
        Assert.Equal($"{_alias}-000003", copied.Index);
        Assert.Equal(2, copied.Documents);
        Assert.Equal(2, await Index.CountAsync(cancellationToken: Ct));
        await Index.IndexAsync([Article("water", "小区停水的处理", "突发停水请联系供水公司抢修热线。")], Ct); // writes go to the new index
        Assert.Equal("water", (await SearchAsync("小区停水"))[0].Id);
    }
}
