using System.Diagnostics;
using Hotline.Knowledge.Search;

namespace Hotline.Knowledge.Tests.Search;

/// <summary>
/// The embedded index on its own SQLite file, one file per test: the shared contract (<see cref="SearchIndexContract"/>) and what
/// is particular to it — its exact escaping and "…" around passages, one-character queries, the re-ranking by area, a second
/// instance on the same file, and speed on a huge query.
/// </summary>
public sealed class SqliteSearchIndexTests : SearchIndexContract
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"hotline-search-test-{Guid.NewGuid():N}.db");

    private SqliteSearchIndex Sqlite => (SqliteSearchIndex)Index;

    protected override ISearchIndex CreateIndex() => new SqliteSearchIndex(_path);

    protected override ValueTask DeleteIndexAsync(ISearchIndex index)
    {
        ((SqliteSearchIndex)index).Dispose();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Highlight_EscapesLikeWebUtility_AndMarksMatchedCharacters()
    {
        await Sqlite.IndexAsync([Article("xss", "<b>路灯</b>维修", "<script>alert('路灯')</script> 路灯不亮请报修 & 等待")], Ct);

        var hit = Assert.Single(await SearchAsync("路灯不亮"));

        var body = Assert.Single(hit.Highlights["body"]);
        Assert.DoesNotContain("<script>", body);
        Assert.Contains("&lt;script&gt;", body);
        Assert.Contains("&amp;", body);
        Assert.Contains("<em>路灯不亮</em>", body);
        Assert.Equal("&lt;b&gt;<em>路灯</em>&lt;/b&gt;维修", Assert.Single(hit.Highlights["title"]));
    }

    [Fact]
    public async Task Highlight_LongBody_ShowsTheMatchingPassage()
    {
        var filler = string.Concat(Enumerable.Repeat("本单位依法依规开展工作，", 40));
        await Sqlite.IndexAsync([Article("long", "", filler + "关于道路积水的问题，已安排排水管理处疏通。" + filler)], Ct);

        var hit = Assert.Single(await SearchAsync("道路积水"));

        var fragment = Assert.Single(hit.Highlights["body"]);
        Assert.Contains("<em>道路积水</em>", fragment);
        Assert.StartsWith("…", fragment);
        Assert.EndsWith("…", fragment);
        Assert.False(hit.Highlights.ContainsKey("title"));
    }

    [Fact]
    public async Task Search_HundredThousandCharacterQuery_AnswersQuickly()
    {
        await SeedAsync();
        var query = "路灯不亮" + string.Concat(Enumerable.Repeat("这是一段很长的重复文字，用来测试超长输入。", 5_000))[..99_996];
        Assert.Equal(100_000, query.Length);

        var watch = Stopwatch.StartNew();
        var hits = await SearchAsync(query);

        Assert.Equal("streetlight", hits[0].Id);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Search_OneCharacter_FindsItInsideWords()
    {
        await SeedAsync();

        var hits = await SearchAsync("水");

        Assert.Equal("water", hits[0].Id);
        Assert.Contains("<em>水</em>", hits[0].Highlights["body"][0]);
    }

    [Fact]
    public async Task Search_AreaInQuery_PrefersTheDocumentAboutThatArea()
    {
        await Sqlite.IndexAsync(
        [
            Article("k2", "", "K2区城管局：关于路灯不亮的问题，我局已安排维修，预计本周内恢复照明。"),
            Article("k4", "", "K4县城管局：关于路灯不亮的问题，我局已安排维修，预计本周内恢复照明。"),
        ], Ct);

        Assert.Equal("k4", (await SearchAsync("K4县城关镇的路灯不亮"))[0].Id);
        Assert.Equal("k2", (await SearchAsync("K2区解放路的路灯不亮"))[0].Id);
    }

    [Fact]
    public async Task AnotherIndexOnTheSameFile_SeesWritesMadeAfterItsFirstSearch()
    {
        await SeedAsync();
        using var other = new SqliteSearchIndex(_path);
        Assert.Empty(await other.SearchAsync(new SearchRequest("燃气泄漏"), Ct));

        await Sqlite.IndexAsync([Article("gas", "燃气泄漏怎么办", "发现燃气泄漏，立即关闭阀门，开窗通风，到室外拨打燃气抢修电话。")], Ct);

        Assert.Equal("gas", (await other.SearchAsync(new SearchRequest("燃气泄漏"), Ct))[0].Id);
    }
}
