namespace Hotline.Feedback.Tests;

public sealed class RatingLevelsTests
{
    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(4, false)]
    [InlineData(5, false)]
    public void IsBadReview_OnlyLevelsOneAndTwo(int value, bool bad)
    {
        Assert.True(RatingLevels.TryParse(value, out var level));
        Assert.Equal(bad, RatingLevels.IsBadReview(level));
        Assert.Equal(!bad, RatingLevels.CountsAsSatisfied(level));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(-1)]
    public void TryParse_OutsideOneToFive_IsRefused(int value)
    {
        Assert.False(RatingLevels.TryParse(value, out _));
    }

    [Fact]
    public void Label_IsTheNationalWording()
    {
        Assert.Equal("非常满意", RatingLevels.Label(RatingLevel.VerySatisfied));
        Assert.Equal("基本满意", RatingLevels.Label(RatingLevel.Acceptable));
        Assert.Equal("非常不满意", RatingLevels.Label(RatingLevel.VeryDissatisfied));
    }
}
