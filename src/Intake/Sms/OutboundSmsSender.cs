using Hotline.Intake.Citizens;
using Hotline.Intake.Storage;
using Hotline.Intake.Twilio;
using Hotline.Routing.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Intake.Sms;

/// <summary>The outbox payload asking for one <see cref="OutboundSms"/> to be sent.</summary>
public sealed record SendSms(Guid SmsId)
{
    public const string Topic = "sms.send";
}

/// <summary>
/// Sends queued texts through Twilio, from the outbox. Idempotent: a text already handed over is never handed over again, and a
/// text marked <see cref="OutboundStatus.Sending"/> before the call is visible after a crash. Retryable failures (429, 5xx,
/// timeouts) are thrown back to the outbox, which retries with backoff; permanent ones are recorded as failed.
/// </summary>
/// <remarks>
/// Two attempts on one text can overlap: the outbox delivers at least once, and a batch that runs past its claim (Twilio slow
/// on every call) is claimed again by another host. So an attempt takes the text with a conditional update (only one of two
/// that read the same state wins), and a text marked "sending" less than <see cref="InFlightWindow"/> ago is left alone: its
/// attempt may still be waiting for Twilio, whose message list would not show the text yet.
/// </remarks>
public sealed class OutboundSmsSender(IServiceScopeFactory scopes, IOptions<TwilioOptions> twilio, IClock clock) : IOutboxHandler
{
    /// <summary>Longer than any call can take (the HTTP timeout, twice over): after it, an attempt that marked the text is over.</summary>
    public static readonly Duration InFlightWindow = Duration.FromTimeSpan(TwilioOptions.RequestTimeout * 2);

    public string Name => "sms-sender";
    public string Topic => SendSms.Topic;

    public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var request = OutboxWriter.Read<SendSms>(message);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IntakeDbContext>();
        var sms = await db.OutboundSms.SingleOrDefaultAsync(m => m.Id == request.SmsId, ct);
        if (sms is null || sms.Status is not (OutboundStatus.Queued or OutboundStatus.Sending))
        {
            return; // already sent, failed for good, or skipped
        }
        var citizen = await db.Citizens.AsNoTracking().SingleOrDefaultAsync(c => c.Phone == sms.To, ct);
        var skip = !twilio.Value.IsConfigured ? "短信渠道未配置（Hotline:Twilio）。"
            : !Citizen.CanReceiveSms(sms.To) ? "该号码不能接收短信。"
            : citizen?.SmsOptedOut == true ? "市民已退订短信。"
            : null;
        if (skip is not null)
        {
            sms.Status = OutboundStatus.Skipped;
            sms.LastError = skip;
            sms.UpdatedAt = clock.GetCurrentInstant();
            await db.SaveChangesAsync(ct);
            return;
        }
        var messaging = scope.ServiceProvider.GetRequiredService<ITwilioMessaging>();
        if (sms.Status == OutboundStatus.Sending)
        {
            if (clock.GetCurrentInstant() < sms.UpdatedAt.Plus(InFlightWindow))
            {
                throw new SmsRetryException("an earlier attempt may still be waiting for Twilio's answer");
            }
            // A previous attempt handed the text over and then crashed before recording Twilio's answer: ask Twilio before
            // sending again, so a crash does not double a text.
            var lookup = await messaging.FindSentAsync(sms.To, sms.Body, sms.UpdatedAt.Minus(Duration.FromMinutes(1)), ct);
            if (!lookup.Answered)
            {
                throw new SmsRetryException(lookup.Detail ?? "Twilio's message list is unavailable");
            }
            if (lookup.Sid is { } sentSid)
            {
                sms.Status = OutboundStatus.Accepted;
                sms.ProviderSid = sentSid;
                sms.UpdatedAt = clock.GetCurrentInstant();
                await db.SaveChangesAsync(ct);
                return;
            }
        }
        // Committed before the call: after a crash the text shows as "sending", never silently as "queued". Conditional on the
        // attempt count read above, so of two attempts that read the same state only one sends.
        var attempt = sms.Attempts;
        var markedAt = clock.GetCurrentInstant();
        var taken = await db.OutboundSms
            .Where(m => m.Id == sms.Id && m.Attempts == attempt && (m.Status == OutboundStatus.Queued || m.Status == OutboundStatus.Sending))
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, OutboundStatus.Sending)
                .SetProperty(m => m.Attempts, attempt + 1)
                .SetProperty(m => m.UpdatedAt, markedAt), ct);
        if (taken == 0)
        {
            throw new SmsRetryException("another attempt took this text meanwhile");
        }
        await db.Entry(sms).ReloadAsync(ct);

        var result = await messaging.SendSmsAsync(new OutgoingSms(sms.To, sms.Body)
        {
            StatusCallback = string.IsNullOrWhiteSpace(twilio.Value.PublicBaseUrl) ? null : twilio.Value.WebhookUrl(SmsWebhooks.StatusPath),
        }, ct);
        sms.UpdatedAt = clock.GetCurrentInstant();
        switch (result.Outcome)
        {
            case SmsSendOutcome.Accepted:
                sms.Status = OutboundStatus.Accepted;
                sms.ProviderSid = result.Sid;
                sms.LastError = null;
                await db.SaveChangesAsync(ct);
                return;
            case SmsSendOutcome.Permanent:
                sms.Status = OutboundStatus.Failed;
                sms.LastError = Truncate(result.Detail);
                await db.SaveChangesAsync(ct);
                return;
            case SmsSendOutcome.Retryable:
                // An explicit "busy" (429, 5xx) means not accepted; no answer at all (timeout) may mean accepted, so the next
                // attempt asks Twilio first.
                sms.Status = result.HttpStatus is null ? OutboundStatus.Sending : OutboundStatus.Queued;
                sms.LastError = Truncate(result.Detail);
                await db.SaveChangesAsync(ct);
                throw new SmsRetryException(result.Detail);
        }
    }

    private static string Truncate(string text) => text.Length <= 2_000 ? text : text[..2_000];
}

/// <summary>Twilio asked us to try later; the outbox backs off and retries.</summary>
public sealed class SmsRetryException(string detail) : Exception($"SMS not accepted yet, will retry: {detail}");
