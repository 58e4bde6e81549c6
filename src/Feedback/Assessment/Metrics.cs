using Hotline.Routing.Tickets;

namespace Hotline.Feedback.Assessment;

/// <summary>The figures of a department's assessment (domain.md "Assessment (考核) and statistics").</summary>
public enum Metric
{
    ResponseRate,               // 响应率: assignments signed (or properly returned) by the sign deadline
    OnTimeSignRate,             // 按时签收率: signatures made by the deadline
    SolutionRate,               // 解决率: callbacks where the citizen said it was solved
    SatisfactionRate,           // 满意率: ratings 5, 4 and 3 over all ratings
    OnTimeCompletionRate,       // 按时办结率: replies by the (extended) reply deadline, missed deadlines included
    FirstContactResolutionRate, // 一次办结率: closed without re-handling (重办)
    ReturnRate,                 // 退单率: approved returns over assignments
    ImproperReturns,            // 不当退单: returns the centre rejected
    RepeatRate,                 // 重复诉求率: the same caller about the same category again within the window
    BadReviews,                 // 差评: ratings 2 and 1
    RectifiedOnTime,            // 差评按时整改率: rectifications reported back by their deadline
    RealNameCallbackRate,       // 实名差评回访率
    AppealsUpheld,              // 申诉成立
}

/// <summary>What each figure means, how it is shown, and which way is good.</summary>
public static class Metrics
{
    public static string Label(Metric metric) => metric switch
    {
        Metric.ResponseRate => "响应率",
        Metric.OnTimeSignRate => "按时签收率",
        Metric.SolutionRate => "解决率",
        Metric.SatisfactionRate => "满意率",
        Metric.OnTimeCompletionRate => "按时办结率",
        Metric.FirstContactResolutionRate => "一次办结率",
        Metric.ReturnRate => "退单率",
        Metric.ImproperReturns => "不当退单",
        Metric.RepeatRate => "重复诉求率",
        Metric.BadReviews => "差评",
        Metric.RectifiedOnTime => "差评按时整改率",
        Metric.RealNameCallbackRate => "实名差评回访率",
        Metric.AppealsUpheld => "申诉成立",
    };

    /// <summary>A rate (met over counted) rather than a count; only rates can carry a weight in the score.</summary>
    public static bool IsRate(Metric metric) => metric is not (Metric.ImproperReturns or Metric.BadReviews or Metric.AppealsUpheld);

    /// <summary>A rate where less is better (退单率, 重复诉求率): the score uses one minus it.</summary>
    public static bool LowerIsBetter(Metric metric) => metric is Metric.ReturnRate or Metric.RepeatRate;

    /// <summary>The API's name of a figure (camelCase of the enum), as used in query strings and exports.</summary>
    public static string Key(Metric metric) => char.ToLowerInvariant(metric.ToString()[0]) + metric.ToString()[1..];

    public static bool TryParse(string? key, out Metric metric)
    {
        metric = default;
        return key is { Length: > 0 } && Enum.TryParse(key, ignoreCase: true, out metric) && Enum.IsDefined(metric) && !int.TryParse(key, out _);
    }
}

/// <summary>
/// The tickets behind one figure: those that met it and those counted that did not. A rate is met over (met + missed); a count
/// is the number met. Keeping the tickets, not just numbers, is what lets every figure drill down to its tickets, and lets a
/// district's figure be the sum of its streets' (figures add; rates do not).
/// </summary>
public sealed class Tally
{
    public List<TicketId> Met { get; } = [];
    public List<TicketId> Missed { get; } = [];

    public int Counted => Met.Count + Missed.Count;

    public double? Rate => Counted == 0 ? null : (double)Met.Count / Counted;

    public void Add(TicketId ticket, bool met) => (met ? Met : Missed).Add(ticket);

    public void AddAll(Tally other)
    {
        Met.AddRange(other.Met);
        Missed.AddRange(other.Missed);
    }
}

/// <summary>Every figure of one department (or of a department with everything under it) for one period.</summary>
public sealed class DepartmentFigures
{
    public Dictionary<Metric, Tally> Tallies { get; } = Enum.GetValues<Metric>().ToDictionary(m => m, _ => new Tally());

    /// <summary>Ratings by level, 1 to 5 (index 0 unused), appeals upheld excluded.</summary>
    public int[] RatingsByLevel { get; } = new int[6];

    public Tally this[Metric metric] => Tallies[metric];

    public void AddAll(DepartmentFigures other)
    {
        foreach (var (metric, tally) in other.Tallies)
        {
            Tallies[metric].AddAll(tally);
        }
        for (var level = 1; level <= 5; level++)
        {
            RatingsByLevel[level] += other.RatingsByLevel[level];
        }
    }

    /// <summary>The weighted score, 0–100, over the weighted rates that have anything to count; null when none has.</summary>
    public double? Score(IReadOnlyDictionary<Metric, double> weights)
    {
        double sum = 0, total = 0;
        foreach (var (metric, weight) in weights)
        {
            if (weight <= 0 || Tallies[metric].Rate is not { } rate)
            {
                continue;
            }
            sum += weight * (Metrics.LowerIsBetter(metric) ? 1 - rate : rate);
            total += weight;
        }
        return total == 0 ? null : Math.Round(100 * sum / total, 2);
    }
}
