using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Text;
using Hotline.Intake.Duplicates;
using static Hotline.Intake.Tests.Duplicates.SampleTickets;

namespace Hotline.Intake.Tests.Duplicates;

public sealed class TextSimilarityTests
{
    private static readonly DuplicateOptions Defaults = new();

    [Fact]
    public void Score_IdenticalText_IsOne()
    {
        Assert.Equal(1.0, TextSimilarity.Score(LiftBroken, LiftBroken, Statistics), 9);
        Assert.Equal(1.0, TextSimilarity.Score(LiftBroken, LiftBroken), 9);
    }

    [Fact]
    public void Score_SameComplaintReworded_ReachesTheMergeThreshold()
    {
        var score = TextSimilarity.Score(LiftBroken, LiftReworded, Statistics);

        Assert.True(score >= Defaults.MergeThreshold, $"score {score}");
    }

    [Fact]
    public void Score_DifferentMatterInTheSameComplex_StaysBelowTheMergeThreshold()
    {
        var score = TextSimilarity.Score(LiftBroken, NightStallNoise, Statistics);

        Assert.True(score < Defaults.MergeThreshold, $"score {score}");
    }

    [Fact]
    public void Score_SameComplaintReworded_ScoresAboveDifferentMatterInTheSameComplex()
    {
        Assert.True(TextSimilarity.Score(LiftBroken, LiftReworded, Statistics) > 2 * TextSimilarity.Score(LiftBroken, NightStallNoise, Statistics));
    }

    [Fact]
    public void Score_TitleWeighsMoreThanText()
    {
        var sameTitle = TextProfile.Of("电梯困人，物业不修。", "幸福小区电梯故障", Statistics);
        var otherTitle = TextProfile.Of("电梯困人，物业不修。", "幸福小区夜宵摊噪音", Statistics);
        var ticket = TextProfile.Of("今天又出问题了。", "幸福小区电梯故障", Statistics);

        Assert.True(TextSimilarity.Score(sameTitle, ticket) > TextSimilarity.Score(otherTitle, ticket));
    }

    [Fact]
    public void Score_OnlyPolitenessInCommon_IsZero()
    {
        var score = TextSimilarity.Score("您好，尊敬的领导，请问：" + WaterMainBurst + "谢谢！",
            "您好，尊敬的领导，请问：" + NightStallNoise + "谢谢！", Statistics);

        Assert.Equal(0.0, score, 9);
    }

    [Fact]
    public void Score_IsSymmetric()
    {
        Assert.Equal(TextSimilarity.Score(LiftBroken, LiftReworded, Statistics), TextSimilarity.Score(LiftReworded, LiftBroken, Statistics), 12);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("😀😀👍🏻！！？？")]
    [InlineData("您好，请问？谢谢！")]
    public void Score_NothingToCompare_IsZeroAndTheProfileIsEmpty(string text)
    {
        Assert.True(TextProfile.Of(text, null, Statistics).IsEmpty);
        Assert.Equal(0.0, TextSimilarity.Score(text, LiftBroken, Statistics));
        Assert.Equal(0.0, TextSimilarity.Score(text, text, Statistics));
    }

    [Fact]
    public void Score_HundredThousandCharacters_IsQuickAndStillMatchesItself()
    {
        var huge = new StringBuilder();
        for (var i = 0; huge.Length < 100_000; i++)
        {
            huge.Append(LiftBroken).Append(i).Append("号楼反映情况，").Append((char)('一' + (i * 7919 % 20_000)));
        }
        var text = huge.ToString();

        var watch = Stopwatch.StartNew();
        var self = TextSimilarity.Score(text, text, Statistics);
        var other = TextSimilarity.Score(text, LiftBroken, Statistics);

        Assert.Equal(1.0, self, 9);
        Assert.InRange(other, 0.0, 1.0);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Options_OutOfRange_FailValidation()
    {
        var results = new List<ValidationResult>();
        var options = new DuplicateOptions { EventThreshold = 1.5, EventWindowHours = 0 };

        var valid = Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);

        Assert.False(valid);
        Assert.Equal(2, results.Count);
        Assert.True(Validator.TryValidateObject(Defaults, new ValidationContext(Defaults), [], validateAllProperties: true));
    }
}
