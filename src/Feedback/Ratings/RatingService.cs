using Hotline.Feedback.Callbacks;
using Hotline.Feedback.History;
using Hotline.Feedback.Rectification;
using Hotline.Feedback.Storage;
using Hotline.Routing;
using Hotline.Routing.Calendar;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Telemetry;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Feedback.Ratings;

/// <summary>The citizen's answer: a level 1–5, optional dimensions 1–5, an optional comment.</summary>
public sealed record RatingInput(int? Level, int? Overall = null, int? Efficiency = null, int? Attitude = null, int? Result = null,
    string? Comment = null);

/// <summary>How the rater shows they are the ticket's citizen.</summary>
public abstract record Rater(RatingChannel Channel)
{
    /// <summary>A signed link from the invitation (web or app).</summary>
    public sealed record ByLink(RatingInvitation Invitation) : Rater(RatingChannel.Web);

    /// <summary>The number the SMS came from, or the caller on the IVR: must be the ticket's number.</summary>
    public sealed record ByPhone(string Phone, RatingChannel Via) : Rater(Via);

    /// <summary>A callback agent on the call records the citizen's answer; the call is the evidence.</summary>
    public sealed record ByCallbackAgent(Actor Agent, string Evidence) : Rater(RatingChannel.Callback);
}

public sealed record RatingReceipt(Guid RatingId, Guid TicketId, string TrackingCode, int Round, int Level, string LevelLabel,
    bool BadReview, Guid? RectificationId);

/// <summary>What a rating link shows before the citizen rates: the ticket, masked, and the levels to choose from.</summary>
public sealed record RatingTarget(string TrackingCode, string Title, string Type, string? Department, string? Reply,
    DateTimeOffset? RepliedAt, string? Citizen, int Round, bool FollowUp, string? RectificationReport, DateTimeOffset ExpiresAt,
    bool AlreadyRated, IReadOnlyList<LevelOption> Levels, IReadOnlyList<string> Dimensions);

public sealed record LevelOption(int Level, string Label);

/// <summary>
/// Records ratings (好差评) from every channel with the same rules: the ticket's citizen only, after the reply, within the window,
/// one per ticket (一事一评) plus one follow-up after an accepted rectification, never edited. A bad review opens its
/// rectification at once, and a real-name one its callback; the ticket's timeline shows the rating. All in one transaction.
/// </summary>
public sealed class RatingService(
    RoutingDbContext routing, FeedbackDbContext feedback, TicketWorkflow workflow, FeedbackJournal journal,
    RectificationDeadlines deadlines, RatingTokens tokens, IOptions<FeedbackOptions> options, IClock clock, OutboxSignal signal,
    HotlineMetrics metrics)
{
    public static readonly IReadOnlyList<string> DimensionNames = ["overall", "efficiency", "attitude", "result"];

    /// <summary>The invitation to rate a ticket now (round and expiry), or why there is none.</summary>
    public async Task<Result<RatingInvitation>> InvitationAsync(TicketId ticketId, CancellationToken ct)
    {
        var ticket = await routing.Tickets.AsNoTracking().SingleOrDefaultAsync(t => t.Id == ticketId, ct);
        return ticket is null ? new NotFound("未找到该工单。") : await NextRoundAsync(ticket, clock.GetCurrentInstant(), ct);
    }

    public async Task<string> LinkTokenAsync(RatingInvitation invitation, CancellationToken ct) => await tokens.IssueAsync(invitation, ct);

    /// <summary>The ticket a plain 1–5 text or keypad press from this number rates: the latest answered one still open to rating.</summary>
    public async Task<(TicketId Id, string TrackingCode)?> RatableByPhoneAsync(string phone, CancellationToken ct)
    {
        var since = clock.GetCurrentInstant().Minus(Duration.FromDays(options.Value.RatingWindowDays));
        var followUps = await feedback.Rectifications.AsNoTracking()
            .Where(r => r.Stage == RectificationStage.FollowUp).Select(r => r.TicketId).ToListAsync(ct);
        var candidates = await routing.Tickets.AsNoTracking()
            .Where(t => t.CitizenPhone == phone && t.RepliedAt != null && (t.RepliedAt >= since || followUps.Contains(t.Id)))
            .OrderByDescending(t => t.RepliedAt).Take(10).ToListAsync(ct);
        foreach (var ticket in candidates)
        {
            if ((await NextRoundAsync(ticket, clock.GetCurrentInstant(), ct)).Error is null)
            {
                return (ticket.Id, ticket.TrackingCode);
            }
        }
        return null;
    }

    public async Task<Result<RatingTarget>> DescribeAsync(RatingInvitation invitation, CancellationToken ct)
    {
        var ticket = await routing.Tickets.AsNoTracking().SingleOrDefaultAsync(t => t.Id == invitation.TicketId, ct);
        if (ticket is null)
        {
            return new NotFound("评价链接无效。");
        }
        var rated = await feedback.Ratings.AnyAsync(r => r.TicketId == ticket.Id && r.Round == invitation.Round, ct);
        var department = ticket.LeadDepartmentId is { } lead
            ? await routing.Departments.AsNoTracking().Where(d => d.Id == lead).Select(d => d.Name).SingleOrDefaultAsync(ct)
            : null;
        var report = invitation.Round == 2
            ? await feedback.Rectifications.AsNoTracking().Where(r => r.TicketId == ticket.Id).Select(r => r.ReportText).FirstOrDefaultAsync(ct)
            : null;
        return new RatingTarget(ticket.TrackingCode, ticket.Title, TicketLabels.Of(ticket.Type), department, ticket.PublicReply,
            deadlines.Local(ticket.RepliedAt), ticket.Anonymous || ticket.CitizenPhone.Length == 0 ? null : PersonalDataMask.Phone(ticket.CitizenPhone),
            invitation.Round, invitation.Round == 2, report, deadlines.Local(invitation.ExpiresAt), rated,
            [.. Enum.GetValues<RatingLevel>().Reverse().Select(l => new LevelOption((int)l, RatingLevels.Label(l)))], DimensionNames);
    }

    public async Task<Result<RatingReceipt>> SubmitAsync(TicketId ticketId, RatingInput input, Rater rater, CancellationToken ct)
    {
        if (Validate(input) is { } invalid)
        {
            return invalid;
        }
        if (rater is Rater.ByCallbackAgent { Agent: var agent } && !agent.IsAnyOf(StaffRole.Agent, StaffRole.Supervisor))
        {
            return new NotPermitted("评价只能由市民本人作出；回访时代为记录须由话务员或督办人员在回访电话中进行。");
        }
        if (rater is Rater.ByCallbackAgent { Evidence: var evidence } && string.IsNullOrWhiteSpace(evidence))
        {
            return ValidationFailed.One("evidence", "代为记录市民评价须注明回访电话（通话编号或录音）作为依据。");
        }
        var ticket = await routing.Tickets.AsNoTracking().SingleOrDefaultAsync(t => t.Id == ticketId, ct);
        if (ticket is null || (rater is Rater.ByPhone byPhone && byPhone.Phone != ticket.CitizenPhone))
        {
            return new NotFound("未找到该工单。");
        }
        var now = clock.GetCurrentInstant();
        var next = await NextRoundAsync(ticket, now, ct);
        if (next.Error is { } refused)
        {
            return refused;
        }
        var round = next.Value!.Round;
        if (rater is Rater.ByLink { Invitation: var invitation } && invitation.Round != round)
        {
            return new StateConflict("该评价链接已使用过：每件诉求只能评价一次（一事一评）。");
        }
        var level = (RatingLevel)input.Level!.Value;
        Result<RatingReceipt> result;
        try
        {
            result = await FeedbackTransaction.RunAsync(routing, feedback, () => WriteAsync(ticket, input, rater, level, round, now, ct), ct);
        }
        catch (CalendarYearMissingException missing)
        {
            return new CalendarUnavailable(missing.Year);
        }
        catch (DbUpdateException) when (routing.Database.CurrentTransaction is null)
        {
            // Two submissions at once: the unique (ticket, round) index let the first one in.
            routing.ChangeTracker.Clear();
            feedback.ChangeTracker.Clear();
            return new StateConflict("该工单已评价，每件诉求只能评价一次（一事一评）。");
        }
        if (result.Error is null)
        {
            signal.Notify();
            metrics.Rating(rater.Channel.ToString().ToLowerInvariant(), (int)level);
        }
        return result;
    }

    private async Task<Result<RatingReceipt>> WriteAsync(Ticket ticket, RatingInput input, Rater rater, RatingLevel level, int round,
        Instant now, CancellationToken ct)
    {
        var actor = rater switch
        {
            Rater.ByCallbackAgent a => a.Agent,
            Rater.ByLink => Actor.Citizen("市民（评价链接）"),
            Rater.ByPhone { Via: RatingChannel.Ivr } => Actor.Citizen("市民（按键）"),
            _ => Actor.Citizen("市民（短信）"),
        };
        var bad = RatingLevels.IsBadReview(level);
        var rating = new Rating
        {
            TicketId = ticket.Id,
            TrackingCode = ticket.TrackingCode,
            Round = round,
            Level = level,
            BadReview = bad,
            Overall = input.Overall,
            Efficiency = input.Efficiency,
            Attitude = input.Attitude,
            Result = input.Result,
            Comment = string.IsNullOrWhiteSpace(input.Comment) ? null : input.Comment.Trim(),
            Channel = rater.Channel,
            Proof = rater switch
            {
                Rater.ByLink => RaterProof.SignedLink,
                Rater.ByPhone => RaterProof.VerifiedPhone,
                _ => RaterProof.CallbackCall,
            },
            RealName = !ticket.Anonymous && ticket.CitizenPhone.Length > 0,
            DepartmentId = ticket.LeadDepartmentId,
            TicketType = ticket.Type,
            RatedAt = now,
            RecordedBy = rater is Rater.ByCallbackAgent recorder ? recorder.Agent.Name : null,
            Evidence = rater is Rater.ByCallbackAgent withEvidence ? withEvidence.Evidence.Trim() : null,
        };
        feedback.Ratings.Add(rating);
        var data = new { round, channel = rating.Channel.ToString(), rating.RealName, rating.Overall, rating.Efficiency, rating.Attitude, rating.Result };
        journal.Write(actor, now, FeedbackSubject.Rating, rating.Id, ticket.Id, ticket.TrackingCode, rating.DepartmentId,
            round == 1 ? FeedbackEventKind.RatingReceived : FeedbackEventKind.FollowUpRatingReceived, rating.Comment, data, (int)level);
        Guid? rectificationId = null;
        if (round == 1 && bad)
        {
            journal.Write(actor, now, FeedbackSubject.Rating, rating.Id, ticket.Id, ticket.TrackingCode, rating.DepartmentId,
                FeedbackEventKind.BadReviewReceived, rating.Comment, data, (int)level);
            var due = await deadlines.ForBadReviewAsync(now, ct);
            var rectification = RectificationRecord.Open(rating.Id, ticket.Id, ticket.TrackingCode, ticket.LeadDepartmentId, now, due.Verify, due.Rectify);
            feedback.Rectifications.Add(rectification);
            rectificationId = rectification.Id;
            journal.Write(Actor.System, now, FeedbackSubject.Rectification, rectification.Id, ticket.Id, ticket.TrackingCode,
                rectification.DepartmentId, FeedbackEventKind.RectificationOpened, null,
                new { ratingId = rating.Id, verifyDue = due.Verify.ToString(), rectifyDue = due.Rectify.ToString() },
                (int)level, rectification.Stage.ToString());
            if (rating.RealName && !await feedback.Callbacks.AnyAsync(c => c.TicketId == ticket.Id && c.Reason == CallbackReason.RealNameBadReview
                && c.Status == CallbackStatus.Pending, ct))
            {
                var callback = new CallbackTask
                {
                    TicketId = ticket.Id,
                    TrackingCode = ticket.TrackingCode,
                    DepartmentId = ticket.LeadDepartmentId,
                    TicketType = ticket.Type,
                    Reason = CallbackReason.RealNameBadReview,
                    CauseId = rating.Id,
                    QueuedAt = now,
                    Status = CallbackStatus.Pending,
                };
                feedback.Callbacks.Add(callback);
                journal.Write(Actor.System, now, FeedbackSubject.Callback, callback.Id, ticket.Id, ticket.TrackingCode, callback.DepartmentId,
                    FeedbackEventKind.CallbackQueued, CallbackLabels.Of(callback.Reason));
            }
        }
        if (round == 2)
        {
            var rectification = await feedback.Rectifications.SingleAsync(r => r.TicketId == ticket.Id && r.Stage == RectificationStage.FollowUp, ct);
            if (rectification.CloseWithFollowUp(now, rating.Id) is { } error)
            {
                return error;
            }
            rectificationId = rectification.Id;
            journal.Write(actor, now, FeedbackSubject.Rectification, rectification.Id, ticket.Id, ticket.TrackingCode, rectification.DepartmentId,
                FeedbackEventKind.RectificationClosed, RectificationRecord.Labels.Of(rectification.Outcome!.Value),
                new { followUpRatingId = rating.Id }, (int)level, rectification.Stage.ToString());
        }
        await feedback.SaveChangesAsync(ct);

        // The ticket shows the rating on its timeline, in the same transaction (its own outbox message goes with it).
        var channel = rating.Channel switch
        {
            RatingChannel.Sms => "sms",
            RatingChannel.Web => "web",
            RatingChannel.Ivr => "ivr",
            RatingChannel.Callback => "callback",
        };
        var shown = rater is Rater.ByCallbackAgent staff
            ? await workflow.ChangeAsync(ticket.Id, staff.Agent, null,
                (t, at) => Task.FromResult(t.RecordCitizenRating(staff.Agent, at, (int)level, channel, round == 2)), ct)
            : await workflow.ChangeForCitizenAsync(ticket.Id, ticket.CitizenPhone, actor,
                (t, at) => t.RecordCitizenRating(actor, at, (int)level, channel, round == 2), ct);
        if (shown.Error is { } ticketError)
        {
            return ticketError;
        }
        return new RatingReceipt(rating.Id, ticket.Id.Value, ticket.TrackingCode, round, (int)level, RatingLevels.Label(level), bad, rectificationId);
    }

    /// <summary>Which round a rating of this ticket would be now, and until when; or why it cannot be rated.</summary>
    private async Task<Result<RatingInvitation>> NextRoundAsync(Ticket ticket, Instant now, CancellationToken ct)
    {
        var rounds = await feedback.Ratings.AsNoTracking().Where(r => r.TicketId == ticket.Id).Select(r => r.Round).ToListAsync(ct);
        if (rounds.Count == 0)
        {
            if (ticket.RepliedAt is not { } repliedAt || ticket.State is not (TicketState.Replied or TicketState.CalledBack or TicketState.Closed))
            {
                return new StateConflict($"工单当前状态为「{TicketLabels.Of(ticket.State)}」，答复后才能评价。");
            }
            var ends = repliedAt.Plus(Duration.FromDays(options.Value.RatingWindowDays));
            if (now > ends)
            {
                return new RuleViolated($"已超过评价期限：答复后 {options.Value.RatingWindowDays} 天内可以评价。");
            }
            return new RatingInvitation(ticket.Id, 1, ends);
        }
        if (!rounds.Contains(2))
        {
            var followUp = await feedback.Rectifications.AsNoTracking()
                .Where(r => r.TicketId == ticket.Id && r.Stage == RectificationStage.FollowUp)
                .Select(r => r.FollowUpEndsAt).FirstOrDefaultAsync(ct);
            if (followUp is { } ends)
            {
                return now > ends
                    ? new RuleViolated($"已超过再评价期限：整改反馈后 {options.Value.RatingWindowDays} 天内可以再评价一次。")
                    : new RatingInvitation(ticket.Id, 2, ends);
            }
        }
        return new StateConflict("该工单已评价，每件诉求只能评价一次（一事一评）；差评整改反馈后可再评价一次。");
    }

    private static ValidationFailed? Validate(RatingInput input)
    {
        var input2 = new Input();
        if (input.Level is not { } level)
        {
            input2.Add("level", "请选择评价等级：5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意。");
        }
        else if (level is < 1 or > 5)
        {
            input2.Add("level", $"评价等级为 1（非常不满意）到 5（非常满意），收到的是 {level}。");
        }
        foreach (var (name, value) in new[] { ("overall", input.Overall), ("efficiency", input.Efficiency), ("attitude", input.Attitude), ("result", input.Result) })
        {
            if (value is < 1 or > 5)
            {
                input2.Add(name, $"分项评价为 1 到 5，收到的是 {value}。");
            }
        }
        input2.Optional(input.Comment, "comment", "评价意见", 1_000);
        return input2.Ok ? null : input2.Failure;
    }
}
