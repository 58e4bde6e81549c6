namespace Hotline.Knowledge.Tests;

public sealed class ChineseTextTests
{
    [Fact]
    public void Bigrams_OfChineseRun_AreOverlappingPairs()
    {
        Assert.Equal(["道路", "路破", "破损"], ChineseText.Bigrams("道路破损"));
    }

    [Fact]
    public void Bigrams_MixedScripts_KeepLatinAndDigitRunsWhole()
    {
        Assert.Equal(["a3", "区的", "的路", "路灯", "2024"], ChineseText.Bigrams("A3区的路灯，2024！"));
    }

    [Fact]
    public void Bigrams_SingleIdeograph_IsKeptAsUnigram()
    {
        Assert.Equal(["水"], ChineseText.Bigrams("水"));
    }

    [Fact]
    public void Bigrams_EmojiAndPunctuation_ProduceNothing()
    {
        Assert.Empty(ChineseText.Bigrams("😀😀！？"));
    }
}
