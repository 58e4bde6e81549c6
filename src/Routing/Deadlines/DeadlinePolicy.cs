using Hotline.Routing.Calendar;
using Hotline.Routing.Tickets;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Routing.Deadlines;

/// <summary>
/// Turns the SLA settings and the working-day calendar into instants. A deadline of N working days ends at midnight (24:00
/// local time) of the Nth working day; minute- and hour-based deadlines run on the clock, working day or not.
/// </summary>
public sealed class DeadlinePolicy(IOptions<SlaOptions> options, CalendarProvider calendars)
{
    private readonly SlaOptions _sla = options.Value;
    private readonly DateTimeZone _zone = DateTimeZoneProviders.Tzdb[options.Value.TimeZone];

    public DateTimeZone Zone => _zone;

    /// <exception cref="CalendarYearMissingException">A date involved falls in a year with no notice.</exception>
    public async Task<DeadlineSet> ForDispatchAsync(Instant dispatchedAt, Instant receivedAt, bool firstDispatch, TicketType type,
        Urgency urgency, CancellationToken ct)
    {
        var calendar = await calendars.GetAsync(ct);
        var signDue = urgency switch
        {
            Urgency.Emergency => dispatchedAt.Plus(Duration.FromMinutes(_sla.EmergencySignMinutes)),
            Urgency.Utilities => dispatchedAt.Plus(Duration.FromMinutes(_sla.UtilitiesSignMinutes)),
            Urgency.Normal => EndOfWorkingDays(calendar, dispatchedAt, _sla.NormalSignWorkingDays),
        };
        // The reply period runs from receipt (广东); a redispatched or re-handled ticket gets a fresh period, because the time it
        // spent with the wrong department must not be charged to the right one.
        var replyFrom = firstDispatch ? receivedAt : dispatchedAt;
        var replyDue = EndOfWorkingDays(calendar, replyFrom, _sla.ReplyWorkingDays[type]);
        var urgentLimit = urgency switch
        {
            Urgency.Emergency => replyFrom.Plus(Duration.FromHours(_sla.EmergencyReplyHours)),
            Urgency.Utilities => replyFrom.Plus(Duration.FromHours(_sla.UtilitiesReplyHours)),
            Urgency.Normal => (Instant?)null,
        };
        if (urgentLimit is { } limit && limit < replyDue)
        {
            replyDue = limit;
        }
        var returnDue = EndOfWorkingDays(calendar, dispatchedAt, _sla.ReturnWorkingDays);
        return new DeadlineSet(signDue, replyDue, returnDue);
    }

    /// <summary>A function that moves a reply deadline by an approved extension of N working days.</summary>
    public async Task<Func<Instant, int, Instant>> ExtenderAsync(CancellationToken ct)
    {
        var calendar = await calendars.GetAsync(ct);
        return (due, days) =>
        {
            // A working-day deadline is stored as 24:00 of its last day; step back a tick to find that day.
            var lastDay = due.Minus(Duration.FromTicks(1)).InZone(_zone).Date;
            var newLastDay = calendar.AddWorkingDays(lastDay, days, DayCounting.ExcludeStartDay);
            return newLastDay.PlusDays(1).AtStartOfDayInZone(_zone).ToInstant();
        };
    }

    public int MaxExtensionWorkingDays => _sla.MaxExtensionWorkingDays;

    public int MaxReturnsBeforeDesignation => _sla.MaxReturnsBeforeDesignation;

    public LocalDate LocalDateOf(Instant instant) => instant.InZone(_zone).Date;

    private Instant EndOfWorkingDays(WorkingDayCalendar calendar, Instant from, int days)
    {
        var start = from.InZone(_zone).Date;
        var last = calendar.AddWorkingDays(start, days, _sla.Counting);
        return last.PlusDays(1).AtStartOfDayInZone(_zone).ToInstant();
    }
}
