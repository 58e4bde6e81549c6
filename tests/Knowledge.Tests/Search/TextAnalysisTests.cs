using Hotline.Knowledge.Search;

namespace Hotline.Knowledge.Tests.Search;

public sealed class TextAnalysisTests
{
    [Theory]
    [InlineData("道路破损")]
    [InlineData("A3区的路灯，2024！")]
    [InlineData("水")]
    [InlineData("K4县WiFi信号差，ＡＢＣ全角字母")]
    [InlineData("😀停水😀了 x 各位")]
    [InlineData("")]
    public void TermScanner_YieldsExactlyTheTermsTheIndexStores(string text)
    {
        var scanned = new List<(long Key, string Text)>();
        var scanner = new TermScanner(text);
        while (scanner.MoveNext())
        {
            scanned.Add((scanner.Key, text.Substring(scanner.Start, scanner.Length).ToLowerInvariant()));
        }

        var stored = ChineseText.Bigrams(text).ToList();
        Assert.Equal(stored, scanned.Select(s => s.Text));
        Assert.Equal(stored.Select(TermKeys.Of), scanned.Select(s => s.Key));
    }

    [Fact]
    public void TermKeys_DistinguishKinds()
    {
        long[] keys = [TermKeys.Unigram('路'), TermKeys.Bigram('道', '路'), TermKeys.Trigram('道', '路', '灯'), TermKeys.Token("a3")];

        Assert.Equal(keys.Length, keys.Distinct().Count());
        Assert.Equal(TermKeys.Token("A3"), TermKeys.Token("a3"));
        Assert.Equal((TermKeys.Bigram('道', '路'), TermKeys.Bigram('路', '灯')), TermKeys.BigramsOf(TermKeys.Trigram('道', '路', '灯')));
    }

    [Fact]
    public void Quotes_KeepChinesePassages_NotUserNames()
    {
        var quotes = TextAnalysis.Quotes("网友“UU008502”：您反映的“A2区景蓉花苑物业管理有问题”已收悉，依据《物业管理条例》处理。");

        Assert.Equal("A2区景蓉花苑物业管理有问题，物业管理条例，", quotes);
    }

    [Theory]
    [InlineData("路灯不亮\n我家门口的路灯坏了", "路灯不亮", "我家门口的路灯坏了")]
    [InlineData("路灯不亮", "", "路灯不亮")]
    [InlineData("路灯不亮\n", "", "路灯不亮\n")]
    public void SplitTitle_ReadsAShortFirstLineAsTitle(string text, string title, string content)
    {
        Assert.Equal((title, content), TextAnalysis.SplitTitle(text));
    }

    [Fact]
    public void RemoveCourtesy_CutsFormulasWithoutJoiningTheirNeighbours()
    {
        Assert.Equal("，，路灯不亮，", TextAnalysis.RemoveCourtesy("尊敬的领导路灯不亮谢谢"));
    }

    [Theory]
    [InlineData("K4县城关镇", "K4县城管局", 1)]
    [InlineData("K4县城关镇", "K市交通局", 0.5)]
    [InlineData("K4县城关镇", "K2区城管局", -0.5)]
    [InlineData("K4县城关镇", "A市交通局", -1)]
    [InlineData("城关镇", "K2区城管局", 0)]
    [InlineData("K4县城关镇", "城管局", 0)]
    public void AreaFit_ComparesCitiesAndDistricts(string query, string document, double fit)
    {
        Assert.Equal(fit, TextAnalysis.AreaFit(TextAnalysis.Areas(query, []), TextAnalysis.Areas(document, [])));
    }

    [Fact]
    public void Areas_IncludeConfiguredPlaceNames()
    {
        Assert.Equal(["天河区"], TextAnalysis.Areas("天河区体育西路路灯不亮", ["天河区", "番禺区"]));
    }
}
