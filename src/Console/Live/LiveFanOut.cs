using System.Text.Json;
using Hotline.Feedback.History;
using Hotline.Intake.Voice;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Host.Live;

/// <summary>
/// Who sees which ticket event (domain.md, "Who uses it"). Supervisors watch everything; departments see every event of a
/// ticket while they lead or co-handle it; agents the intake queue and the callbacks (回访) that follow replies; dispatchers the
/// dispatch queue and returns. Admins get nothing by role (they may watch a ticket). A new timeline kind fails the build here
/// until someone decides who sees it.
/// </summary>
public static class LiveAudienceRules
{
    private static readonly string[] Supervisors = [StaffRoles.Supervisor];
    private static readonly string[] Agents = [StaffRoles.Agent, StaffRoles.Supervisor];
    private static readonly string[] Dispatchers = [StaffRoles.Dispatcher, StaffRoles.Supervisor];
    private static readonly string[] AgentsAndDispatchers = [StaffRoles.Agent, StaffRoles.Dispatcher, StaffRoles.Supervisor];

    public static string[] RolesFor(TimelineEventKind kind) => kind switch
    {
        TimelineEventKind.Registered or TimelineEventKind.Classified or TimelineEventKind.Dispatched or TimelineEventKind.DirectlyAnswered
            or TimelineEventKind.MergedInto or TimelineEventKind.MergedFrom or TimelineEventKind.NotAccepted
            or TimelineEventKind.Transferred => AgentsAndDispatchers,
        TimelineEventKind.ReturnRequested or TimelineEventKind.ReturnApproved or TimelineEventKind.ReturnRejected
            or TimelineEventKind.Rehandled => Dispatchers,
        TimelineEventKind.Replied or TimelineEventKind.CallbackAttempted or TimelineEventKind.CalledBack
            or TimelineEventKind.Closed => Agents,
        TimelineEventKind.Signed or TimelineEventKind.ExtensionRequested or TimelineEventKind.ExtensionApproved
            or TimelineEventKind.ExtensionRejected or TimelineEventKind.Urged or TimelineEventKind.CoHandlerOpinion
            or TimelineEventKind.SignOverdue or TimelineEventKind.ReplyOverdue or TimelineEventKind.FollowUp
            or TimelineEventKind.RatingReceived => Supervisors,
    };

    /// <summary>
    /// Feedback: supervisors see everything, the rated department its own ratings, rectifications and appeals, agents the
    /// callback queue (the centre's work: what it means for a department, a 重办, arrives as a ticket event). Who opened a
    /// rater's identity is for supervisors alone (not even the ticket's watchers).
    /// </summary>
    public static (string[] Roles, bool Department, bool Watchers) RolesFor(FeedbackEventKind kind) => kind switch
    {
        FeedbackEventKind.RaterIdentityOpened => (Supervisors, false, false),
        FeedbackEventKind.CallbackQueued or FeedbackEventKind.CallbackAttempted or FeedbackEventKind.CallbackUnreachable
            or FeedbackEventKind.CallbackCompleted => (Agents, false, true),
        FeedbackEventKind.RatingReceived or FeedbackEventKind.BadReviewReceived or FeedbackEventKind.FollowUpRatingReceived
            or FeedbackEventKind.RectificationOpened or FeedbackEventKind.RectificationVerified or FeedbackEventKind.RectificationClassified
            or FeedbackEventKind.RectificationRecorded or FeedbackEventKind.RectificationReportedBack
            or FeedbackEventKind.RectificationAccepted or FeedbackEventKind.RectificationSentBack or FeedbackEventKind.RectificationClosed
            or FeedbackEventKind.RectificationOverdue or FeedbackEventKind.AppealFiled or FeedbackEventKind.AppealUpheld
            or FeedbackEventKind.AppealRejected => (Supervisors, true, true),
    };
}

/// <summary>Ticket timeline events (topic <c>ticket.timeline</c>) to the console.</summary>
public sealed class TicketFanOut(LivePublisher publisher, IServiceScopeFactory scopes) : IOutboxHandler
{
    public string Name => "console-tickets";
    public string Topic => TicketEvent.Topic;

    public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var e = OutboxWriter.Read<TicketEvent>(message);
        // A kind this build does not know (a newer host wrote it) goes to supervisors and the ticket's handlers only.
        var roles = Enum.TryParse<TimelineEventKind>(e.Kind, out var kind) ? LiveAudienceRules.RolesFor(kind) : [StaffRoles.Supervisor];
        var departments = new SortedSet<string>(StringComparer.Ordinal);
        if (e.LeadDepartmentId is { } lead)
        {
            departments.Add(lead);
        }
        departments.UnionWith(e.CoHandlerDepartmentIds);
        if (kind == TimelineEventKind.ReturnApproved)
        {
            // The ticket has left the departments that returned it; they still need to see it leave their inbox.
            departments.UnionWith(await ReturnedByAsync(e.EntryId, ct));
        }
        var change = new TicketChange(e.TicketId, e.TrackingCode, e.Sequence, e.Kind, e.FromState, e.ToState, e.ActorName,
            e.LeadDepartmentId, e.CoHandlerDepartmentIds, e.Type, e.Channel);
        await publisher.PublishAsync(message.Id, nameof(IConsoleClient.TicketChanged), e.At, change,
            new Audience(roles, departments, e.TicketId), (client, live) => client.TicketChanged(live), ct);
    }

    private async Task<IEnumerable<string>> ReturnedByAsync(Guid entryId, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var routing = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var data = await routing.Timeline.Where(t => t.Id == entryId).Select(t => t.Data).SingleOrDefaultAsync(ct);
        if (data is null)
        {
            return [];
        }
        using var json = JsonDocument.Parse(data);
        var root = json.RootElement;
        var ids = new List<string>();
        if (root.TryGetProperty("returnedBy", out var by) && by.ValueKind == JsonValueKind.String)
        {
            ids.Add(by.GetString()!);
        }
        if (root.TryGetProperty("coHandlers", out var co) && co.ValueKind == JsonValueKind.Array)
        {
            ids.AddRange(co.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.String).Select(c => c.GetString()!));
        }
        return ids;
    }
}

/// <summary>Feedback events (topic <c>feedback.events</c>) to the console; ratings go out without who recorded them.</summary>
public sealed class FeedbackFanOut(LivePublisher publisher) : IOutboxHandler
{
    public string Name => "console-feedback";
    public string Topic => FeedbackEvent.Topic;

    public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var e = OutboxWriter.Read<FeedbackEvent>(message);
        var (roles, toDepartment, toWatchers) = Enum.TryParse<FeedbackEventKind>(e.Kind, out var kind)
            ? LiveAudienceRules.RolesFor(kind)
            : ([StaffRoles.Supervisor], false, false);
        string[] departments = toDepartment && e.DepartmentId is { } d ? [d] : [];
        var change = new FeedbackChange(e.Kind, e.Subject, e.SubjectId, e.TicketId, e.TrackingCode, e.DepartmentId, e.Level, e.Step,
            e.Subject == nameof(FeedbackSubject.Rating) ? null : e.ActorName);
        await publisher.PublishAsync(message.Id, nameof(IConsoleClient.FeedbackChanged), e.At, change,
            new Audience(roles, departments, toWatchers ? e.TicketId : null), (client, live) => client.FeedbackChanged(live), ct);
    }
}

/// <summary>Ringing calls (topic <c>call.ringing</c>) to agents: the screen pop.</summary>
public sealed class CallFanOut(LivePublisher publisher) : IOutboxHandler
{
    public string Name => "console-calls";
    public string Topic => CallRinging.Topic;

    public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var e = OutboxWriter.Read<CallRinging>(message);
        var call = new RingingCall(e.CallSid, e.MaskedPhone,
            [.. e.History.Select(h => new RingingCallHistoryItem(h.TicketId, h.TrackingCode, h.Title, h.State, h.StateLabel, h.ReceivedAt))]);
        await publisher.PublishAsync(message.Id, nameof(IConsoleClient.CallRinging), e.At, call,
            new Audience([StaffRoles.Agent], [], null), (client, live) => client.CallRinging(live), ct);
    }
}

/// <summary>The missed-call list (topic <c>call.missed</c>) to the roles that work it: agents and supervisors.</summary>
public sealed class MissedCallFanOut(LivePublisher publisher) : IOutboxHandler
{
    public string Name => "console-missed-calls";
    public string Topic => MissedCallChanged.Topic;

    public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var e = OutboxWriter.Read<MissedCallChanged>(message);
        await publisher.PublishAsync(message.Id, nameof(IConsoleClient.MissedCallChanged), e.At,
            new MissedCallChange(e.CallSid, e.MaskedPhone, e.Change, e.ActorName),
            new Audience([StaffRoles.Agent, StaffRoles.Supervisor], [], null), (client, live) => client.MissedCallChanged(live), ct);
    }
}
