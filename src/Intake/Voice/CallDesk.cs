using Hotline.Intake.Citizens;
using Hotline.Intake.Storage;
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
    OutboxSignal signal)
{
    private static readonly Actor Caller = Actor.Citizen("市民（来电）");

    public async Task RingAsync(string callSid, string from, string to, CancellationToken ct)
    {
        if (callSid.Length is 0 or > 64 || await intake.Calls.AnyAsync(c => c.CallSid == callSid, ct))
        {
            return;
        }
        var phone = PhoneNumber.TryNormalize(from, out var normalized) ? normalized : Truncate(from, 32);
        var now = clock.GetCurrentInstant();
        var history = await routing.Tickets.AsNoTracking().Where(t => t.CitizenPhone == phone)
            .OrderByDescending(t => t.ReceivedAt).Take(10).ToListAsync(ct);
        await SharedTransaction.RunAsync(routing, intake, async () =>
        {
            intake.Calls.Add(new Call { CallSid = callSid, From = phone, To = Truncate(to, 32), StartedAt = now, Outcome = CallOutcome.InProgress });
            await intake.SaveChangesAsync(ct);
            OutboxWriter.Enqueue(routing, CallRinging.Topic, new CallRinging(callSid, phone,
                PhoneNumber.TryNormalize(phone, out _) ? PersonalDataMask.Phone(phone) : "未知号码", views.Local(now),
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
            content = $"语音留言（{call.RecordingSeconds} 秒），转写完成后补充。录音：{url}";
        }
        else
        {
            return null;
        }
        var title = content.Length <= 30 ? content : content[..30] + "…";
        var result = await workflow.RegisterAsync(new NewTicket(Channel.Phone, call.From, content, title, IntakeKey: $"call:{callSid}"), Caller, ct);
        var registration = result.Value!;
        call.TicketId = registration.Id.Value;
        call.Outcome = CallOutcome.TicketCreated;
        await intake.SaveChangesAsync(ct);
        return registration.TrackingCode;
    }

    /// <summary>Adds a voicemail's transcription to its ticket (once, however often Twilio calls back).</summary>
    public async Task TranscribedAsync(string callSid, string text, CancellationToken ct)
    {
        var call = await intake.Calls.SingleOrDefaultAsync(c => c.CallSid == callSid, ct);
        var trimmed = text.Trim();
        if (call is null || trimmed.Length == 0 || call.Transcript == trimmed)
        {
            return;
        }
        call.Transcript = Truncate(trimmed, 4_000);
        await intake.SaveChangesAsync(ct);
        if (call.TicketId is { } ticketId)
        {
            await workflow.ChangeForCitizenAsync(new TicketId(ticketId), call.From, Caller,
                (ticket, now) => ticket.AddFollowUp(Caller, now, $"语音留言转写：{call.Transcript}"), ct);
        }
    }

    /// <summary>A call that ends without a ticket goes on the callback list (漏接回拨).</summary>
    public async Task EndedAsync(string callSid, CancellationToken ct)
    {
        if (await intake.Calls.SingleOrDefaultAsync(c => c.CallSid == callSid, ct) is { } call && call.EndedAt is null)
        {
            call.EndedAt = clock.GetCurrentInstant();
            if (call.Outcome == CallOutcome.InProgress)
            {
                call.Outcome = CallOutcome.Missed;
            }
            await intake.SaveChangesAsync(ct);
        }
    }

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
        if (!parties.Contains(ticket.CitizenPhone))
        {
            return false;
        }
        if (await routing.Timeline.AnyAsync(e => e.TicketId == ticket.Id && e.Kind == TimelineEventKind.RatingReceived, ct))
        {
            return false; // 一事一评
        }
        var rater = Actor.Citizen("市民（按键）");
        var result = await workflow.ChangeForCitizenAsync(ticket.Id, ticket.CitizenPhone, rater,
            (t, now) => t.RecordCitizenRating(rater, now, level, "ivr"), ct);
        return result.Error is null;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}
