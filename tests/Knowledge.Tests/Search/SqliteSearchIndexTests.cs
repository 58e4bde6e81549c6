using System.Diagnostics;
using Hotline.Knowledge.Search;

namespace Hotline.Knowledge.Tests.Search;

/// <summary>The embedded index on its own SQLite file, one file per test.</summary>
public sealed class SqliteSearchIndexTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"hotline-search-test-{Guid.NewGuid():N}.db");
    private readonly SqliteSearchIndex _index;

    public SqliteSearchIndexTests() => _index = new SqliteSearchIndex(_path);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SearchDocument Article(string id, string title, string body, string status = "published", string? category = null,
        string? department = null) =>
        new(id, title, body)
        {
            Category = category,
            Department = department,
            Metadata = new Dictionary<string, string> { ["status"] = status, ["validUntil"] = "2026-12-31" },
        };

    private async Task<IReadOnlyList<SearchHit>> SearchAsync(string text, SearchFilter? filter = null, int size = 10) =>
        await _index.SearchAsync(new SearchRequest(text) { Filter = filter, Size = size }, Ct);

    private Task SeedAsync() => _index.IndexAsync(
    [
        Article("streetlight", "路灯不亮怎么报修", "夜间路灯不亮、灯杆倾斜，可拨打12345或城管热线报修，维修单位一般在两个工作日内处理。",
            category: "城乡建设", department: "city-admin"),
        Article("water", "小区停水的处理", "计划停水会提前在小区公告；突发停水请联系供水公司抢修热线。", category: "城乡建设", department: "water"),
        Article("pension", "养老保险转移接续", "跨省流动就业人员的养老保险关系可以转移接续，缴费年限累计计算。", category: "劳动和社会保障",
            department: "hrss"),
        Article("draft-noise", "夜间施工噪音投诉", "夜间施工噪音扰民的，可向生态环境部门投诉。", status: "draft", category: "环境保护",
            department: "eco"),
    ], Ct);

    [Fact]
    public async Task Search_ChineseQuery_RanksTheMatchingArticleFirst()
    {
        await SeedAsync();

        var hits = await SearchAsync("我家门口的路灯坏了不亮，找谁报修？");

        Assert.Equal("streetlight", hits[0].Id);
        Assert.Equal("路灯不亮怎么报修", hits[0].Title);
        Assert.Equal("城乡建设", hits[0].Category);
        Assert.Equal("published", hits[0].Metadata["status"]);
        Assert.True(hits[0].Score > 0);
    }

    [Fact]
    public async Task Search_MessageWithTitleLine_UsesBothLines()
    {
        await SeedAsync();

        var hits = await SearchAsync("咨询养老保险\n我从外省来本市工作，以前交的社保能不能转过来？");

        Assert.Equal("pension", hits[0].Id);
    }

    [Fact]
    public async Task Index_SameIdAgain_ReplacesTheDocument()
    {
        await SeedAsync();

        await _index.IndexAsync([Article("water", "供电抢修", "突发停电请拨打供电服务热线95598。")], Ct);

        Assert.Equal(4, await _index.CountAsync(cancellationToken: Ct));
        Assert.DoesNotContain(await SearchAsync("停水了怎么办"), hit => hit.Id == "water");
        Assert.Equal("water", (await SearchAsync("停电抢修"))[0].Id);
    }

    [Fact]
    public async Task Delete_RemovesOnlyIndexedIds_AndReportsHowMany()
    {
        await SeedAsync();

        var deleted = await _index.DeleteAsync(["water", "no-such-id"], Ct);

        Assert.Equal(1, deleted);
        Assert.Equal(3, await _index.CountAsync(cancellationToken: Ct));
        Assert.DoesNotContain(await SearchAsync("小区停水"), hit => hit.Id == "water");
    }

    [Fact]
    public async Task Search_PublishedFilter_HidesDrafts()
    {
        await SeedAsync();

        Assert.Contains(await SearchAsync("夜间施工噪音"), hit => hit.Id == "draft-noise");
        Assert.DoesNotContain(await SearchAsync("夜间施工噪音", SearchFilter.Published), hit => hit.Id == "draft-noise");
    }

    [Fact]
    public async Task Search_CategoryAndDepartmentFilters_KeepOnlyMatchingDocuments()
    {
        await SeedAsync();

        var hits = await SearchAsync("热线", new SearchFilter { Category = "城乡建设", Department = "water" });

        Assert.Equal(["water"], hits.Select(h => h.Id));
    }

    [Fact]
    public async Task Count_WithFilter_CountsMatchingDocuments()
    {
        await SeedAsync();

        Assert.Equal(4, await _index.CountAsync(cancellationToken: Ct));
        Assert.Equal(3, await _index.CountAsync(SearchFilter.Published, Ct));
        Assert.Equal(2, await _index.CountAsync(new SearchFilter { Category = "城乡建设" }, Ct));
    }

    [Fact]
    public async Task Highlight_EscapesHtml_AndMarksMatchedTerms()
    {
        await _index.IndexAsync([Article("xss", "<b>路灯</b>维修", "<script>alert('路灯')</script> 路灯不亮请报修 & 等待")], Ct);

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
        await _index.IndexAsync([Article("long", "", filler + "关于道路积水的问题，已安排排水管理处疏通。" + filler)], Ct);

        var hit = Assert.Single(await SearchAsync("道路积水"));

        var fragment = Assert.Single(hit.Highlights["body"]);
        Assert.Contains("<em>道路积水</em>", fragment);
        Assert.StartsWith("…", fragment);
        Assert.EndsWith("…", fragment);
        Assert.False(hit.Highlights.ContainsKey("title"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    [InlineData("，。！？……")]
    [InlineData("😀😀🙏🏻👍")]
    [InlineData("尊敬的领导，您好！谢谢！")]
    public async Task Search_NothingToSearchFor_ReturnsNoHits(string text)
    {
        await SeedAsync();

        Assert.Empty(await SearchAsync(text));
    }

    [Fact]
    public async Task Search_EmptyIndex_ReturnsNoHits()
    {
        Assert.Empty(await SearchAsync("路灯不亮"));
        Assert.Equal(0, await _index.CountAsync(cancellationToken: Ct));
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
    public async Task Search_MixedScripts_MatchesLettersDigitsAndChinese()
    {
        await _index.IndexAsync(
        [
            Article("wifi", "", "K4县图书馆WiFi每天8:00至22:00免费开放，账号为读者证号。"),
            Article("bus", "", "K4县2路公交车自2024年起延长运营时间。"),
        ], Ct);

        Assert.Equal("wifi", (await SearchAsync("k4县 图书馆 wifi 几点开放"))[0].Id);
        Assert.Equal("bus", (await SearchAsync("2路公交 2024"))[0].Id);
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
        await _index.IndexAsync(
        [
            Article("k2", "", "K2区城管局：关于路灯不亮的问题，我局已安排维修，预计本周内恢复照明。"),
            Article("k4", "", "K4县城管局：关于路灯不亮的问题，我局已安排维修，预计本周内恢复照明。"),
        ], Ct);

        Assert.Equal("k4", (await SearchAsync("K4县城关镇的路灯不亮"))[0].Id);
        Assert.Equal("k2", (await SearchAsync("K2区解放路的路灯不亮"))[0].Id);
    }

    [Fact]
    public async Task Search_Paging_ReturnsTheNextHits()
    {
        await _index.IndexAsync(Enumerable.Range(1, 15).Select(i => Article($"d{i}", "", $"第{i}号公告：道路维修施工期间请绕行。")), Ct);

        var first = await _index.SearchAsync(new SearchRequest("道路维修") { Size = 10 }, Ct);
        var second = await _index.SearchAsync(new SearchRequest("道路维修") { Size = 10, From = 10 }, Ct);

        Assert.Equal(10, first.Count);
        Assert.Equal(5, second.Count);
        Assert.Empty(first.Select(h => h.Id).Intersect(second.Select(h => h.Id)));
    }

    [Fact]
    public async Task AnotherIndexOnTheSameFile_SeesWritesMadeAfterItsFirstSearch()
    {
        await SeedAsync();
        using var other = new SqliteSearchIndex(_path);
        Assert.Empty(await other.SearchAsync(new SearchRequest("燃气泄漏"), Ct));

        await _index.IndexAsync([Article("gas", "燃气泄漏怎么办", "发现燃气泄漏，立即关闭阀门，开窗通风，到室外拨打燃气抢修电话。")], Ct);

        Assert.Equal("gas", (await other.SearchAsync(new SearchRequest("燃气泄漏"), Ct))[0].Id);
    }

    [Fact]
    public async Task Index_InvalidMetadataKey_IsRejected_AndNothingIsWritten()
    {
        var bad = new SearchDocument("bad", "", "内容") { Metadata = new Dictionary<string, string> { ["status; DROP"] = "x" } };

        await Assert.ThrowsAsync<ArgumentException>(() => _index.IndexAsync([Article("ok", "", "内容"), bad], Ct));

        Assert.Equal(0, await _index.CountAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task Search_SizeOutOfRange_IsAnError()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _index.SearchAsync(new SearchRequest("路灯") { Size = 0 }, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _index.SearchAsync(new SearchRequest("路灯") { Size = 101 }, Ct));
    }

    public void Dispose()
    {
        _index.Dispose();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }
}
