using Hotline.Routing;
using Hotline.Routing.Tickets;
using NodaTime;

namespace Hotline.Feedback.Rectification;

/// <summary>The steps of a rectification (差评整改), in the only order they may happen.</summary>
public enum RectificationStage
{
    Verify,     // 核实: the department calls the citizen
    Classify,   // 分类: fix at once, register and fix by the deadline, or explain
    Record,     // 整改记录: what was done, with evidence
    ReportBack, // 反馈: what the citizen is told
    Review,     // 审核: the supervisor accepts or sends it back
    FollowUp,   // 回评: the citizen may rate the rectification once
    Closed,
}

/// <summary>How the department judges the bad review once verified (51号).</summary>
public enum RectificationKind
{
    FixNow,         // 诉求明确合理：立行立改
    RegisterAndFix, // 情况复杂：建立台账、限期整改
    Explain,        // 没有法律依据：解释说明
}

/// <summary>How a rectification ended.</summary>
public enum RectificationOutcome
{
    FollowUpRated,    // the citizen rated the rectification
    NoFollowUpRating, // the follow-up window passed without a rating
    AppealUpheld,     // the bad review was found mistaken or malicious
}

/// <summary>
/// A rectification of one bad review, owned by the department rated, with deadlines on the working-day calendar. Each step
/// checks the stage and the actor and either moves on or says why not; the service records the history.
/// </summary>
public sealed class RectificationRecord
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid RatingId { get; init; }
    public TicketId TicketId { get; init; }
    public string TrackingCode { get; init; } = "";

    /// <summary>The department rated; null when the centre answered the ticket itself (the centre's staff then own it).</summary>
    public DepartmentId? DepartmentId { get; init; }

    public RectificationStage Stage { get; private set; }
    public Instant OpenedAt { get; init; }
    public Instant VerifyDueAt { get; init; }
    public Instant RectifyDueAt { get; init; }
    public Instant? ReviewDueAt { get; private set; }
    public Instant? FollowUpEndsAt { get; private set; }

    public Instant? VerifiedAt { get; private set; }
    public bool? CitizenReached { get; private set; }
    public string? VerifyNote { get; private set; }

    public Instant? ClassifiedAt { get; private set; }
    public RectificationKind? Kind { get; private set; }
    public string? ClassifyNote { get; private set; }

    public Instant? RecordedAt { get; private set; }
    public string? Action { get; private set; }

    /// <summary>References to the evidence (attachment hashes, document numbers) as a JSON array of strings.</summary>
    public string? Evidence { get; private set; }

    public Instant? ReportedBackAt { get; private set; }
    public string? ReportText { get; private set; }

    public Instant? AcceptedAt { get; private set; }
    public string? ReviewNote { get; private set; }
    public int SentBackCount { get; private set; }

    public Guid? FollowUpRatingId { get; private set; }
    public Instant? ClosedAt { get; private set; }
    public RectificationOutcome? Outcome { get; private set; }

    public int Version { get; private set; }

    public static RectificationRecord Open(Guid ratingId, TicketId ticketId, string trackingCode, DepartmentId? department, Instant now,
        Instant verifyDue, Instant rectifyDue) => new()
        {
            RatingId = ratingId,
            TicketId = ticketId,
            TrackingCode = trackingCode,
            DepartmentId = department,
            Stage = RectificationStage.Verify,
            OpenedAt = now,
            VerifyDueAt = verifyDue,
            RectifyDueAt = rectifyDue,
        };

    /// <summary>When the current step falls due (null when nothing is due from staff).</summary>
    public Instant? CurrentDueAt => Stage switch
    {
        RectificationStage.Verify => VerifyDueAt,
        RectificationStage.Classify or RectificationStage.Record or RectificationStage.ReportBack => RectifyDueAt,
        RectificationStage.Review => ReviewDueAt,
        RectificationStage.FollowUp or RectificationStage.Closed => null,
    };

    /// <summary>Whether the department reported back by the rectification deadline (差评按时整改).</summary>
    public bool? RectifiedOnTime => ReportedBackAt is { } at ? at <= RectifyDueAt : null;

    /// <summary>Department handlers act on their own department's records; the centre's records are the agents' and supervisors'.</summary>
    public bool IsOwnedBy(Actor actor) => DepartmentId is { } dept
        ? actor.Is(StaffRole.Department) && actor.Department == dept
        : actor.IsAnyOf(StaffRole.Agent, StaffRole.Supervisor);

    public HotlineError? Verify(Actor actor, Instant now, bool reached, string note)
    {
        if (Refuse(actor, RectificationStage.Verify) is { } e)
        {
            return e;
        }
        VerifiedAt = now;
        CitizenReached = reached;
        VerifyNote = note;
        return Advance(RectificationStage.Classify);
    }

    public HotlineError? Classify(Actor actor, RectificationKind kind, Instant now, string note)
    {
        if (Refuse(actor, RectificationStage.Classify) is { } e)
        {
            return e;
        }
        ClassifiedAt = now;
        Kind = kind;
        ClassifyNote = note;
        return Advance(RectificationStage.Record);
    }

    public HotlineError? RecordAction(Actor actor, Instant now, string action, string evidenceJson)
    {
        if (Refuse(actor, RectificationStage.Record) is { } e)
        {
            return e;
        }
        RecordedAt = now;
        Action = action;
        Evidence = evidenceJson;
        return Advance(RectificationStage.ReportBack);
    }

    public HotlineError? ReportBackToCitizen(Actor actor, Instant now, string text, Instant reviewDue)
    {
        if (Refuse(actor, RectificationStage.ReportBack) is { } e)
        {
            return e;
        }
        ReportedBackAt = now;
        ReportText = text;
        ReviewDueAt = reviewDue;
        return Advance(RectificationStage.Review);
    }

    /// <summary>The supervisor accepts (the citizen may then rate once more) or sends it back to record and report again.</summary>
    public HotlineError? Review(Actor actor, Instant now, bool accept, string? note, Instant followUpEnds)
    {
        if (!actor.Is(StaffRole.Supervisor))
        {
            return new NotPermitted("只有督办人员可以审核整改结果。");
        }
        if (Stage != RectificationStage.Review)
        {
            return OutOfOrder(RectificationStage.Review);
        }
        ReviewNote = note;
        if (!accept)
        {
            SentBackCount++;
            ReviewDueAt = null;
            return Advance(RectificationStage.Record);
        }
        AcceptedAt = now;
        FollowUpEndsAt = followUpEnds;
        return Advance(RectificationStage.FollowUp);
    }

    public HotlineError? CloseWithFollowUp(Instant now, Guid followUpRatingId)
    {
        if (Stage != RectificationStage.FollowUp)
        {
            return OutOfOrder(RectificationStage.FollowUp);
        }
        FollowUpRatingId = followUpRatingId;
        return Close(now, RectificationOutcome.FollowUpRated);
    }

    /// <summary>The follow-up window passed without a rating; called by the overdue job.</summary>
    public bool CloseWithoutFollowUp(Instant now)
    {
        if (Stage != RectificationStage.FollowUp || FollowUpEndsAt is not { } ends || now <= ends)
        {
            return false;
        }
        Close(now, RectificationOutcome.NoFollowUpRating);
        return true;
    }

    /// <summary>An upheld appeal ends the rectification wherever it stands: the review it answers no longer counts.</summary>
    public HotlineError? CloseByAppeal(Instant now)
    {
        if (Stage == RectificationStage.Closed)
        {
            return null;
        }
        return Close(now, RectificationOutcome.AppealUpheld);
    }

    private HotlineError? Close(Instant now, RectificationOutcome outcome)
    {
        ClosedAt = now;
        Outcome = outcome;
        return Advance(RectificationStage.Closed);
    }

    private HotlineError? Refuse(Actor actor, RectificationStage step)
    {
        if (!IsOwnedBy(actor))
        {
            return new NotPermitted(DepartmentId is null
                ? "该整改由热线中心负责，只有话务员或督办人员可以办理。"
                : "只有被评价的承办单位可以办理该整改。");
        }
        return Stage == step ? null : OutOfOrder(step);
    }

    private StateConflict OutOfOrder(RectificationStage attempted) => new(Stage == RectificationStage.Closed
        ? $"该整改已结束，不能再{Labels.Of(attempted)}。"
        : $"整改须按顺序办理：当前应「{Labels.Of(Stage)}」，不能「{Labels.Of(attempted)}」。");

    private HotlineError? Advance(RectificationStage to)
    {
        Stage = to;
        Version++;
        return null;
    }

    public static class Labels
    {
        public static string Of(RectificationStage stage) => stage switch
        {
            RectificationStage.Verify => "核实",
            RectificationStage.Classify => "分类定性",
            RectificationStage.Record => "记录整改情况",
            RectificationStage.ReportBack => "反馈市民",
            RectificationStage.Review => "督办审核",
            RectificationStage.FollowUp => "市民再评价",
            RectificationStage.Closed => "已结束",
        };

        public static string Of(RectificationKind kind) => kind switch
        {
            RectificationKind.FixNow => "立行立改",
            RectificationKind.RegisterAndFix => "建立台账、限期整改",
            RectificationKind.Explain => "解释说明",
        };

        public static string Of(RectificationOutcome outcome) => outcome switch
        {
            RectificationOutcome.FollowUpRated => "市民已再评价",
            RectificationOutcome.NoFollowUpRating => "市民未再评价",
            RectificationOutcome.AppealUpheld => "申诉成立，差评不计入考核",
        };
    }
}

/// <summary>
/// An overdue rectification step, urged (催办, to the department) and escalated (督办, to supervisors) once: the key is the
/// rectification and the step, so a second pass, or a second host, cannot write it twice.
/// </summary>
public sealed class RectificationUrge
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid RectificationId { get; init; }
    public RectificationStage Step { get; init; }
    public TicketId TicketId { get; init; }
    public DepartmentId? DepartmentId { get; init; }
    public Instant DueAt { get; init; }
    public Instant UrgedAt { get; init; }
}
