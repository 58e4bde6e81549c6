namespace Hotline.Feedback;

/// <summary>The five 好差评 levels (national 好差评 platform spec): 2 and 1 are bad reviews (差评).</summary>
public enum RatingLevel
{
    VeryDissatisfied = 1, // 非常不满意
    Dissatisfied = 2,     // 不满意
    Acceptable = 3,       // 基本满意
    Satisfied = 4,        // 满意
    VerySatisfied = 5,    // 非常满意
}

/// <summary>Rules of the rating levels that every part of Feedback shares (issue 5 builds ratings on them).</summary>
public static class RatingLevels
{
    public static bool IsBadReview(RatingLevel level) => level is RatingLevel.Dissatisfied or RatingLevel.VeryDissatisfied;

    /// <summary>Satisfaction rate counts levels 5, 4 and 3 (满意率 = 5+4+3 over all ratings).</summary>
    public static bool CountsAsSatisfied(RatingLevel level) => level >= RatingLevel.Acceptable;

    public static string Label(RatingLevel level) => level switch
    {
        RatingLevel.VerySatisfied => "非常满意",
        RatingLevel.Satisfied => "满意",
        RatingLevel.Acceptable => "基本满意",
        RatingLevel.Dissatisfied => "不满意",
        RatingLevel.VeryDissatisfied => "非常不满意",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "A rating level is 1 to 5."),
    };

    public static bool TryParse(int value, out RatingLevel level)
    {
        level = (RatingLevel)value;
        return value is >= 1 and <= 5;
    }
}
