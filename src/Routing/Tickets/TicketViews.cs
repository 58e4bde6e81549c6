using Hotline.Routing.Deadlines;
using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Hotline.Routing.Tickets;

/// <summary>A ticket as staff see it. Citizen contact data is masked; departments see nothing of an anonymous citizen.</summary>
public sealed record TicketView(
    Guid Id,
    string TrackingCode,
    int Version,
    string Type,
    string TypeLabel,
    string Urgency,
    string UrgencyLabel,
    string? CategoryId,
    string? AreaId,
    string Channel,
    string State,
    string StateLabel,
    string? Closure,
    CitizenView Citizen,
    string Title,
    string Content,
    string? Address,
    GeoPoint? Coordinates,
    IReadOnlyList<AttachmentInfo> Attachments,
    DepartmentRef? LeadDepartment,
    IReadOnlyList<DepartmentRef> CoHandlers,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? DispatchedAt,
    DateTimeOffset? SignedAt,
    DateTimeOffset? RepliedAt,
    DateTimeOffset? ClosedAt,
    DeadlineView? SignDeadline,
    DeadlineView? ReplyDeadline,
    DeadlineView? ReturnDeadline,
    ExtensionView? PendingExtension,
    int ExtensionDaysGranted,
    int DispatchCount,
    int ApprovedReturnCount,
    int UrgeCount,
    bool Designated,
    CallbackView? Callback,
    string? PublicReply,
    Guid? MergedIntoId,
    string? TransferredTo,
    string? NotAcceptedReason);

public sealed record CitizenView(string? Phone, string? Name, bool Anonymous, bool Masked);

public sealed record DepartmentRef(string Id, string Name);

/// <summary>A deadline: when it falls due (local time), and whether it was met, missed or is still running.</summary>
public sealed record DeadlineView(DateTimeOffset Due, string Status, string StatusLabel);

public sealed record ExtensionView(int Days, string? Reason);

public sealed record CallbackView(bool? Reached, bool? Solved, int? Satisfaction);

public sealed record TimelineEntryView(
    int Sequence,
    DateTimeOffset At,
    string Kind,
    string KindLabel,
    string ActorName,
    string? ActorRole,
    string? FromState,
    string? ToState,
    string? Note,
    string? PublicText,
    string? Data);

/// <summary>What a citizen may read when tracking a ticket: status, deadlines and public replies. Nothing internal.</summary>
public sealed record PublicTicketView(
    string TrackingCode,
    string Type,
    string State,
    string StateLabel,
    string Title,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? ReplyDue,
    string? HandlingDepartment,
    string? Reply,
    DateTimeOffset? RepliedAt,
    DateTimeOffset? ClosedAt,
    IReadOnlyList<PublicMilestone> Progress);

public sealed record PublicMilestone(DateTimeOffset At, string Label, string? Text);

/// <summary>Builds views of tickets for a given reader.</summary>
public sealed class TicketViews(RoutingDbContext db, IClock clock, DeadlinePolicy deadlines)
{
    private Dictionary<DepartmentId, string>? _names;

    public async Task<TicketView> ForStaffAsync(Ticket t, Actor reader, CancellationToken ct)
    {
        var names = await DepartmentNamesAsync(ct);
        var now = clock.GetCurrentInstant();
        return new TicketView(
            t.Id.Value, t.TrackingCode, t.Version,
            t.Type.ToString(), TicketLabels.Of(t.Type), t.Urgency.ToString(), TicketLabels.Of(t.Urgency),
            t.CategoryId, t.AreaId, t.Channel.ToString(), t.State.ToString(), TicketLabels.Of(t.State), t.Closure?.ToString(),
            CitizenFor(t, reader),
            t.Title, t.Content, t.Address,
            t is { Latitude: { } lat, Longitude: { } lon } ? new GeoPoint(lat, lon) : null,
            t.Attachments,
            t.LeadDepartmentId is { } lead ? new DepartmentRef(lead.Value, names.GetValueOrDefault(lead, lead.Value)) : null,
            [.. t.CoHandlers.Select(c => new DepartmentRef(c.DepartmentId.Value, names.GetValueOrDefault(c.DepartmentId, c.DepartmentId.Value)))],
            Local(t.ReceivedAt), Local(t.DispatchedAt), Local(t.SignedAt), Local(t.RepliedAt), Local(t.ClosedAt),
            Deadline(t.SignDueAt, t.SignedAt, now, t.State == TicketState.Dispatched),
            Deadline(t.ReplyDueAt, t.RepliedAt, now, t.State is TicketState.Dispatched or TicketState.Signed or TicketState.ReturnRequested),
            Deadline(t.ReturnDueAt, null, now, t.State is TicketState.Dispatched or TicketState.Signed, isWindow: true),
            t.PendingExtensionDays is { } days ? new ExtensionView(days, t.PendingExtensionReason) : null,
            t.ExtensionDaysGranted, t.DispatchCount, t.ApprovedReturnCount, t.UrgeCount, t.Designated,
            t.CallbackReached is null ? null : new CallbackView(t.CallbackReached, t.CallbackSolved, t.CallbackSatisfaction),
            t.PublicReply, t.MergedIntoId?.Value,
            t.TransferredTo is { } target ? TicketLabels.Of(target) : null,
            t.NotAcceptedReason is { } reason ? TicketLabels.Of(reason) : null);
    }

    public async Task<PublicTicketView> ForCitizenAsync(Ticket t, IReadOnlyList<TimelineEntry> timeline, CancellationToken ct)
    {
        var names = await DepartmentNamesAsync(ct);
        var progress = timeline
            .Select(e => PublicLabel(e) is { } label ? new PublicMilestone(Local(e.At), label, e.PublicText) : null)
            .OfType<PublicMilestone>()
            .ToList();
        var open = t.State is TicketState.Dispatched or TicketState.Signed or TicketState.ReturnRequested or TicketState.PendingDispatch;
        return new PublicTicketView(
            t.TrackingCode, TicketLabels.Of(t.Type), t.State.ToString(), TicketLabels.Of(t.State), t.Title,
            Local(t.ReceivedAt), open ? Local(t.ReplyDueAt) : null,
            t.LeadDepartmentId is { } lead ? names.GetValueOrDefault(lead) : null,
            t.PublicReply, Local(t.RepliedAt), Local(t.ClosedAt), progress);
    }

    /// <summary>
    /// A timeline entry for a staff reader. A department does not read another department's notes (a return reason written by
    /// the unit that had the ticket before): those are between that unit and the centre.
    /// </summary>
    public TimelineEntryView ForStaff(TimelineEntry e, Actor reader)
    {
        var foreign = reader.Is(StaffRole.Department) && e.ActorDepartmentId is { } author && author != reader.Department?.Value;
        var data = foreign ? null : e.Kind == TimelineEventKind.Classified ? DecisionFor(reader, e.Data) : e.Data;
        return new(e.Sequence, Local(e.At), e.Kind.ToString(), TicketLabels.Of(e.Kind), e.ActorName, e.ActorRole,
            e.FromState?.ToString(), e.ToState?.ToString(), foreign ? null : e.Note, e.PublicText, data);
    }

    /// <summary>
    /// The routing decision recorded on a ticket, as <paramref name="reader"/> may read it: a department sees what was decided
    /// and how sure the engine was, not what each member said — the members cite other departments' tickets (similar cases)
    /// and an LLM's reasoning about them, which only the centre's staff see.
    /// </summary>
    public static string? DecisionFor(Actor reader, string? data)
    {
        if (data is null || !reader.Is(StaffRole.Department))
        {
            return data;
        }
        var node = System.Text.Json.Nodes.JsonNode.Parse(data);
        if (node is System.Text.Json.Nodes.JsonObject decision)
        {
            decision.Remove("ensemble");
        }
        return node?.ToJsonString();
    }

    public DateTimeOffset Local(Instant instant) => instant.InZone(deadlines.Zone).ToDateTimeOffset();

    public DateTimeOffset? Local(Instant? instant) => instant is { } i ? Local(i) : null;

    private static CitizenView CitizenFor(Ticket t, Actor reader)
    {
        if (reader.Is(StaffRole.Department) && t.Anonymous)
        {
            return new CitizenView(null, null, Anonymous: true, Masked: true);
        }
        return new CitizenView(PersonalDataMask.Phone(t.CitizenPhone), PersonalDataMask.Name(t.CitizenName), t.Anonymous, Masked: true);
    }

    private DeadlineView? Deadline(Instant? due, Instant? doneAt, Instant now, bool running, bool isWindow = false)
    {
        if (due is not { } d)
        {
            return null;
        }
        var (status, label) = (doneAt, running) switch
        {
            ({ } done, _) when done <= d => ("met", "按时"),
            ({ }, _) => ("late", "超时完成"),
            (null, true) when now > d => isWindow ? ("closed", "已过期限") : ("overdue", "已超时"),
            (null, true) => ("running", "进行中"),
            (null, false) => ("closed", "已结束"),
        };
        return new DeadlineView(Local(d), status, label);
    }

    private static string? PublicLabel(TimelineEntry e) => e.Kind switch
    {
        TimelineEventKind.Registered => "已受理",
        TimelineEventKind.Dispatched => "已转交承办单位",
        TimelineEventKind.Signed => "承办单位已签收",
        TimelineEventKind.ExtensionApproved => "办理期限已延长",
        TimelineEventKind.Replied => "承办单位已答复",
        TimelineEventKind.DirectlyAnswered => "已直接答复",
        TimelineEventKind.CalledBack => "已回访",
        TimelineEventKind.Closed => "已办结",
        TimelineEventKind.Rehandled => "已要求重新办理",
        TimelineEventKind.MergedInto => "已与相同诉求合并办理",
        TimelineEventKind.NotAccepted => "不予受理",
        TimelineEventKind.Transferred => "已转交紧急服务",
        TimelineEventKind.ReturnApproved => "正在重新确定承办单位",
        _ => null, // internal steps (returns requested, urges, overdue marks, notes) are not shown to citizens
    };

    private async Task<Dictionary<DepartmentId, string>> DepartmentNamesAsync(CancellationToken ct) =>
        _names ??= await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, ct);
}
