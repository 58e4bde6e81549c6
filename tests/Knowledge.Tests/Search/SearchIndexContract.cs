using System.Net;
using System.Text.RegularExpressions;
using Hotline.Knowledge.Search;

namespace Hotline.Knowledge.Tests.Search;

/// <summary>
/// What every <see cref="ISearchIndex"/> promises, written once and run against each implementation: the embedded index always
/// (<see cref="SqliteSearchIndexTests"/>), Elasticsearch when a cluster is given (<see cref="Elasticsearch.ElasticsearchLiveTests"/>). Each
/// test gets an empty index of its own. Ranking details that belong to one implementation are tested beside it, not here.
/// </summary>
public abstract partial class SearchIndexContract : IAsyncDisposable
{
    private ISearchIndex? _index;

    /// <summary>The index under test, created empty on first use.</summary>
    protected ISearchIndex Index => _index ??= CreateIndex();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new, empty index for one test; skips the test (<see cref="Assert.Skip(string)"/>) when its store is not available.</summary>
    protected abstract ISearchIndex CreateIndex();

    /// <summary>Removes what <see cref="CreateIndex"/> made.</summary>
    protected abstract ValueTask DeleteIndexAsync(ISearchIndex index);

    protected static SearchDocument Article(string id, string title, string body, string status = "published", string? category = null,
        string? department = null) =>
        new(id, title, body)
        {
            Category = category,
            Department = department,
            Metadata = new Dictionary<string, string> { ["status"] = status, ["validUntil"] = "2026-12-31" },
        };

    protected async Task<IReadOnlyList<SearchHit>> SearchAsync(string text, SearchFilter? filter = null, int size = 10) =>
        await Index.SearchAsync(new SearchRequest(text) { Filter = filter, Size = size }, Ct);

    protected Task SeedAsync() => Index.IndexAsync(
    [
        Article("streetlight", "路灯不亮怎么报修", "夜间路灯不亮、灯杆倾斜，可拨打12345或城管热线报修，维修单位一般在两个工作日内处理。",
            category: "城乡建设", department: "city-admin"),
        Article("water", "小区停水的处理", "计划停水会提前在小区公告；突发停水请联系供水公司抢修热线。", category: "城乡建设", department: "water"),
        Article("pension", "养老保险转移接续", "跨省流动就业人员的养老保险关系可以转移接续，缴费年限累计计算。", category: "劳动和社会保障",
            department: "hrss"),
        Article("draft-noise", "夜间施工噪音投诉", "夜间施工噪音扰民的，可向生态环境部门投诉。", status: "draft", category: "环境保护",
            department: "eco"),
    ], Ct);

    /// <summary>
    /// Checks that <paramref name="fragment"/> is HTML-escaped text with <c>&lt;em&gt;</c> as its only markup, and returns the text
    /// it shows (tags removed, entities decoded, the embedded index's "…" around a passage dropped). Implementations may escape
    /// differently (<c>/</c> as <c>&amp;#x2F;</c> or not); what the page receives must be the same.
    /// </summary>
    protected static string ShownText(string fragment)
    {
        var text = fragment.Replace("<em>", "", StringComparison.Ordinal).Replace("</em>", "", StringComparison.Ordinal);
        Assert.DoesNotContain('<', text);
        Assert.DoesNotContain('>', text);
        Assert.DoesNotMatch(BareAmpersand(), text);
        return WebUtility.HtmlDecode(text).Trim('…');
    }

    [Fact]
    public async Task Search_ChineseQuery_RanksTheMatchingArticleFirst()
    {
        await SeedAsync();

        var hits = await SearchAsync("我家门口的路灯坏了不亮，找谁报修？");

        Assert.Equal("streetlight", hits[0].Id);
        Assert.Equal("路灯不亮怎么报修", hits[0].Title);
        Assert.Equal("城乡建设", hits[0].Category);
        Assert.Equal("city-admin", hits[0].Department);
        Assert.Equal("published", hits[0].Metadata["status"]);
        Assert.Equal("2026-12-31", hits[0].Metadata["validUntil"]);
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

        await Index.IndexAsync([Article("water", "供电抢修", "突发停电请拨打供电服务热线95598。")], Ct);

        Assert.Equal(4, await Index.CountAsync(cancellationToken: Ct));
        Assert.DoesNotContain(await SearchAsync("停水了怎么办"), hit => hit.Id == "water");
        Assert.Equal("water", (await SearchAsync("停电抢修"))[0].Id);
    }

    [Fact]
    public async Task Delete_RemovesOnlyIndexedIds_AndReportsHowMany()
    {
        await SeedAsync();

        var deleted = await Index.DeleteAsync(["water", "no-such-id"], Ct);

        Assert.Equal(1, deleted);
        Assert.Equal(3, await Index.CountAsync(cancellationToken: Ct));
        Assert.DoesNotContain(await SearchAsync("小区停水"), hit => hit.Id == "water");
        Assert.Equal(0, await Index.DeleteAsync([], Ct));
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

        Assert.Equal(4, await Index.CountAsync(cancellationToken: Ct));
        Assert.Equal(3, await Index.CountAsync(SearchFilter.Published, Ct));
        Assert.Equal(2, await Index.CountAsync(new SearchFilter { Category = "城乡建设" }, Ct));
        Assert.Equal(1, await Index.CountAsync(new SearchFilter { Category = "城乡建设", Department = "water" }, Ct));
        Assert.Equal(0, await Index.CountAsync(new SearchFilter { Metadata = new Dictionary<string, string> { ["status"] = "expired" } }, Ct));
    }

    [Fact]
    public async Task Highlight_EscapesHtml_AndMarksMatchedTerms()
    {
        const string Title = "<b>路灯</b>维修";
        const string Body = "<script>alert('路灯')</script> 路灯不亮请报修 & 等待";
        await Index.IndexAsync([Article("xss", Title, Body)], Ct);

        var hit = Assert.Single(await SearchAsync("路灯不亮"));

        var body = Assert.Single(hit.Highlights["body"]);
        Assert.Contains("<em>路灯不亮</em>", body);
        Assert.Contains("&lt;script&gt;", body);
        Assert.Contains("&amp;", body);
        Assert.Equal(Body, ShownText(body));
        var title = Assert.Single(hit.Highlights["title"]);
        Assert.Contains("<em>路灯</em>", title);
        Assert.Equal(Title, ShownText(title));
    }

    [Fact]
    public async Task Highlight_LongBody_ShowsAPassageAroundTheMatch()
    {
        var filler = string.Concat(Enumerable.Repeat("本单位依法依规开展工作，", 40));
        var text = filler + "关于道路积水的问题，已安排排水管理处疏通。" + filler;
        await Index.IndexAsync([Article("long", "", text)], Ct);

        var hit = Assert.Single(await SearchAsync("道路积水"));

        var fragment = Assert.Single(hit.Highlights["body"]);
        Assert.Contains("<em>道路积水</em>", fragment);
        var shown = ShownText(fragment);
        Assert.Contains(shown, text, StringComparison.Ordinal);
        Assert.True(shown.Length < text.Length, $"the whole body ({text.Length} characters) came back as the fragment");
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
        Assert.Equal(0, await Index.CountAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task Search_VeryLongQuery_AnalysesItsBeginning()
    {
        await SeedAsync();
        var query = "路灯不亮" + string.Concat(Enumerable.Repeat("这是一段很长的重复文字，用来测试超长输入。", 5_000))[..99_996];

        var hits = await SearchAsync(query);

        Assert.Equal("streetlight", hits[0].Id);
    }

    [Fact]
    public async Task Search_MixedScripts_MatchesLettersDigitsAndChinese()
    {
        await Index.IndexAsync(
        [
            Article("wifi", "", "K4县图书馆WiFi每天8:00至22:00免费开放，账号为读者证号。"),
            Article("bus", "", "K4县2路公交车自2024年起延长运营时间。"),
        ], Ct);

        Assert.Equal("wifi", (await SearchAsync("k4县 图书馆 wifi 几点开放"))[0].Id);
        Assert.Equal("bus", (await SearchAsync("2路公交 2024"))[0].Id);
    }

    [Fact]
    public async Task Search_Paging_ReturnsTheNextHits()
    {
        await Index.IndexAsync(Enumerable.Range(1, 15).Select(i => Article($"d{i}", "", $"第{i}号公告：道路维修施工期间请绕行。")), Ct);

        var first = await Index.SearchAsync(new SearchRequest("道路维修") { Size = 10 }, Ct);
        var second = await Index.SearchAsync(new SearchRequest("道路维修") { Size = 10, From = 10 }, Ct);

        Assert.Equal(10, first.Count);
        Assert.Equal(5, second.Count);
        Assert.Empty(first.Select(h => h.Id).Intersect(second.Select(h => h.Id)));
    }

    [Fact]
    public async Task Index_InvalidMetadataKey_IsRejected_AndNothingIsWritten()
    {
        var bad = new SearchDocument("bad", "", "内容") { Metadata = new Dictionary<string, string> { ["status; DROP"] = "x" } };

        await Assert.ThrowsAsync<ArgumentException>(() => Index.IndexAsync([Article("ok", "", "内容"), bad], Ct));

        Assert.Equal(0, await Index.CountAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task Search_SizeOutOfRange_IsAnError()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Index.SearchAsync(new SearchRequest("路灯") { Size = 0 }, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Index.SearchAsync(new SearchRequest("路灯") { Size = 101 }, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Index.SearchAsync(new SearchRequest("路灯") { From = 995, Size = 10 }, Ct));
    }

    public async ValueTask DisposeAsync()
    {
        if (_index is not null)
        {
            await DeleteIndexAsync(_index);
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>An ampersand that does not start a character reference: text that was not escaped.</summary>
    [GeneratedRegex("&(?![A-Za-z]+;|#[0-9]+;|#[xX][0-9A-Fa-f]+;)")]
    private static partial Regex BareAmpersand();
}
