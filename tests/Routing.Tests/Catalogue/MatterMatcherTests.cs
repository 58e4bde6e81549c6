using Hotline.Routing.Catalogue;
using Hotline.Routing.Departments;
using static Hotline.Routing.Tests.Catalogue.SampleCity;

namespace Hotline.Routing.Tests.Catalogue;

public sealed class MatterMatcherTests
{
    private static readonly CatalogueEntry Stalls = Entry("占道经营", AreaLevel.Street, keywords: ["占道", "摆摊", "流动摊贩"]);
    private static readonly CatalogueEntry NightWork = Entry("夜间施工噪音", AreaLevel.City, category: "environment", keywords: ["施工噪音", "噪音", "夜间施工"]);
    private static readonly CatalogueEntry Fund = Entry("住房公积金提取", AreaLevel.City, keywords: ["公积金", "ＡＰＰ提取"]);

    [Fact]
    public void Match_FindsEntriesByKeyword_BestFirst()
    {
        var matches = MatterMatcher.Match("楼下每天晚上有人摆摊占道，还有施工噪音", [Stalls, NightWork, Fund]);
        Assert.Equal(["占道经营", "夜间施工噪音"], matches.Select(m => m.Entry.Name));
        Assert.Equal(["占道", "摆摊"], matches[0].Terms);
        Assert.True(matches[0].Strong);
    }

    [Fact]
    public void Match_AWordInsideAnotherMatchedWord_CountsOnce()
    {
        var match = Assert.Single(MatterMatcher.Match("工地施工噪音太大", [NightWork]));
        Assert.Equal(["施工噪音"], match.Terms);
        Assert.Equal(4, match.Score);
    }

    [Fact]
    public void Match_OneShortWord_IsWeak()
    {
        var match = Assert.Single(MatterMatcher.Match("噪音", [NightWork]));
        Assert.False(match.Strong);
    }

    [Fact]
    public void Match_FoldsWidthCaseAndSpaces() =>
        Assert.Single(MatterMatcher.Match("用 app 提取 公积 金", [Fund]));

    [Fact]
    public void Match_NothingNamed_GivesNothing()
    {
        Assert.Empty(MatterMatcher.Match("路灯不亮", [Stalls, NightWork, Fund]));
        Assert.Empty(MatterMatcher.Match(null, [Stalls]));
    }
}
