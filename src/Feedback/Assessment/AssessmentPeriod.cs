using Hotline.Routing;
using NodaTime;
using NodaTime.Text;

namespace Hotline.Feedback.Assessment;

public enum PeriodKind
{
    Day,
    Week,
    Month,
    Quarter,
    Custom,
}

/// <summary>
/// The dates an assessment covers, first to last inclusive, in Beijing time (Asia/Shanghai): a day, an ISO week (Monday to
/// Sunday), a calendar month or quarter containing a date, or any range up to a year. <see cref="Previous"/> is the period of
/// the same kind just before, for trends.
/// </summary>
public sealed record AssessmentPeriod(PeriodKind Kind, LocalDate First, LocalDate Last)
{
    public static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>Custom ranges are limited, so one report cannot load years of timelines at once.</summary>
    public const int MaxCustomDays = 366;

    public Instant Start => First.AtStartOfDayInZone(Zone).ToInstant();

    public Instant End => Last.PlusDays(1).AtStartOfDayInZone(Zone).ToInstant();

    public AssessmentPeriod Previous() => Kind switch
    {
        PeriodKind.Day => Containing(PeriodKind.Day, First.PlusDays(-1)),
        PeriodKind.Week => Containing(PeriodKind.Week, First.PlusDays(-7)),
        PeriodKind.Month => Containing(PeriodKind.Month, First.PlusMonths(-1)),
        PeriodKind.Quarter => Containing(PeriodKind.Quarter, First.PlusMonths(-3)),
        _ => new AssessmentPeriod(PeriodKind.Custom, First.PlusDays(-(Period.Between(First, Last, PeriodUnits.Days).Days + 1)), First.PlusDays(-1)),
    };

    public static AssessmentPeriod Containing(PeriodKind kind, LocalDate date) => kind switch
    {
        PeriodKind.Day => new(kind, date, date),
        PeriodKind.Week => new(kind, date.PlusDays(-((int)date.DayOfWeek - 1)), date.PlusDays(7 - (int)date.DayOfWeek)),
        PeriodKind.Month => new(kind, new LocalDate(date.Year, date.Month, 1), new LocalDate(date.Year, date.Month, 1).PlusMonths(1).PlusDays(-1)),
        PeriodKind.Quarter => new(kind, new LocalDate(date.Year, (date.Month - 1) / 3 * 3 + 1, 1), new LocalDate(date.Year, (date.Month - 1) / 3 * 3 + 1, 1).PlusMonths(3).PlusDays(-1)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A custom period has explicit dates."),
    };

    /// <summary>
    /// Reads a period from a query: <c>period</c> (day, week, month, quarter; month by default) around <c>date</c> (today by
    /// default), or <c>from</c> and <c>to</c> for a custom range.
    /// </summary>
    public static (AssessmentPeriod? Period, HotlineError? Error) Parse(string? period, string? date, string? from, string? to, LocalDate today)
    {
        if (from is { Length: > 0 } || to is { Length: > 0 })
        {
            if (Date(from) is not { } first || Date(to) is not { } last)
            {
                return (null, ValidationFailed.One("from", $"自定义时段请同时填写 from 和 to，格式为 yyyy-MM-dd，年份在 {MinYear} 到 {MaxYear} 之间。"));
            }
            if (last < first || Period.Between(first, last, PeriodUnits.Days).Days + 1 > MaxCustomDays)
            {
                return (null, ValidationFailed.One("to", $"结束日期不能早于开始日期，时段不超过 {MaxCustomDays} 天。"));
            }
            return (new AssessmentPeriod(PeriodKind.Custom, first, last), null);
        }
        PeriodKind kind;
        if (period is not { Length: > 0 })
        {
            kind = PeriodKind.Month;
        }
        else if (!Enum.TryParse(period, ignoreCase: true, out kind) || kind == PeriodKind.Custom || !Enum.IsDefined(kind) || int.TryParse(period, out _))
        {
            return (null, ValidationFailed.One("period", "统计周期应为 day、week、month 或 quarter；自定义时段请用 from 和 to。"));
        }
        var day = today;
        if (date is { Length: > 0 })
        {
            if (Date(date) is not { } given)
            {
                return (null, ValidationFailed.One("date", $"日期格式应为 yyyy-MM-dd，年份在 {MinYear} 到 {MaxYear} 之间。"));
            }
            day = given;
        }
        return (Containing(kind, day), null);
    }

    /// <summary>A date of the years a hotline can have data for; anything else (year 9999, year 1) is refused, not computed.</summary>
    private static LocalDate? Date(string? text) =>
        text is { Length: > 0 } && LocalDatePattern.Iso.Parse(text.Trim()) is { Success: true } parsed && parsed.Value.Year is >= MinYear and <= MaxYear
            ? parsed.Value
            : null;

    public const int MinYear = 2000;
    public const int MaxYear = 2100;
}
