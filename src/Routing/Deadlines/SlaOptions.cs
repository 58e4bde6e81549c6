using System.ComponentModel.DataAnnotations;
using Hotline.Routing.Calendar;
using Hotline.Routing.Tickets;

namespace Hotline.Routing.Deadlines;

/// <summary>
/// Service-level deadlines (时限), bound from <c>Hotline:Sla</c>. Every value differs between cities, so all are settings; the
/// defaults are the published rules named beside each (see docs/domain.md).
/// </summary>
public sealed class SlaOptions
{
    /// <summary>Whether the day of receipt counts; default: not counted, the next working day is day 1 (《民法典》第二百零一条).</summary>
    public DayCounting Counting { get; set; } = DayCounting.ExcludeStartDay;

    /// <summary>Emergency (danger to life or property): sign within 15 minutes, working days or not (天津).</summary>
    [Range(1, 24 * 60)]
    public int EmergencySignMinutes { get; set; } = 15;

    /// <summary>Water, power, gas, heating: sign within 30 minutes (天津).</summary>
    [Range(1, 24 * 60)]
    public int UtilitiesSignMinutes { get; set; } = 30;

    /// <summary>Everything else: sign within 1 working day (天津).</summary>
    [Range(1, 30)]
    public int NormalSignWorkingDays { get; set; } = 1;

    /// <summary>Handle and reply, in working days by type (广东: 咨询 2, 求助/建议 10, 投诉/举报 15).</summary>
    public Dictionary<TicketType, int> ReplyWorkingDays { get; set; } = new()
    {
        [TicketType.Consultation] = 2,
        [TicketType.Help] = 10,
        [TicketType.Suggestion] = 10,
        [TicketType.Complaint] = 15,
        [TicketType.Report] = 15,
        [TicketType.Praise] = 10,
    };

    /// <summary>Emergency tickets must be answered within this many hours, whatever their type (北京 draft: 2 h).</summary>
    [Range(1, 24 * 30)]
    public int EmergencyReplyHours { get; set; } = 2;

    /// <summary>Utilities tickets must be answered within this many hours (北京 draft: 24 h).</summary>
    [Range(1, 24 * 30)]
    public int UtilitiesReplyHours { get; set; } = 24;

    /// <summary>A department may return (退单) a ticket within this many working days of dispatch (1–2 in published rules).</summary>
    [Range(1, 30)]
    public int ReturnWorkingDays { get; set; } = 2;

    /// <summary>All extensions of one ticket together may not exceed this many working days (山东: 10).</summary>
    [Range(1, 60)]
    public int MaxExtensionWorkingDays { get; set; } = 10;

    /// <summary>After this many approved returns the centre designates the department, which may not return again (天津 draft: 3).</summary>
    [Range(1, 10)]
    public int MaxReturnsBeforeDesignation { get; set; } = 3;

    /// <summary>The time zone deadlines are counted in.</summary>
    [Required]
    public string TimeZone { get; set; } = "Asia/Shanghai";

    public IEnumerable<string> Validate()
    {
        foreach (var type in Enum.GetValues<TicketType>())
        {
            if (!ReplyWorkingDays.TryGetValue(type, out var days) || days is < 1 or > 90)
            {
                yield return $"Hotline:Sla:ReplyWorkingDays:{type} must be between 1 and 90 working days.";
            }
        }
        if (NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(TimeZone) is null)
        {
            yield return $"Hotline:Sla:TimeZone '{TimeZone}' is not a known IANA time zone.";
        }
    }
}
