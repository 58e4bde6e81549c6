using System.ComponentModel.DataAnnotations;
using Hotline.Feedback;
using Hotline.Feedback.Ratings;
using Hotline.Intake.Citizens;
using Hotline.Intake.Notifications;
using Hotline.Intake.Storage;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Intake.Sms;

public sealed class SmsOptions
{
    /// <summary>A text from a number with an open ticket it texted about within this window joins that ticket's conversation.</summary>
    [Range(1, 60 * 24 * 30)]
    public int FollowUpWindowMinutes { get; set; } = 24 * 60;

    // The rating window is Feedback's setting (Hotline:Feedback:RatingWindowDays): one window for every channel.
}

/// <summary>One inbound text as Twilio delivers it (already signature-checked).</summary>
public sealed record InboundText(string MessageSid, string From, string To, string Body, int MediaCount);

/// <summary>What became of an inbound text, and the reply to send back in the webhook's TwiML.</summary>
public sealed record InboundOutcome(InboundKind Kind, Guid? TicketId, string Reply, bool Replayed);

/// <summary>
/// Turns an inbound text into a new ticket, a follow-up on the citizen's open ticket, a rating, or an opt-out. Everything it
/// writes (ticket, timeline, the text itself, the citizen record) commits in one transaction keyed by the MessageSid, so a
/// Twilio retry replays the first answer and never creates a second ticket.
/// </summary>
public sealed class InboundSmsHandler(
    RoutingDbContext routing, IntakeDbContext intake, TicketWorkflow workflow, MessageTemplates templates, IClock clock,
    IOptions<SmsOptions> options, RatingService ratings, IOptions<FeedbackOptions> feedbackOptions)
{
    private static readonly string[] OptOutWords = ["退订", "TD", "STOP", "UNSUBSCRIBE", "取消订阅"];
    private static readonly string[] OptInWords = ["订阅", "START", "UNSTOP"];
    private static readonly Actor Sender = Actor.Citizen("市民（短信）");

    public async Task<InboundOutcome> HandleAsync(InboundText text, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await HandleOnceAsync(text, ct);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another writer got there first (a Twilio retry of this text, or the citizen record created by another
                // channel at the same moment): start again from what is now committed; a retry then replays.
                routing.ChangeTracker.Clear();
                intake.ChangeTracker.Clear();
            }
        }
    }

    private async Task<InboundOutcome> HandleOnceAsync(InboundText text, CancellationToken ct)
    {
        if (await intake.InboundSms.AsNoTracking().SingleOrDefaultAsync(m => m.MessageSid == text.MessageSid, ct) is { } earlier)
        {
            return new InboundOutcome(earlier.Kind, earlier.TicketId, earlier.Reply, Replayed: true);
        }
        PhoneNumber.TryNormalize(text.From, out var phone);
        var now = clock.GetCurrentInstant();
        return await SharedTransaction.RunAsync(routing, intake, async () =>
        {
            var outcome = await DecideAsync(text, phone, now, ct);
            intake.InboundSms.Add(new InboundSms
            {
                MessageSid = text.MessageSid,
                From = phone.Length > 0 ? phone : Truncate(text.From, 32),
                To = Truncate(text.To, 32),
                Body = Truncate(text.Body, 2_000),
                MediaCount = text.MediaCount,
                ReceivedAt = now,
                Kind = outcome.Kind,
                TicketId = outcome.TicketId,
                Reply = outcome.Reply,
            });
            if (phone.Length > 0)
            {
                await TouchCitizenAsync(phone, now, outcome.Kind, ct);
            }
            await intake.SaveChangesAsync(ct);
            return outcome;
        }, ct);
    }

    private async Task<InboundOutcome> DecideAsync(InboundText text, string phone, Instant now, CancellationToken ct)
    {
        var body = text.Body.Trim();
        if (phone.Length == 0)
        {
            // Alphanumeric senders and short codes cannot be called back or tracked: record the text, open nothing.
            return new InboundOutcome(InboundKind.Empty, null, "", false);
        }
        if (OptOutWords.Any(w => string.Equals(body, w, StringComparison.OrdinalIgnoreCase)))
        {
            return new InboundOutcome(InboundKind.OptOut, null, await Render("sms.opt-out", null, ct), false);
        }
        if (OptInWords.Any(w => string.Equals(body, w, StringComparison.OrdinalIgnoreCase)))
        {
            return new InboundOutcome(InboundKind.OptIn, null, await Render("sms.opt-in", null, ct), false);
        }
        if (body.Length == 1 && body[0] is >= '1' and <= '5' && await ratings.RatableByPhoneAsync(phone, ct) is { } rated)
        {
            // Feedback applies the rules (the ticket's number, the window, 一事一评) and joins this transaction.
            var result = await ratings.SubmitAsync(rated.Id, new RatingInput(body[0] - '0'), new Rater.ByPhone(phone, RatingChannel.Sms), ct);
            if (result.Error is null)
            {
                return new InboundOutcome(InboundKind.Rating, rated.Id.Value, await Render("sms.rating-thanks", rated.TrackingCode, ct), false);
            }
        }
        if (body.Length == 1 && body[0] is >= '1' and <= '5' && await RecentlyAnsweredAsync(phone, now, ct))
        {
            // 一事一评: the answered ticket was rated already; a lone digit is not a new matter.
            return new InboundOutcome(InboundKind.Rating, null, await Render("sms.already-rated", null, ct), false);
        }
        if (body.Length == 0 && text.MediaCount == 0)
        {
            return new InboundOutcome(InboundKind.Empty, null, await Render("sms.empty", null, ct), false);
        }
        var content = body.Length > 0 ? body : $"[彩信，含 {text.MediaCount} 个附件，无文字]";
        if (await ConversationTicketAsync(phone, now, ct) is { } open)
        {
            var followed = await workflow.ChangeForCitizenAsync(open.Id, phone, Sender, (ticket, at) => ticket.AddFollowUp(Sender, at, content), ct);
            if (followed.Error is null)
            {
                return new InboundOutcome(InboundKind.FollowUp, open.Id.Value, await Render("sms.follow-up", open.TrackingCode, ct), false);
            }
        }
        var draft = new NewTicket(Channel.Sms, phone, content, NewTicket.DefaultTitle(content), IntakeKey: $"sms:{text.MessageSid}");
        var registered = await workflow.RegisterAsync(draft, Sender, ct);
        var registration = registered.Value!;
        return new InboundOutcome(InboundKind.NewTicket, registration.Id.Value, await Render("sms.new-ticket", registration.TrackingCode, ct), false);
    }

    /// <summary>The citizen's most recent open ticket that they texted about (created or followed up by SMS) within the window.</summary>
    private async Task<(TicketId Id, string TrackingCode)?> ConversationTicketAsync(string phone, Instant now, CancellationToken ct)
    {
        var since = now.Minus(Duration.FromMinutes(options.Value.FollowUpWindowMinutes));
        var recent = await intake.InboundSms.AsNoTracking()
            .Where(m => m.From == phone && m.TicketId != null && m.ReceivedAt >= since
                && (m.Kind == InboundKind.NewTicket || m.Kind == InboundKind.FollowUp))
            .OrderByDescending(m => m.ReceivedAt)
            .Select(m => m.TicketId!.Value)
            .Take(20)
            .ToListAsync(ct);
        foreach (var id in recent.Distinct())
        {
            var ticketId = new TicketId(id);
            var ticket = await routing.Tickets.AsNoTracking()
                .Where(t => t.Id == ticketId && t.CitizenPhone == phone)
                .Select(t => new { t.Id, t.TrackingCode, t.State, t.MergedIntoId })
                .SingleOrDefaultAsync(ct);
            if (ticket?.MergedIntoId is { } into)
            {
                // Merged (并单) into another of this citizen's tickets: the conversation continues there. (A ticket merged into
                // someone else's is not this citizen's to append to; their next text opens a new ticket.)
                ticket = await routing.Tickets.AsNoTracking().Where(t => t.Id == into && t.CitizenPhone == phone)
                    .Select(t => new { t.Id, t.TrackingCode, t.State, t.MergedIntoId }).SingleOrDefaultAsync(ct);
            }
            if (ticket is not null && ticket.State is TicketState.PendingDispatch or TicketState.Dispatched or TicketState.Signed
                or TicketState.ReturnRequested)
            {
                return (ticket.Id, ticket.TrackingCode);
            }
        }
        return null;
    }

    private async Task<bool> RecentlyAnsweredAsync(string phone, Instant now, CancellationToken ct)
    {
        var since = now.Minus(Duration.FromDays(feedbackOptions.Value.RatingWindowDays));
        return await routing.Tickets.AnyAsync(t => t.CitizenPhone == phone && t.RepliedAt >= since, ct);
    }

    private async Task TouchCitizenAsync(string phone, Instant now, InboundKind kind, CancellationToken ct)
    {
        var citizen = await intake.Citizens.SingleOrDefaultAsync(c => c.Phone == phone, ct);
        if (citizen is null)
        {
            citizen = new Citizen { Phone = phone, FirstContactAt = now };
            intake.Citizens.Add(citizen);
        }
        citizen.LastContactAt = now;
        citizen.Contacts++;
        if (kind == InboundKind.OptOut)
        {
            citizen.SmsOptedOut = true;
            citizen.SmsOptedOutAt = now;
        }
        else if (kind == InboundKind.OptIn)
        {
            citizen.SmsOptedOut = false;
            citizen.SmsOptedOutAt = null;
        }
    }

    private Task<string> Render(string key, string? trackingCode, CancellationToken ct) =>
        templates.RenderAsync(key, new Dictionary<string, string> { ["trackingCode"] = trackingCode ?? "" }, ct);

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}
