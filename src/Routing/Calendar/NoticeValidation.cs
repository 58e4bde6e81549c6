using NodaTime;

namespace Hotline.Routing.Calendar;

/// <summary>Checks an admin-entered notice before it changes every deadline computed from then on.</summary>
public static class NoticeValidation
{
    public static Dictionary<string, string[]> Check(HolidayNotice notice)
    {
        var errors = new Dictionary<string, string[]>();
        if (notice.Year is < 2000 or > 2100)
        {
            errors["year"] = ["年份应在 2000 至 2100 之间。"];
        }
        if (string.IsNullOrWhiteSpace(notice.Title))
        {
            errors["title"] = ["请填写通知名称，例如「国务院办公厅关于2027年部分节假日安排的通知」。"];
        }
        if (notice.Holidays.Count == 0)
        {
            errors["holidays"] = ["通知至少包含一个放假安排。"];
        }
        var holidayErrors = new List<string>();
        foreach (var period in notice.Holidays)
        {
            if (string.IsNullOrWhiteSpace(period.Name))
            {
                holidayErrors.Add("每个放假安排都需要名称（如「春节」）。");
            }
            if (period.To < period.From)
            {
                holidayErrors.Add($"「{period.Name}」的结束日期早于开始日期。");
            }
            if (period.From < new LocalDate(notice.Year - 1, 12, 1) || period.To > new LocalDate(notice.Year + 1, 1, 31)
                || (period.To.Year != notice.Year && period.From.Year != notice.Year))
            {
                holidayErrors.Add($"「{period.Name}」不在 {notice.Year} 年内（可跨年，但须与 {notice.Year} 年相连）。");
            }
            if (Period.Between(period.From, period.To, PeriodUnits.Days).Days > 15)
            {
                holidayErrors.Add($"「{period.Name}」超过 15 天，请核对日期。");
            }
        }
        if (holidayErrors.Count > 0)
        {
            errors["holidays"] = [.. holidayErrors];
        }
        var workingErrors = notice.WorkingWeekendDays
            .Where(d => d.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday)
                || d < new LocalDate(notice.Year - 1, 12, 1) || d > new LocalDate(notice.Year, 12, 31))
            .Select(d => $"{d:yyyy-MM-dd} 不是 {notice.Year} 年（或其前一年 12 月）的周末，不能作为调休上班日。")
            .ToArray();
        if (workingErrors.Length > 0)
        {
            errors["workingWeekendDays"] = workingErrors;
        }
        return errors;
    }
}
