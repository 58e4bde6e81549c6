using Hotline.Routing.Deadlines;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace Hotline.Routing.Calendar;

public sealed record WorkingDayAnswer(string Date, bool IsWorkingDay);

public sealed record DueDateAnswer(string From, int Days, string Due, string Counting);

/// <summary>The working-day calendar: queries for all staff, notices kept by admins.</summary>
public static class CalendarEndpoints
{
    public static RouteGroupBuilder MapCalendarQueries(this RouteGroupBuilder group)
    {
        group.MapGet("/calendar/working-day", IsWorkingDayAsync).WithSummary("某日是否为工作日");
        group.MapGet("/calendar/add-working-days", AddWorkingDaysAsync).WithSummary("按工作日推算期限");
        return group;
    }

    public static RouteGroupBuilder MapCalendarAdmin(this RouteGroupBuilder admin)
    {
        admin.MapGet("/calendar", ListAsync).WithSummary("已录入的节假日通知");
        admin.MapGet("/calendar/status", StatusAsync).WithSummary("节假日数据覆盖情况（缺年告警）");
        admin.MapPut("/calendar/{year:int}", PutAsync).WithSummary("录入或更正某年的节假日通知");
        admin.MapGet("/sla", (IOptions<SlaOptions> sla) => TypedResults.Ok(sla.Value)).WithSummary("当前时限设置");
        return admin;
    }

    private static async Task<Results<Ok<WorkingDayAnswer>, ProblemHttpResult>> IsWorkingDayAsync(
        string? date, CalendarProvider calendars, CancellationToken ct)
    {
        var parsed = LocalDatePattern.Iso.Parse(date ?? "");
        if (!parsed.Success)
        {
            return ValidationFailed.One("date", "请以 yyyy-MM-dd 格式填写日期，例如 2026-02-28。").ToProblem();
        }
        var calendar = await calendars.GetAsync(ct);
        try
        {
            return TypedResults.Ok(new WorkingDayAnswer(NoticeJson.Format(parsed.Value), calendar.IsWorkingDay(parsed.Value)));
        }
        catch (CalendarYearMissingException missing)
        {
            return new CalendarUnavailable(missing.Year).ToProblem();
        }
    }

    private static async Task<Results<Ok<DueDateAnswer>, ProblemHttpResult>> AddWorkingDaysAsync(
        string? from, int? days, CalendarProvider calendars, IOptions<SlaOptions> sla, CancellationToken ct)
    {
        var parsed = LocalDatePattern.Iso.Parse(from ?? "");
        var input = new Input();
        if (!parsed.Success)
        {
            input.Add("from", "请以 yyyy-MM-dd 格式填写起算日期。");
        }
        if (days is not (>= 0 and <= 366))
        {
            input.Add("days", "工作日数应在 0 到 366 之间。");
        }
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var calendar = await calendars.GetAsync(ct);
        try
        {
            var due = calendar.AddWorkingDays(parsed.Value, days!.Value, sla.Value.Counting);
            return TypedResults.Ok(new DueDateAnswer(NoticeJson.Format(parsed.Value), days.Value, NoticeJson.Format(due), sla.Value.Counting.ToString()));
        }
        catch (CalendarYearMissingException missing)
        {
            return new CalendarUnavailable(missing.Year).ToProblem();
        }
    }

    private static async Task<Ok<CalendarCoverage>> StatusAsync(CalendarProvider calendars, DeadlinePolicy deadlines, IClock clock,
        CancellationToken ct) =>
        TypedResults.Ok((await calendars.GetAsync(ct)).CoverageOn(deadlines.LocalDateOf(clock.GetCurrentInstant())));

    private static async Task<Ok<NoticeDocument[]>> ListAsync(RoutingDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.HolidayNotices.AsNoTracking().OrderBy(n => n.Year).ToListAsync(ct))
            .Select(n => NoticeJson.ToDocument(NoticeJson.Deserialize(n.Json))).ToArray());

    private static async Task<Results<Ok<NoticeDocument>, ProblemHttpResult>> PutAsync(
        int year, NoticeDocument document, RoutingDbContext db, CalendarProvider calendars, IClock clock,
        Microsoft.AspNetCore.Http.HttpContext http, CancellationToken ct)
    {
        if (document.Year != year)
        {
            return ValidationFailed.One("year", $"地址中的年份 {year} 与通知中的年份 {document.Year} 不一致。").ToProblem();
        }
        var notice = NoticeJson.ToNotice(document, out var errors);
        if (notice is not null)
        {
            errors = NoticeValidation.Check(notice);
        }
        if (notice is null || errors.Count > 0)
        {
            return new ValidationFailed(errors).ToProblem();
        }
        var actor = StaffPrincipal.ToActor(http.User);
        var record = await db.HolidayNotices.SingleOrDefaultAsync(n => n.Year == year, ct);
        if (record is null)
        {
            record = new HolidayNoticeRecord { Year = year };
            db.HolidayNotices.Add(record);
        }
        record.Json = NoticeJson.Serialize(notice);
        record.UpdatedAt = clock.GetCurrentInstant();
        record.UpdatedBy = actor.Name;
        await db.SaveChangesAsync(ct);
        calendars.Invalidate();
        return TypedResults.Ok(NoticeJson.ToDocument(notice));
    }
}
