using System.ComponentModel.DataAnnotations;
using NodaTime;

namespace Hotline.Host.Live;

/// <summary>
/// One event as it was pushed, kept for catch-up (<c>GET /api/console/events</c>) for <see cref="LiveConsoleOptions.RetentionHours"/>.
/// <c>Sequence</c> is the database's own counter (SQLite AUTOINCREMENT, a PostgreSQL identity), so it is never reused; the
/// audience is stored with the event, so catch-up answers exactly what the live push sent.
/// </summary>
public sealed class ConsoleEvent
{
    public long Sequence { get; init; }

    /// <summary>The outbox message the event came from (unique): a redelivered message is pushed again under the same sequence.</summary>
    public Guid SourceId { get; init; }

    /// <summary>The <see cref="IConsoleClient"/> method (<c>TicketChanged</c>, <c>CallRinging</c>, <c>FeedbackChanged</c>).</summary>
    public string Method { get; init; } = "";

    /// <summary>The event's data as JSON (camelCase, as pushed).</summary>
    public string Payload { get; init; } = "";

    public Instant At { get; init; }
    public Instant CreatedAt { get; init; }

    /// <summary>Role groups that received it, as <c>|agent|supervisor|</c> (delimited, so a LIKE finds one exactly).</summary>
    public string Roles { get; init; } = "";

    /// <summary>Departments that received it, as <c>|city-housing|city-water|</c>.</summary>
    public string Departments { get; init; } = "";

    /// <summary>The ticket whose watchers received it, if any.</summary>
    public Guid? TicketId { get; init; }
}

/// <summary>Who may see one event: whole roles, departments, and the watchers of one ticket.</summary>
public sealed record Audience(IReadOnlyCollection<string> Roles, IReadOnlyCollection<string> Departments, Guid? TicketId)
{
    public static string Delimit(IEnumerable<string> names) => $"|{string.Join('|', names)}|";

    /// <summary>The names of a <see cref="Delimit"/>ed list.</summary>
    public static string[] Split(string delimited) => delimited.Split('|', StringSplitOptions.RemoveEmptyEntries);

    public IEnumerable<string> Groups() =>
    [
        .. Roles.Select(ConsoleGroups.Role),
        .. Departments.Select(ConsoleGroups.Department),
        .. TicketId is { } id ? [ConsoleGroups.Ticket(id), .. Departments.Select(d => ConsoleGroups.Ticket(id, d))] : Array.Empty<string>(),
    ];
}

public sealed class LiveConsoleOptions
{
    /// <summary>
    /// How long events are kept for catch-up. A client away longer is told to reload (<c>reset: true</c>). A day covers a shift
    /// and a night's sleep with a laptop lid closed.
    /// </summary>
    [Range(1, 24 * 30)]
    public int RetentionHours { get; set; } = 24;
}
