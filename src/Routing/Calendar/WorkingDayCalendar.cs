using NodaTime;

namespace Hotline.Routing.Calendar;

/// <summary>One State Council notice (国务院办公厅关于某年部分节假日安排的通知): the days off and the weekend days worked instead (调休).</summary>
public sealed record HolidayNotice(
    int Year,
    string Title,
    IReadOnlyList<HolidayPeriod> Holidays,
    IReadOnlyList<LocalDate> WorkingWeekendDays,
    string? Source = null);

/// <summary>A block of consecutive days off, inclusive at both ends, as the notice lists it.</summary>
public sealed record HolidayPeriod(string Name, LocalDate From, LocalDate To);

/// <summary>Thrown when a date falls in a year with no published notice. Guessing would silently move legal deadlines.</summary>
public sealed class CalendarYearMissingException(int year)
    : Exception($"No holiday notice is recorded for {year}; working days in that year are unknown.")
{
    public int Year { get; } = year;
}

/// <summary>How the first day is counted when adding working days.</summary>
public enum DayCounting
{
    /// <summary>The day of receipt is not counted; the next working day is day 1 (《民法典》第二百零一条). The default.</summary>
    ExcludeStartDay,

    /// <summary>The day of receipt counts as day 1 when it is a working day.</summary>
    IncludeStartDay,
}

/// <summary>
/// The Chinese working-day calendar: Monday to Friday are working days unless a notice gives them off, and weekend days a notice
/// names as 调休 are working days. Immutable; rebuilt when an admin records a new notice.
/// </summary>
public sealed class WorkingDayCalendar
{
    // Days are filed by their own date, not by the notice that names them: a notice may give days off or make-up working days
    // in the neighbouring year (the 2012 notice made 2011-12-31 a working day).
    private readonly HashSet<int> _years = [];
    private readonly HashSet<LocalDate> _restDays = [];
    private readonly HashSet<LocalDate> _workingWeekendDays = [];

    public WorkingDayCalendar(IEnumerable<HolidayNotice> notices)
    {
        foreach (var notice in notices)
        {
            _years.Add(notice.Year);
            foreach (var period in notice.Holidays)
            {
                for (var day = period.From; day <= period.To; day = day.PlusDays(1))
                {
                    _restDays.Add(day);
                }
            }
            _workingWeekendDays.UnionWith(notice.WorkingWeekendDays);
        }
    }

    public IReadOnlyCollection<int> Years => _years;

    public bool HasYear(int year) => _years.Contains(year);

    /// <summary>Whether <paramref name="date"/> is a working day.</summary>
    /// <exception cref="CalendarYearMissingException">No notice is recorded for the date's year.</exception>
    public bool IsWorkingDay(LocalDate date)
    {
        if (!_years.Contains(date.Year))
        {
            throw new CalendarYearMissingException(date.Year);
        }
        if (_workingWeekendDays.Contains(date))
        {
            return true;
        }
        if (_restDays.Contains(date))
        {
            return false;
        }
        return date.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday);
    }

    /// <summary>The date on which a period of <paramref name="days"/> working days that starts on <paramref name="start"/> ends.</summary>
    public LocalDate AddWorkingDays(LocalDate start, int days, DayCounting counting = DayCounting.ExcludeStartDay)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        if (days == 0)
        {
            return start;
        }
        var day = start;
        var counted = counting == DayCounting.IncludeStartDay && IsWorkingDay(start) ? 1 : 0;
        while (counted < days)
        {
            day = day.PlusDays(1);
            if (IsWorkingDay(day))
            {
                counted++;
            }
        }
        return day;
    }

    /// <summary>Working days strictly after <paramref name="from"/> up to and including <paramref name="to"/>.</summary>
    public int WorkingDaysBetween(LocalDate from, LocalDate to)
    {
        var count = 0;
        for (var day = from.PlusDays(1); day <= to; day = day.PlusDays(1))
        {
            if (IsWorkingDay(day))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>
    /// Whether the calendar covers the current year and, from October on (when the State Council usually publishes the next
    /// notice), the next one. The warning is what admins are shown and what the host logs at start-up.
    /// </summary>
    public CalendarCoverage CoverageOn(LocalDate today)
    {
        var current = HasYear(today.Year);
        var next = HasYear(today.Year + 1);
        string? warning = null;
        if (!current)
        {
            warning = $"{today.Year} 年的节假日安排尚未录入：所有工作日时限都无法计算，请立即录入国务院办公厅通知。";
        }
        else if (!next && today.Month >= 10)
        {
            warning = $"{today.Year + 1} 年的节假日安排尚未录入：跨年的时限将无法计算，通知发布后请及时录入。";
        }
        return new CalendarCoverage(today.Year, [.. Years.Order()], current, next, warning);
    }
}

/// <summary>
/// Which years the calendar covers, judged on a day of <paramref name="Year"/> in the hotline's zone (the console warns from it: a
/// browser's clock may disagree with the host's), and the warning to show when this year or, from October, next year is missing.
/// </summary>
public sealed record CalendarCoverage(int Year, IReadOnlyList<int> Years, bool CurrentYear, bool NextYear, string? Warning);
