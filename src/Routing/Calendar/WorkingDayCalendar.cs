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
    private readonly Dictionary<int, YearDays> _years = [];

    public WorkingDayCalendar(IEnumerable<HolidayNotice> notices)
    {
        foreach (var notice in notices)
        {
            var rest = new HashSet<LocalDate>();
            foreach (var period in notice.Holidays)
            {
                for (var day = period.From; day <= period.To; day = day.PlusDays(1))
                {
                    rest.Add(day);
                }
            }
            _years[notice.Year] = new YearDays(rest, [.. notice.WorkingWeekendDays]);
        }
    }

    public IReadOnlyCollection<int> Years => _years.Keys;

    public bool HasYear(int year) => _years.ContainsKey(year);

    /// <summary>Whether <paramref name="date"/> is a working day.</summary>
    /// <exception cref="CalendarYearMissingException">No notice is recorded for the date's year.</exception>
    public bool IsWorkingDay(LocalDate date)
    {
        if (!_years.TryGetValue(date.Year, out var year))
        {
            throw new CalendarYearMissingException(date.Year);
        }
        if (year.WorkingWeekendDays.Contains(date))
        {
            return true;
        }
        if (year.RestDays.Contains(date))
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

    private sealed record YearDays(HashSet<LocalDate> RestDays, HashSet<LocalDate> WorkingWeekendDays);
}
