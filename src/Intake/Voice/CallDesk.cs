using Hotline.Feedback.Ratings;
using Hotline.Intake.Citizens;
using Hotline.Intake.Storage;
using Hotline.Routing;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Hotline.Intake.Voice;

/// <summary>
/// Keeps each call's record as the IVR progresses, turns a confirmed request or a voicemail into a ticket (keyed by the CallSid,
/// so a retried webhook never makes a second one), and announces ringing calls with the caller's history.
/// </summary>
public sealed class CallDesk(RoutingDbContext routing, IntakeDbContext intake, TicketWorkflow workflow, TicketViews views, IClock clock,
    OutboxSignal signal, RatingService ratings)
{
    private static readonly Actor Caller = Actor.Citizen("市民（来电）");

    public async Task RingAsync(string callSid, string from, string to, CancellationToken ct)
    {
        if (callSid.Length is 0 or > 64 || await intake.Calls.AnyAsync(c => c.CallSid == callSid, ct))
        {
            return;
        }
        var phone = KnownCaller(from);
        var now = clock.GetCurrentInstant();
        // A withheld number is nobody's history: two anonymous callers must not see each other's tickets.
        var history = phone.Length == 0 ? [] : await routing.Tickets.AsNoTracking().Where(t => t.CitizenPhone == phone)
            .OrderByDescending(t => t.ReceivedAt).Take(10).ToListAsync(ct);
        await SharedTransaction.RunAsync(routing, intake, async () =>
        {
            intake.Calls.Add(new Call { CallSid = callSid, From = phone, To = Truncate(to, 32), StartedAt = now, Outcome = CallOutcome.InProgress });
            await intake.SaveChangesAsync(ct);
            OutboxWriter.Enqueue(routing, CallRinging.Topic, new CallRinging(callSid, phone,
                MaskedCaller(phone), views.Local(now),
                [.. history.Select(t => new CallerHistoryItem(t.Id.Value, t.TrackingCode, t.Title, t.State.ToString(), TicketLabels.Of(t.State),
                    views.Local(t.ReceivedAt)))]), now);
            await routing.SaveChangesAsync(ct);
            return 0;
        }, ct);
        signal.Notify();
    }

    public async Task HeardAsync(string callSid, string speech, double? confidence, CancellationToken ct)
    {
        if (await intake.Calls.SingleOrDefaultAsync(c => c.CallSid == callSid, ct) is { } call)
        {
            call.Transcript = Truncate(speech, 4_000);
            call.Confidence = confidence;
            await intake.SaveChangesAsync(ct);
        }
    }

    public async Task RecordedAsync(string callSid, string recordingUrl, int seconds, CancellationToken ct)
    {
        if (await intake.Calls.SingleOrDefaultAsync(c => c.CallSid == callSid, ct) is { } call)
        {
            call.RecordingUrl = Truncate(recordingUrl, 500);
            call.RecordingSeconds = seconds;
            await intake.SaveChangesAsync(ct);
        }
    }

    /// <summary>Creates the call's ticket from its transcript or voicemail; returns its tracking code (the existing one on a retry).</summary>
    public async Task<string?> RegisterAsync(string callSid, bool voicemail, CancellationToken ct)
    {
        var call = await intake.Calls.SingleOrDefaultAsync(c => c.CallSid == callSid, ct);
        if (call is null)
        {
            return null;
        }
        string content;
        if (!voicemail && call.Transcript is { Length: > 0 } transcript)
        {
            content = transcript;
        }
        else if (voicemail && call.RecordingUrl is { Length: > 0 } url)
        {
            // The transcription callback may already have come (it races the recording callback).
            content = call.Transcript is { Length: > 0 } early
                ? $"语音留言（{call.RecordingSeconds} 秒）：{early}\n录音：{url}"
                : $"语音留言（{call.RecordingSeconds} 秒），转写完成后补充。录音：{url}";
        }
        else
        {
            return null;
        }
        var result = await workflow.RegisterAsync(new NewTicket(Channel.Phone, call.From, content, NewTicket.DefaultTitle(content), IntakeKey: $"call:{callSid}"), Caller, ct);
        // (An anonymous caller's ticket has no number: nobody else's history includes it, and nobody is texted.)
        var registration = result.Value!;
        call.TicketId = registration.Id.Value;
        call.Outcome = CallOutcome.TicketCreated;
        await intake.SaveChangesAsync(ct);
        return registration.TrackingCode;
    }

    /// <summary>
    /// Adds a voicemail's transcription to its ticket, once however often Twilio calls back. Before the ticket exists the text is
    /// kept on the call and goes into the ticket's content; afterwards it becomes a follow-up, and only once that is committed is
    /// the call marked transcribed, so a failure leaves it to be done again rather than lost.
    /// </summary>
    public async Task TranscribedAsync(string callSid, string text, CancellationToken ct)
    {
        var call = await intake.Calls.SingleOrDefaultAsync(c => c.CallSid == callSid, ct);
        var transcript = Truncate(text.Trim(), 4_000);
        if (call is null || transcript.Length == 0)
        {
            return;
        }
        if (call.TicketId is { } ticketId)
        {
            var followUp = $"语音留言转写：{transcript}";
            var id = new TicketId(ticketId);
            if (!await routing.Timeline.AnyAsync(e => e.TicketId == id && e.Kind == TimelineEventKind.FollowUp && e.PublicText == followUp, ct))
            {
                var result = await workflow.ChangeForCitizenAsync(id, call.From, Caller, (ticket, now) => ticket.AddFollowUp(Caller, now, followUp), ct);
                if (result.Error is ConcurrentChange)
                {
                    throw new InvalidOperationException("The ticket changed while the transcription was added; Twilio's retry will add it.");
                }
            }
        }
        call.Transcript = transcript;
        await intake.SaveChangesAsync(ct);
    }

    /// <summary>A call that ends without a ticket goes on the callback list (漏接回拨).</summary>
    public async Task EndedAsync(string callSid, CancellationToken ct)
    {
        if (await intake.Calls.SingleOrDefaultAsync(c => c.CallSid == callSid, ct) is { } call && call.EndedAt is null)
        {
            call.EndedAt = clock.GetCurrentInstant();
            if (call.Outcome == CallOutcome.InProgress)
            {
                // The ticket may exist although the call record missed it (a crash between the two writes).
                var key = $"call:{callSid}";
                var ticket = await routing.Tickets.AsNoTracking().Where(t => t.IntakeKey == key).Select(t => (Guid?)t.Id.Value).SingleOrDefaultAsync(ct);
                call.Outcome = ticket is null ? CallOutcome.Missed : CallOutcome.TicketCreated;
                call.TicketId ??= ticket;
            }
            if (call.Outcome != CallOutcome.Missed)
            {
                await intake.SaveChangesAsync(ct);
                return;
            }
            // The call goes on the callback list and every agent's list says so, in one transaction.
            await SharedTransaction.RunAsync(routing, intake, async () =>
            {
                await intake.SaveChangesAsync(ct);
                OutboxWriter.Enqueue(routing, MissedCallChanged.Topic, new MissedCallChanged(callSid, MaskedCaller(call.From),
                    MissedCallChanged.Missed, null, views.Local(call.EndedAt.Value)), call.EndedAt.Value);
                await routing.SaveChangesAsync(ct);
                return 0;
            }, ct);
            signal.Notify();
        }
    }

    /// <summary>A caller's number as agents' screens show it before anyone calls back.</summary>
    internal static string MaskedCaller(string phone) => phone.Length > 0 ? PersonalDataMask.Phone(phone) : "未显示号码";

    /// <summary>A keypad rating at the end of a callback call; the number on the call must be the ticket's citizen.</summary>
    public async Task<bool> RateAsync(string trackingCode, string from, string to, int level, CancellationToken ct)
    {
        var code = trackingCode.Trim().ToUpperInvariant();
        var ticket = await routing.Tickets.AsNoTracking().Where(t => t.TrackingCode == code).Select(t => new { t.Id, t.CitizenPhone }).SingleOrDefaultAsync(ct);
        if (ticket is null)
        {
            return false;
        }
        // Inbound calls carry the citizen in From; the centre's callback calls carry them in To.
        var parties = new[] { from, to }.Select(n => PhoneNumber.TryNormalize(n, out var p) ? p : "").ToArray();
        if (ticket.CitizenPhone.Length == 0 || !parties.Contains(ticket.CitizenPhone))
        {
            return false;
        }
        // Feedback applies the rules (window, 一事一评) and records the rating, its timeline entry and any rectification.
        var result = await ratings.SubmitAsync(ticket.Id, new RatingInput(level), new Rater.ByPhone(ticket.CitizenPhone, RatingChannel.Ivr), ct);
        return result.Error is null;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

    // Twilio's stand-ins for withheld or unknown caller ids, and the words some carriers send instead.
    private static readonly HashSet<string> Withheld = ["+266696687", "+7378742833", "+2562533", "+8656696687", "+86282452253"];

    /// <summary>The caller's number in E.164, or "" when it is withheld or not a number.</summary>
    internal static string KnownCaller(string from) =>
        PhoneNumber.TryNormalize(from, out var phone) && !Withheld.Contains(phone) ? phone : "";
}
