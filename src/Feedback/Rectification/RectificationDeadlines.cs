using Hotline.Routing.Calendar;
using Hotline.Routing.Deadlines;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Feedback.Rectification;

/// <summary>The deadlines of a rectification, counted as Routing counts ticket deadlines.</summary>
public sealed record RectificationDue(Instant Verify, Instant Rectify);

/// <summary>
/// Rectification deadlines on the working-day calendar, with the same counting rule and zone as ticket deadlines
/// (<c>Hotline:Sla:Counting</c>, <c>Hotline:Sla:TimeZone</c>): N working days end at 24:00 local time of the Nth working day.
/// </summary>
public sealed class RectificationDeadlines(CalendarProvider calendars, IOptions<SlaOptions> sla, IOptions<FeedbackOptions> options)
{
    private readonly DateTimeZone _zone = DateTimeZoneProviders.Tzdb[sla.Value.TimeZone];

    /// <exception cref="CalendarYearMissingException">A date involved falls in a year with no holiday notice.</exception>
    public async Task<RectificationDue> ForBadReviewAsync(Instant ratedAt, CancellationToken ct)
    {
        var calendar = await calendars.GetAsync(ct);
        return new RectificationDue(
            EndOfWorkingDays(calendar, ratedAt, options.Value.VerifyWorkingDays),
            EndOfWorkingDays(calendar, ratedAt, options.Value.RectifyWorkingDays));
    }

    public async Task<Instant> ForReviewAsync(Instant reportedAt, CancellationToken ct) =>
        EndOfWorkingDays(await calendars.GetAsync(ct), reportedAt, options.Value.ReviewWorkingDays);

    /// <summary>The end of the follow-up rating window (calendar days, like the first rating's window).</summary>
    public Instant FollowUpEnds(Instant acceptedAt) => acceptedAt.Plus(Duration.FromDays(options.Value.RatingWindowDays));

    public DateTimeOffset Local(Instant instant) => instant.InZone(_zone).ToDateTimeOffset();

    public DateTimeOffset? Local(Instant? instant) => instant is { } i ? Local(i) : null;

    /// <summary>Pure form, for tests and for callers holding a calendar.</summary>
    public static Instant EndOfWorkingDays(WorkingDayCalendar calendar, DateTimeZone zone, DayCounting counting, Instant from, int days)
    {
        var last = calendar.AddWorkingDays(from.InZone(zone).Date, days, counting);
        return last.PlusDays(1).AtStartOfDayInZone(zone).ToInstant();
    }

    private Instant EndOfWorkingDays(WorkingDayCalendar calendar, Instant from, int days) =>
        EndOfWorkingDays(calendar, _zone, sla.Value.Counting, from, days);
}
