using System.Text.Json;
using Hotline.Routing.Tickets;
using NodaTime;
using NodaTime.Text;

namespace Hotline.Feedback.Assessment;

/// <summary>
/// One piece of work a department was given: a dispatch (派单) or a re-handling (重办) of a ticket, with its deadlines and what
/// the department did with it until the ticket left it (an approved return, a redispatch, the ticket's close). Assessment counts
/// assignments, not tickets: a ticket returned by one department and handled by another is one good and one returned
/// assignment, each on its own department's record.
/// </summary>
public sealed class Assignment
{
    public required TicketId Ticket { get; init; }
    public required DepartmentId Department { get; init; }
    public required Instant AssignedAt { get; init; }

    /// <summary>重办 rather than a first dispatch: the department already answered once and the citizen was not satisfied.</summary>
    public bool IsRehandling { get; init; }

    public Instant? SignDue { get; init; }
    public Instant? ReplyDue { get; set; }
    public Instant? SignedAt { get; set; }
    public Instant? ReturnRequestedAt { get; set; }
    public bool ReturnApproved { get; set; }

    /// <summary>Returns the department asked for and the centre rejected (不当退单).</summary>
    public int ReturnsRejected { get; set; }

    public Instant? RepliedAt { get; set; }
    public Instant? CalledBackAt { get; set; }
    public bool? Solved { get; set; }
    public Instant? ClosedAt { get; set; }

    /// <summary>Responded in time (响应): signed, or asked to return a ticket that is not its own, by the sign deadline.</summary>
    public bool RespondedOnTime => FirstResponse is { } at && (SignDue is not { } due || at <= due);

    public Instant? FirstResponse => (SignedAt, ReturnRequestedAt) switch
    {
        ({ } s, { } r) => s < r ? s : r,
        ({ } s, null) => s,
        (null, { } r) => r,
        _ => null,
    };

    public bool RepliedOnTime => RepliedAt is { } at && (ReplyDue is not { } due || at <= due);
}

/// <summary>Rebuilds each department's assignments from tickets' timelines (the append-only record is the only source).</summary>
public static class AssignmentHistory
{
    /// <summary>The timeline kinds assessment reads; loading only these keeps a month of a province's history small.</summary>
    public static readonly TimelineEventKind[] Kinds =
    [
        TimelineEventKind.Dispatched, TimelineEventKind.Rehandled, TimelineEventKind.Signed, TimelineEventKind.ReturnRequested,
        TimelineEventKind.ReturnApproved, TimelineEventKind.ReturnRejected, TimelineEventKind.ExtensionApproved,
        TimelineEventKind.Replied, TimelineEventKind.CalledBack, TimelineEventKind.Closed,
    ];

    /// <summary>The assignments in <paramref name="entries"/> (any order; several tickets may be mixed).</summary>
    public static List<Assignment> Build(IEnumerable<TimelineEntry> entries)
    {
        var result = new List<Assignment>();
        foreach (var ticket in entries.GroupBy(e => e.TicketId))
        {
            Assignment? current = null;
            foreach (var entry in ticket.OrderBy(e => e.Sequence))
            {
                switch (entry.Kind)
                {
                    case TimelineEventKind.Dispatched or TimelineEventKind.Rehandled:
                        using (var data = Parse(entry))
                        {
                            if (data?.RootElement.TryGetProperty("lead", out var lead) != true || lead.GetString() is not { Length: > 0 } department)
                            {
                                current = null;
                                break;
                            }
                            current = new Assignment
                            {
                                Ticket = entry.TicketId,
                                Department = new DepartmentId(department),
                                AssignedAt = entry.At,
                                IsRehandling = entry.Kind == TimelineEventKind.Rehandled,
                                SignDue = InstantOf(data.RootElement, "signDue"),
                                ReplyDue = InstantOf(data.RootElement, "replyDue"),
                            };
                            result.Add(current);
                        }
                        break;
                    case TimelineEventKind.Signed when current is not null:
                        current.SignedAt ??= entry.At;
                        break;
                    case TimelineEventKind.ReturnRequested when current is not null:
                        current.ReturnRequestedAt ??= entry.At;
                        break;
                    case TimelineEventKind.ReturnApproved when current is not null:
                        current.ReturnApproved = true;
                        current = null; // the ticket goes back to the centre; what follows belongs to the next assignment
                        break;
                    case TimelineEventKind.ReturnRejected when current is not null:
                        current.ReturnsRejected++;
                        break;
                    case TimelineEventKind.ExtensionApproved when current is not null:
                        using (var data = Parse(entry))
                        {
                            current.ReplyDue = data is null ? current.ReplyDue : InstantOf(data.RootElement, "replyDue") ?? current.ReplyDue;
                        }
                        break;
                    case TimelineEventKind.Replied when current is not null:
                        current.RepliedAt ??= entry.At;
                        break;
                    case TimelineEventKind.CalledBack when current is not null:
                        current.CalledBackAt = entry.At;
                        using (var data = Parse(entry))
                        {
                            current.Solved = data?.RootElement.TryGetProperty("solved", out var solved) == true && solved.ValueKind is JsonValueKind.True or JsonValueKind.False
                                ? solved.GetBoolean()
                                : current.Solved;
                        }
                        break;
                    case TimelineEventKind.Closed when current is not null:
                        current.ClosedAt = entry.At;
                        break;
                }
            }
        }
        return result;
    }

    private static JsonDocument? Parse(TimelineEntry entry)
    {
        if (entry.Data is not { Length: > 0 } json)
        {
            return null;
        }
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return null; // written by this code base, so never expected; a bad entry is skipped rather than failing a report
        }
    }

    private static Instant? InstantOf(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && InstantPattern.ExtendedIso.Parse(value.GetString()!) is { Success: true } parsed
            ? parsed.Value
            : null;
}
