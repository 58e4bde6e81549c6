using Hotline.Routing.Calendar;
using NodaTime;
using NodaTime.Text;

namespace Hotline.Routing.Tests;

public sealed class CalendarTests
{
    private static readonly WorkingDayCalendar Calendar = new(NoticeJson.BuiltIn());

    private static LocalDate D(string text) => LocalDatePattern.Iso.Parse(text).Value;

    [Theory]
    [InlineData(2024, 251)]
    [InlineData(2025, 248)]
    [InlineData(2026, 248)]
    public void WorkingDaysPerYear_MatchTheOfficialNotices(int year, int expected)
    {
        var count = 0;
        for (var day = new LocalDate(year, 1, 1); day.Year == year; day = day.PlusDays(1))
        {
            count += Calendar.IsWorkingDay(day) ? 1 : 0;
        }
        Assert.Equal(expected, count);
    }

    [Theory]
    // 调休: weekend days worked instead
    [InlineData("2024-02-04", true)]
    [InlineData("2024-02-18", true)]
    [InlineData("2024-05-11", true)]
    [InlineData("2025-01-26", true)]
    [InlineData("2025-02-08", true)]
    [InlineData("2025-09-28", true)]
    [InlineData("2025-10-11", true)]
    [InlineData("2026-01-04", true)]
    [InlineData("2026-02-14", true)]
    [InlineData("2026-02-28", true)]
    [InlineData("2026-05-09", true)]
    [InlineData("2026-09-20", true)]
    [InlineData("2026-10-10", true)]
    // holiday weekdays
    [InlineData("2024-02-09", true)] // 除夕 2024 was a working day (not statutory before 2025)
    [InlineData("2024-02-12", false)]
    [InlineData("2025-01-28", false)] // 除夕 2025, statutory from 2025
    [InlineData("2025-06-02", false)] // 端午 made up on Monday
    [InlineData("2025-10-08", false)]
    [InlineData("2026-01-02", false)]
    [InlineData("2026-04-06", false)] // 清明 on Sunday, made up Monday
    [InlineData("2026-10-07", false)]
    // ordinary days
    [InlineData("2026-11-23", true)]
    [InlineData("2026-11-22", false)]
    public void IsWorkingDay_FollowsNoticesAndWeekends(string date, bool expected)
    {
        Assert.Equal(expected, Calendar.IsWorkingDay(D(date)));
    }

    [Fact]
    public void SpringFestival2026_IsNineDaysOff_BetweenTwoWorkingSaturdays()
    {
        Assert.True(Calendar.IsWorkingDay(D("2026-02-13")));
        Assert.True(Calendar.IsWorkingDay(D("2026-02-14")));
        for (var day = D("2026-02-15"); day <= D("2026-02-23"); day = day.PlusDays(1))
        {
            Assert.False(Calendar.IsWorkingDay(day), $"{day} should be a day off");
        }
        Assert.True(Calendar.IsWorkingDay(D("2026-02-24")));
        Assert.True(Calendar.IsWorkingDay(D("2026-02-28")));
    }

    [Fact]
    public void AddWorkingDays_AcrossNationalDay2025_CountsMakeUpSaturday()
    {
        Assert.Equal(D("2025-10-23"), Calendar.AddWorkingDays(D("2025-09-26"), 15));
    }

    [Fact]
    public void AddWorkingDays_FromHolidayEve_SkipsTheWholeSpringFestival()
    {
        // Friday 2026-02-13, 1 working day: Saturday 02-14 is a make-up working day.
        Assert.Equal(D("2026-02-14"), Calendar.AddWorkingDays(D("2026-02-13"), 1));
        // From 02-14, 1 working day: 02-15..02-23 are off.
        Assert.Equal(D("2026-02-24"), Calendar.AddWorkingDays(D("2026-02-14"), 1));
    }

    [Fact]
    public void AddWorkingDays_IncludeStartDay_CountsAWorkingReceiptDay()
    {
        Assert.Equal(D("2026-11-23"), Calendar.AddWorkingDays(D("2026-11-23"), 1, DayCounting.IncludeStartDay));
        Assert.Equal(D("2026-11-24"), Calendar.AddWorkingDays(D("2026-11-23"), 1, DayCounting.ExcludeStartDay));
        // A Sunday receipt does not count even when the start day is included.
        Assert.Equal(D("2026-11-23"), Calendar.AddWorkingDays(D("2026-11-22"), 1, DayCounting.IncludeStartDay));
    }

    [Fact]
    public void YearWithoutNotice_IsAnError_NeverAGuess()
    {
        var error = Assert.Throws<CalendarYearMissingException>(() => Calendar.IsWorkingDay(D("2027-01-04")));
        Assert.Equal(2027, error.Year);
        Assert.Throws<CalendarYearMissingException>(() => Calendar.AddWorkingDays(D("2026-12-28"), 10));
    }

    [Fact]
    public void AdminNotice_ExtendsTheCalendarWithoutCodeChange()
    {
        var notice2027 = new HolidayNotice(2027, "国务院办公厅关于2027年部分节假日安排的通知",
            [new HolidayPeriod("元旦", D("2027-01-01"), D("2027-01-03"))], [D("2027-01-09")]);
        var extended = new WorkingDayCalendar([.. NoticeJson.BuiltIn(), notice2027]);
        Assert.False(extended.IsWorkingDay(D("2027-01-01")));
        Assert.True(extended.IsWorkingDay(D("2027-01-09")));
        Assert.Equal(D("2027-01-05"), extended.AddWorkingDays(D("2026-12-31"), 2));
    }

    [Fact]
    public void NoticeValidation_RejectsWeekdayAsMakeUpDay_AndReversedPeriods()
    {
        var bad = new HolidayNotice(2027, "通知", [new HolidayPeriod("春节", D("2027-02-10"), D("2027-02-05"))], [D("2027-01-06")]);
        var errors = NoticeValidation.Check(bad);
        Assert.Contains("holidays", errors.Keys);
        Assert.Contains("workingWeekendDays", errors.Keys);
    }

    [Fact]
    public void BuiltInNotices_RoundTripThroughTheirJsonForm()
    {
        foreach (var notice in NoticeJson.BuiltIn())
        {
            var again = NoticeJson.Deserialize(NoticeJson.Serialize(notice));
            Assert.Equal(notice.Year, again.Year);
            Assert.Equal(notice.Holidays, again.Holidays);
            Assert.Equal(notice.WorkingWeekendDays, again.WorkingWeekendDays);
        }
    }

    [Fact]
    public void NoticeDays_InTheNeighbouringYear_AreHonoured()
    {
        // A 2027 notice whose 元旦 block starts on 2026-12-31, with a make-up Saturday in late 2026.
        var notice2027 = new HolidayNotice(2027, "2027年通知",
            [new HolidayPeriod("元旦", D("2026-12-31"), D("2027-01-02"))], [D("2026-12-26")]);
        Assert.Empty(NoticeValidation.Check(notice2027));
        var calendar = new WorkingDayCalendar([.. NoticeJson.BuiltIn(), notice2027]);
        Assert.False(calendar.IsWorkingDay(D("2026-12-31")));
        Assert.True(calendar.IsWorkingDay(D("2026-12-26")));
    }

    [Fact]
    public void Coverage_WarnsFromOctober_WhenNextYearIsMissing()
    {
        Assert.Null(Calendar.CoverageOn(D("2026-09-30")).Warning);
        Assert.Contains("2027", Calendar.CoverageOn(D("2026-10-01")).Warning);
        Assert.Contains("2027", Calendar.CoverageOn(D("2027-03-01")).Warning);
        Assert.False(Calendar.CoverageOn(D("2027-03-01")).CurrentYear);
        Assert.Equal(2027, Calendar.CoverageOn(D("2027-03-01")).Year);
    }
}
