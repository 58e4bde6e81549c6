using System.Text.Json;
using NodaTime;

namespace Hotline.Routing.Tickets;

/// <summary>
/// A ticket (工单) and every transition of its life. Each transition checks the current state and the actor's role and either
/// changes the ticket and appends timeline entries, or returns the reason it cannot; nothing is silently ignored.
/// Deadlines are computed outside (they need the working-day calendar) and passed in.
/// </summary>
public sealed class Ticket
{
    private readonly List<TimelineEntry> _newEntries = [];

    private Ticket()
    {
    }

    public TicketId Id { get; private set; }
    public string TrackingCode { get; private set; } = "";
    public TicketType Type { get; private set; }
    public Urgency Urgency { get; private set; }
    public string? CategoryId { get; private set; }
    public string? AreaId { get; private set; }
    public Channel Channel { get; private set; }

    /// <summary>E.164, e.g. +8613812345678. Masked for departments, hidden entirely when <see cref="Anonymous"/>.</summary>
    public string CitizenPhone { get; private set; } = "";
    public string? CitizenName { get; private set; }
    public bool Anonymous { get; private set; }

    public string Title { get; private set; } = "";
    public string Content { get; private set; } = "";
    public string? Address { get; private set; }

    /// <summary>Where the matter is, as the citizen's device reported it (WGS-84 degrees); both set or both null.</summary>
    public double? Latitude { get; private set; }
    public double? Longitude { get; private set; }

    public List<AttachmentInfo> Attachments { get; private set; } = [];

    public TicketState State { get; private set; }
    public ClosureKind? Closure { get; private set; }
    public DepartmentId? LeadDepartmentId { get; private set; }
    public List<CoHandler> CoHandlers { get; private set; } = [];

    public Instant ReceivedAt { get; private set; }
    public Instant? DispatchedAt { get; private set; }
    public Instant? SignDueAt { get; private set; }
    public Instant? SignedAt { get; private set; }
    public Instant? ReturnDueAt { get; private set; }
    public Instant? ReplyDueAt { get; private set; }
    public Instant? RepliedAt { get; private set; }
    public Instant? ClosedAt { get; private set; }

    public bool SignOverdueMarked { get; private set; }
    public bool ReplyOverdueMarked { get; private set; }

    public int DispatchCount { get; private set; }
    public int ApprovedReturnCount { get; private set; }
    public int UrgeCount { get; private set; }
    public int ExtensionDaysGranted { get; private set; }
    public int? PendingExtensionDays { get; private set; }
    public string? PendingExtensionReason { get; private set; }

    /// <summary>The state a ticket goes back to when a return (退单) is rejected.</summary>
    public TicketState? StateBeforeReturn { get; private set; }

    /// <summary>Set after the allowed number of returns: the centre designates the department, which may no longer return it.</summary>
    public bool Designated { get; private set; }

    public bool? CallbackReached { get; private set; }
    public bool? CallbackSolved { get; private set; }
    public int? CallbackSatisfaction { get; private set; }

    /// <summary>The reply the citizen reads (or the direct answer, the route for 不予受理, the transfer notice).</summary>
    public string? PublicReply { get; private set; }

    public TicketId? MergedIntoId { get; private set; }
    public TransferTarget? TransferredTo { get; private set; }
    public NotAcceptedReason? NotAcceptedReason { get; private set; }

    /// <summary>Channel-scoped idempotency key (web:KEY, sms:MessageSid…): a retry of the same contact finds this ticket.</summary>
    public string? IntakeKey { get; private set; }
    public string? IntakeFingerprint { get; private set; }

    /// <summary>Incremented by every change; the database rejects a write based on a stale version (optimistic concurrency).</summary>
    public int Version { get; private set; }

    /// <summary>How many timeline entries the ticket has; the next entry gets <c>TimelineLength + 1</c>.</summary>
    public int TimelineLength { get; private set; }

    /// <summary>
    /// The hash of the last timeline entry: the head of the ticket's hash chain. Kept on the ticket so appending needs no extra
    /// read, and so appends to one ticket serialise through <see cref="Version"/> like every other change: two writers cannot
    /// both extend the chain from the same head.
    /// </summary>
    public string? TimelineHash { get; private set; }

    public Instant UpdatedAt { get; private set; }

    public IReadOnlyList<TimelineEntry> NewTimelineEntries => _newEntries;

    public bool IsOpen => State is TicketState.PendingDispatch or TicketState.Dispatched or TicketState.Signed
        or TicketState.ReturnRequested or TicketState.Replied or TicketState.CalledBack;

    public bool IsHandledBy(DepartmentId department) =>
        LeadDepartmentId == department || CoHandlers.Any(c => c.DepartmentId == department);

    public static Ticket Register(NewTicket draft, string trackingCode, Actor actor, Instant now)
    {
        var ticket = new Ticket
        {
            Id = TicketId.New(),
            TrackingCode = trackingCode,
            Type = draft.Type,
            Urgency = draft.Urgency,
            CategoryId = draft.CategoryId,
            AreaId = draft.AreaId,
            Channel = draft.Channel,
            CitizenPhone = draft.Phone,
            CitizenName = draft.Name,
            Anonymous = draft.Anonymous,
            Title = draft.Title,
            Content = draft.Content,
            Address = draft.Address,
            Latitude = draft.Coordinates?.Latitude,
            Longitude = draft.Coordinates?.Longitude,
            Attachments = [.. draft.Attachments],
            State = TicketState.PendingDispatch,
            ReceivedAt = now,
            IntakeKey = draft.IntakeKey,
            IntakeFingerprint = draft.IntakeFingerprint,
        };
        ticket.Record(actor, now, TimelineEventKind.Registered, null, TicketState.PendingDispatch,
            data: new { channel = draft.Channel.ToString(), type = draft.Type.ToString() });
        return ticket;
    }

    public HotlineError? DirectAnswer(Actor actor, Instant now, string answer, KnowledgeSource? source = null)
    {
        if (Refuse(actor, "直接办结", [TicketState.PendingDispatch], StaffRole.Agent, StaffRole.Dispatcher, StaffRole.Supervisor) is { } e)
        {
            return e;
        }
        PublicReply = answer;
        Closure = ClosureKind.DirectAnswer;
        ClosedAt = now;
        RepliedAt = now;
        return Move(actor, now, TimelineEventKind.DirectlyAnswered, TicketState.Closed,
            note: source is null ? null : $"依据知识「{source.Title}」（第 {source.Version} 版）",
            publicText: answer,
            data: source?.EntryData());
    }

    public HotlineError? Dispatch(Actor actor, Instant now, DispatchPlan plan)
    {
        if (Refuse(actor, "派单", [TicketState.PendingDispatch], StaffRole.Agent, StaffRole.Dispatcher, StaffRole.Supervisor) is { } e)
        {
            return e;
        }
        if (plan.CoHandlers.Contains(plan.Lead))
        {
            return new RuleViolated("主办单位不能同时作为协办单位。");
        }
        Type = plan.Type ?? Type;
        Urgency = plan.Urgency ?? Urgency;
        CategoryId = plan.CategoryId ?? CategoryId;
        AreaId = plan.AreaId ?? AreaId;
        LeadDepartmentId = plan.Lead;
        CoHandlers = [.. plan.CoHandlers.Distinct().Select(d => new CoHandler { TicketId = Id, DepartmentId = d })];
        DispatchedAt = now;
        SignDueAt = plan.Deadlines.SignDue;
        ReplyDueAt = plan.Deadlines.ReplyDue;
        ReturnDueAt = plan.Deadlines.ReturnDue;
        SignedAt = null;
        SignOverdueMarked = false;
        ReplyOverdueMarked = false;
        DispatchCount++;
        Designated = plan.Designated;
        return Move(actor, now, TimelineEventKind.Dispatched, TicketState.Dispatched, plan.Note, data: new
        {
            lead = plan.Lead.Value,
            // The category the dispatcher gave with this dispatch, if any (a correction reads the dispatcher's word from it).
            categoryId = plan.CategoryId,
            coHandlers = plan.CoHandlers.Select(d => d.Value),
            signDue = plan.Deadlines.SignDue.ToString(),
            replyDue = plan.Deadlines.ReplyDue.ToString(),
            returnDue = plan.Deadlines.ReturnDue.ToString(),
            designated = plan.Designated,
            dispatchCount = DispatchCount,
        });
    }

    public HotlineError? Sign(Actor actor, Instant now)
    {
        if (RefuseLead(actor, "签收", [TicketState.Dispatched]) is { } e)
        {
            return e;
        }
        SignedAt = now;
        var late = SignDueAt is { } due && now > due;
        return Move(actor, now, TimelineEventKind.Signed, TicketState.Signed, late ? "超时签收" : null, data: new { late });
    }

    public HotlineError? RequestReturn(Actor actor, Instant now, string reason)
    {
        if (RefuseLead(actor, "退单", [TicketState.Dispatched, TicketState.Signed]) is { } e)
        {
            return e;
        }
        if (Designated)
        {
            return new RuleViolated("该工单已由热线中心指定承办，不能再退单，请按时办理。");
        }
        if (ReturnDueAt is { } due && now >= due)
        {
            return new RuleViolated("已超过退单时限，须先行办理；如确属非本单位职责，请联系热线中心。");
        }
        StateBeforeReturn = State;
        // A department that returns the ticket no longer needs more time for it.
        PendingExtensionDays = null;
        PendingExtensionReason = null;
        return Move(actor, now, TimelineEventKind.ReturnRequested, TicketState.ReturnRequested, reason);
    }

    /// <summary>Objection review (派单异议审核): an approved return sends the ticket back for redispatch.</summary>
    public HotlineError? ReviewReturn(Actor actor, Instant now, bool approve, string? note)
    {
        if (Refuse(actor, "审核退单", [TicketState.ReturnRequested], StaffRole.Dispatcher, StaffRole.Supervisor) is { } e)
        {
            return e;
        }
        if (approve)
        {
            ApprovedReturnCount++;
            var previousLead = LeadDepartmentId;
            string[] previousCoHandlers = [.. CoHandlers.Select(c => c.DepartmentId.Value)];
            LeadDepartmentId = null;
            CoHandlers = [];
            SignDueAt = null;
            ReplyDueAt = null;
            ReturnDueAt = null;
            PendingExtensionDays = null;
            PendingExtensionReason = null;
            StateBeforeReturn = null;
            return Move(actor, now, TimelineEventKind.ReturnApproved, TicketState.PendingDispatch, note,
                data: new { returnedBy = previousLead?.Value, coHandlers = previousCoHandlers, approvedReturns = ApprovedReturnCount });
        }
        var back = StateBeforeReturn ?? TicketState.Dispatched;
        StateBeforeReturn = null;
        return Move(actor, now, TimelineEventKind.ReturnRejected, back, note);
    }

    public HotlineError? RequestExtension(Actor actor, Instant now, int days, string reason, int maxTotalDays)
    {
        if (RefuseLead(actor, "申请延期", [TicketState.Signed]) is { } e)
        {
            return e;
        }
        if (PendingExtensionDays is not null)
        {
            return new RuleViolated("已有一项延期申请正在审核，请等待审核结果。");
        }
        if (days < 1)
        {
            return new RuleViolated("延期天数至少为 1 个工作日。");
        }
        if (days > maxTotalDays - ExtensionDaysGranted)
        {
            return new RuleViolated($"延期累计不得超过 {maxTotalDays} 个工作日（已批准 {ExtensionDaysGranted} 个工作日）。");
        }
        PendingExtensionDays = days;
        PendingExtensionReason = reason;
        return Record(actor, now, TimelineEventKind.ExtensionRequested, State, State, reason, data: new { days });
    }

    public HotlineError? ReviewExtension(Actor actor, Instant now, bool approve, string? note, Func<Instant, int, Instant> extend)
    {
        if (!actor.Is(StaffRole.Supervisor))
        {
            return new NotPermitted("只有督办人员可以审批延期申请。");
        }
        if (State != TicketState.Signed)
        {
            return new InvalidTransition(State, "审批延期");
        }
        if (PendingExtensionDays is not { } days)
        {
            return new InvalidTransition(State, "审批延期", "该工单没有待审核的延期申请。");
        }
        PendingExtensionDays = null;
        PendingExtensionReason = null;
        if (!approve)
        {
            return Record(actor, now, TimelineEventKind.ExtensionRejected, State, State, note, data: new { days });
        }
        var previous = ReplyDueAt ?? now;
        ReplyDueAt = extend(previous, days);
        ExtensionDaysGranted += days;
        ReplyOverdueMarked = false;
        return Record(actor, now, TimelineEventKind.ExtensionApproved, State, State, note,
            data: new { days, previousReplyDue = previous.ToString(), replyDue = ReplyDueAt.ToString() });
    }

    public HotlineError? Urge(Actor actor, Instant now, string message)
    {
        if (Refuse(actor, "督办", [TicketState.Dispatched, TicketState.Signed, TicketState.ReturnRequested, TicketState.PendingDispatch],
            StaffRole.Supervisor) is { } e)
        {
            return e;
        }
        UrgeCount++;
        return Record(actor, now, TimelineEventKind.Urged, State, State, message, data: new { urgeCount = UrgeCount });
    }

    public HotlineError? AddCoHandlerOpinion(Actor actor, Instant now, string opinion)
    {
        if (!actor.Is(StaffRole.Department) || actor.Department is not { } dept || CoHandlers.All(c => c.DepartmentId != dept))
        {
            return new NotPermitted("只有本工单的协办单位可以提交协办意见。");
        }
        if (State is not (TicketState.Dispatched or TicketState.Signed))
        {
            return new InvalidTransition(State, "提交协办意见");
        }
        return Record(actor, now, TimelineEventKind.CoHandlerOpinion, State, State, opinion);
    }

    public HotlineError? Reply(Actor actor, Instant now, string publicReply, string? internalNote)
    {
        if (RefuseLead(actor, "答复", [TicketState.Signed]) is { } e)
        {
            return e;
        }
        PublicReply = publicReply;
        RepliedAt = now;
        PendingExtensionDays = null;
        PendingExtensionReason = null;
        var late = ReplyDueAt is { } due && now > due;
        return Move(actor, now, TimelineEventKind.Replied, TicketState.Replied, internalNote, publicReply, new { late });
    }

    /// <summary>Records a callback (回访). An unreached citizen leaves the ticket waiting for another try.</summary>
    public HotlineError? RecordCallback(Actor actor, Instant now, bool reached, bool? solved, int? satisfaction, string? note)
    {
        if (Refuse(actor, "回访", [TicketState.Replied], StaffRole.Agent, StaffRole.Supervisor) is { } e)
        {
            return e;
        }
        if (!reached)
        {
            CallbackReached = false;
            return Record(actor, now, TimelineEventKind.CallbackAttempted, State, State, note);
        }
        if (solved is null)
        {
            return ValidationFailed.One("solved", "联系上市民时，请记录诉求是否解决。");
        }
        if (satisfaction is not null and not (>= 1 and <= 5))
        {
            return ValidationFailed.One("satisfaction", "满意度为 1（非常不满意）到 5（非常满意）。");
        }
        CallbackReached = true;
        CallbackSolved = solved;
        CallbackSatisfaction = satisfaction;
        return Move(actor, now, TimelineEventKind.CalledBack, TicketState.CalledBack, note,
            data: new { solved, satisfaction });
    }

    public HotlineError? Close(Actor actor, Instant now, string? note)
    {
        if (Refuse(actor, "办结", [TicketState.Replied, TicketState.CalledBack], StaffRole.Agent, StaffRole.Supervisor) is { } e)
        {
            return e;
        }
        Closure = ClosureKind.Handled;
        ClosedAt = now;
        return Move(actor, now, TimelineEventKind.Closed, TicketState.Closed, note);
    }

    /// <summary>重办: the lead department handles the ticket again, with fresh deadlines, after an unsolved or unsatisfied callback.</summary>
    public HotlineError? Rehandle(Actor actor, Instant now, string reason, DeadlineSet deadlines)
    {
        if (Refuse(actor, "重办", [TicketState.CalledBack], StaffRole.Agent, StaffRole.Supervisor) is { } e)
        {
            return e;
        }
        if (CallbackSolved != false && CallbackSatisfaction is not (<= 2))
        {
            return new RuleViolated("回访结果为已解决且满意，不能重办；重办只用于回访未解决或不满意的工单。");
        }
        if (LeadDepartmentId is null)
        {
            return new InvalidTransition(State, "重办", "直接办结的工单没有承办单位，请重新派单。");
        }
        DispatchedAt = now;
        SignDueAt = deadlines.SignDue;
        ReplyDueAt = deadlines.ReplyDue;
        // The department has already handled it once: a re-handled ticket cannot be returned as "not ours".
        ReturnDueAt = now;
        PublicReply = null;
        SignedAt = null;
        RepliedAt = null;
        SignOverdueMarked = false;
        ReplyOverdueMarked = false;
        CallbackReached = null;
        CallbackSolved = null;
        CallbackSatisfaction = null;
        DispatchCount++;
        return Move(actor, now, TimelineEventKind.Rehandled, TicketState.Dispatched, reason, data: new
        {
            lead = LeadDepartmentId.Value.Value,
            signDue = deadlines.SignDue.ToString(),
            replyDue = deadlines.ReplyDue.ToString(),
        });
    }

    /// <summary>并单: this ticket repeats <paramref name="target"/>, which carries on; this one ends here.</summary>
    public HotlineError? MergeInto(Actor actor, Instant now, Ticket target, string? note)
    {
        if (Refuse(actor, "并单", [TicketState.PendingDispatch, TicketState.Dispatched, TicketState.Signed],
            StaffRole.Agent, StaffRole.Dispatcher, StaffRole.Supervisor) is { } e)
        {
            return e;
        }
        if (target.Id == Id)
        {
            return new RuleViolated("不能把工单并入它自己。");
        }
        if (!target.IsOpen || target.State is TicketState.Replied or TicketState.CalledBack)
        {
            return new RuleViolated($"目标工单 {target.TrackingCode} 当前为「{TicketLabels.Of(target.State)}」，只能并入尚在办理中的工单。");
        }
        MergedIntoId = target.Id;
        PendingExtensionDays = null;
        PendingExtensionReason = null;
        var moved = Move(actor, now, TimelineEventKind.MergedInto, TicketState.Merged, note,
            data: new { into = target.Id.Value, intoTrackingCode = target.TrackingCode });
        target.Record(actor, now, TimelineEventKind.MergedFrom, target.State, target.State, note,
            data: new { from = Id.Value, fromTrackingCode = TrackingCode });
        return moved;
    }

    public HotlineError? RefuseAcceptance(Actor actor, Instant now, NotAcceptedReason reason, string routeGiven)
    {
        if (Refuse(actor, "不予受理", [TicketState.PendingDispatch], StaffRole.Agent, StaffRole.Dispatcher, StaffRole.Supervisor) is { } e)
        {
            return e;
        }
        NotAcceptedReason = reason;
        PublicReply = routeGiven;
        ClosedAt = now;
        return Move(actor, now, TimelineEventKind.NotAccepted, TicketState.NotAccepted, TicketLabels.Of(reason), routeGiven,
            new { reason = reason.ToString() });
    }

    public HotlineError? TransferToEmergency(Actor actor, Instant now, TransferTarget target, string? note)
    {
        if (Refuse(actor, "转交紧急服务", [TicketState.PendingDispatch], StaffRole.Agent, StaffRole.Dispatcher, StaffRole.Supervisor) is { } e)
        {
            return e;
        }
        TransferredTo = target;
        ClosedAt = now;
        var notice = $"您的诉求已转 {TicketLabels.Of(target)} 处理。";
        PublicReply = notice;
        return Move(actor, now, TimelineEventKind.Transferred, TicketState.Transferred, note, notice, new { target = TicketLabels.Of(target) });
    }

    /// <summary>Marks a missed sign deadline once; called by the overdue job.</summary>
    public bool MarkSignOverdue(Instant now)
    {
        if (SignOverdueMarked || State != TicketState.Dispatched || SignDueAt is not { } due || now <= due)
        {
            return false;
        }
        SignOverdueMarked = true;
        Record(Actor.System, now, TimelineEventKind.SignOverdue, State, State, "超过签收时限", data: new { due = due.ToString() });
        return true;
    }

    /// <summary>Marks a missed reply deadline once; called by the overdue job.</summary>
    public bool MarkReplyOverdue(Instant now)
    {
        if (ReplyOverdueMarked || State is not (TicketState.Dispatched or TicketState.Signed or TicketState.ReturnRequested)
            || ReplyDueAt is not { } due || now <= due)
        {
            return false;
        }
        ReplyOverdueMarked = true;
        Record(Actor.System, now, TimelineEventKind.ReplyOverdue, State, State, "超过办理答复时限", data: new { due = due.ToString() });
        return true;
    }

    /// <summary>A further message from the citizen on this open ticket (a follow-up SMS, a repeat call).</summary>
    public HotlineError? AddFollowUp(Actor actor, Instant now, string text)
    {
        if (!IsOpen)
        {
            return new InvalidTransition(State, "补充诉求");
        }
        return Record(actor, now, TimelineEventKind.FollowUp, State, State, note: null, publicText: text);
    }

    /// <summary>
    /// Shows the citizen's 1–5 rating on the ticket's timeline. The rating itself (dimensions, comment, who may rate, 一事一评) is
    /// Feedback's record, written in the same transaction; <paramref name="followUp"/> marks the rating of a rectification.
    /// </summary>
    public HotlineError? RecordCitizenRating(Actor actor, Instant now, int level, string channel, bool followUp = false)
    {
        if (level is < 1 or > 5)
        {
            return ValidationFailed.One("level", "评价等级为 1（非常不满意）到 5（非常满意）。");
        }
        if (State is not (TicketState.Replied or TicketState.CalledBack or TicketState.Closed))
        {
            return new InvalidTransition(State, "评价", "工单答复后才能评价。");
        }
        return Record(actor, now, TimelineEventKind.RatingReceived, State, State, publicText: null, data: new { level, channel, followUp });
    }

    /// <summary>
    /// Records the routing engine's decision (category, department, confidence, reason, model version) on the timeline, with
    /// what each member of the engine said (<c>ensemble</c>), so the decision can be explained later. The decision's category
    /// becomes the ticket's when it has none (recorded as <c>setCategory</c>). When deciding again, <c>replacingHint</c> is the
    /// category the earlier decision set: a ticket still in it takes the new decision's category, and any other category (one an
    /// agent chose, even the same one) stays.
    /// </summary>
    public HotlineError? RecordClassification(Instant now, string label, string? categoryId, string? department, double? confidence,
        string reason, string? modelVersion, bool automatic, IReadOnlyList<(string Label, string? DepartmentId, double? Probability)> top,
        object? ensemble = null,
        string? replacingHint = null)
    {
        if (State != TicketState.PendingDispatch)
        {
            return new InvalidTransition(State, "智能分类");
        }
        // Whether this decision gives the ticket its category: a later decision may replace only such a one (setCategory).
        var setCategory = categoryId is not null && (CategoryId is null || replacingHint is not null && CategoryId == replacingHint);
        if (setCategory)
        {
            CategoryId = categoryId;
        }
        return Record(Actor.Router, now, TimelineEventKind.Classified, State, State, reason, data: new
        {
            label,
            categoryId,
            setCategory,
            department,
            confidence = confidence is { } sure ? Math.Round(sure, 4) : (double?)null,
            modelVersion,
            automatic,
            // Each suggestion with where it would go (since 2026-11-23; earlier decisions name only the labels), so a dispatcher's
            // one-click second choice goes where the engine would have sent it: the area's unit, never a switched-off one.
            top = top.Select(t => new { t.Label, department = t.DepartmentId, probability = t.Probability is { } p ? Math.Round(p, 4) : (double?)null }),
            ensemble,
        });
    }

    public void ClearNewTimelineEntries() => _newEntries.Clear();

    /// <summary>
    /// Records the head of a timeline whose entries predate hash chains and were hashed by the start-up seal. The version moves,
    /// so a writer that read the ticket before the seal cannot extend the chain from the missing head.
    /// </summary>
    internal void SealTimeline(string head)
    {
        TimelineHash = head;
        Version++;
    }

    private HotlineError? Refuse(Actor actor, string action, TicketState[] allowedStates, params StaffRole[] roles)
    {
        // In-process jobs (the routing engine) act with the centre's authority; states are still checked.
        if (actor.Kind != ActorKind.System && !actor.IsAnyOf(roles))
        {
            var who = string.Join("、", roles.Select(StaffRoles.LabelOf));
            return new NotPermitted($"只有{who}可以{action}。");
        }
        return allowedStates.Contains(State) ? null : new InvalidTransition(State, action);
    }

    private HotlineError? RefuseLead(Actor actor, string action, TicketState[] allowedStates)
    {
        if (!actor.Is(StaffRole.Department))
        {
            return new NotPermitted($"只有本工单的主办单位可以{action}。");
        }
        if (!allowedStates.Contains(State))
        {
            return new InvalidTransition(State, action);
        }
        return actor.Department is { } dept && LeadDepartmentId == dept ? null : new NotPermitted($"只有本工单的主办单位可以{action}。");
    }

    private HotlineError? Move(Actor actor, Instant now, TimelineEventKind kind, TicketState to, string? note = null,
        string? publicText = null, object? data = null)
    {
        var from = State;
        State = to;
        return Record(actor, now, kind, from, to, note, publicText, data);
    }

    private HotlineError? Record(Actor actor, Instant now, TimelineEventKind kind, TicketState? from, TicketState? to,
        string? note = null, string? publicText = null, object? data = null)
    {
        TimelineLength++;
        if (_newEntries.Count == 0)
        {
            Version++;
        }
        UpdatedAt = now;
        var entry = new TimelineEntry
        {
            TicketId = Id,
            Sequence = TimelineLength,
            At = now,
            Kind = kind,
            ActorId = actor.Id,
            ActorName = actor.Name,
            ActorKind = actor.Kind,
            ActorRole = actor.Role is { } role ? StaffRoles.NameOf(role) : null,
            ActorDepartmentId = actor.Department?.Value,
            FromState = from,
            ToState = to,
            Note = note,
            PublicText = publicText,
            Data = data is null ? null : JsonSerializer.Serialize(data),
        };
        TimelineHash = entry.Seal(TimelineHash);
        _newEntries.Add(entry);
        return null;
    }
}

/// <summary>What intake knows about a new contact.</summary>
public sealed record NewTicket(
    Channel Channel,
    string Phone,
    string Content,
    string Title,
    TicketType Type = TicketType.Consultation,
    Urgency Urgency = Urgency.Normal,
    string? Name = null,
    bool Anonymous = false,
    string? Address = null,
    string? CategoryId = null,
    string? AreaId = null,
    string? IntakeKey = null,
    string? IntakeFingerprint = null)
{
    public IReadOnlyList<AttachmentInfo> Attachments { get; init; } = [];

    /// <summary>Optional coordinates of the matter, alongside the address text.</summary>
    public GeoPoint? Coordinates { get; init; }

    /// <summary>
    /// The title of a contact that came without one (web, app, SMS, a call): its first line, cut at 30 characters — never
    /// between the two halves of an emoji or other character outside the BMP, which PostgreSQL would refuse to store.
    /// </summary>
    public static string DefaultTitle(string content)
    {
        const int length = 30;
        var firstLine = content.Split('\n', 2)[0].Trim();
        if (firstLine.Length <= length)
        {
            return firstLine;
        }
        var cut = char.IsHighSurrogate(firstLine[length - 1]) ? length - 1 : length;
        return firstLine[..cut] + "…";
    }
}

/// <summary>A point in WGS-84 degrees (GPS): latitude −90…90, longitude −180…180.</summary>
public sealed record GeoPoint(double Latitude, double Longitude);

/// <summary>Metadata of a file attached to a ticket; the bytes are stored by content hash outside the database.</summary>
public sealed record AttachmentInfo(string FileName, string ContentType, long Size, string Sha256);

/// <summary>The knowledge article a direct answer was taken from, as it stood when the agent answered.</summary>
public sealed record KnowledgeSource(Guid ArticleId, int Version, string Title)
{
    // EntryData writes the names in lower case (System.Text.Json's default options keep an anonymous object's names as they are).
    private static readonly JsonSerializerOptions ReadShape = new() { PropertyNameCaseInsensitive = true };

    /// <summary>How the answer's timeline entry records it (<c>{"article":{"id","version","title"}}</c>).</summary>
    internal object EntryData() => new { article = new { id = ArticleId, version = Version, title = Title } };

    /// <summary>The article a direct answer's entry data names (see <see cref="EntryData"/>); null for an answer citing none.</summary>
    public static KnowledgeSource? FromEntryData(string? data)
    {
        if (string.IsNullOrEmpty(data))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<EntryShape>(data, ReadShape)?.Article is { Id: { } id, Version: { } version } article
                ? new KnowledgeSource(id, version, article.Title ?? "")
                : null;
        }
        catch (JsonException)
        {
            return null; // not the shape a direct answer writes
        }
    }

    private sealed record EntryShape(ArticleShape? Article);

    private sealed record ArticleShape(Guid? Id, int? Version, string? Title);
}

/// <summary>The deadlines of one round of handling.</summary>
public sealed record DeadlineSet(Instant SignDue, Instant ReplyDue, Instant ReturnDue);

/// <summary>A dispatch decision: lead department, co-handlers, corrections to the classification and the deadlines.</summary>
public sealed record DispatchPlan(
    DepartmentId Lead,
    IReadOnlyList<DepartmentId> CoHandlers,
    DeadlineSet Deadlines,
    bool Designated = false,
    TicketType? Type = null,
    Urgency? Urgency = null,
    string? CategoryId = null,
    string? AreaId = null,
    string? Note = null);
