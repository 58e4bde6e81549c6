using System.Globalization;
using Hotline.Intake.Storage;
using Hotline.Intake.Twilio;
using Hotline.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Intake.Sms;

/// <summary>
/// Twilio's SMS webhooks: inbound texts and delivery status. Every request must carry a valid <c>X-Twilio-Signature</c> for the
/// exact public URL Twilio called; a forged, replayed-to-another-URL or unsigned request gets 403 and writes nothing.
/// </summary>
public static class SmsWebhooks
{
    public const string InboundPath = "/webhooks/twilio/sms";
    public const string StatusPath = "/webhooks/twilio/sms/status";

    public static IEndpointRouteBuilder MapSmsWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Twilio 回调").AllowAnonymous().DisableAntiforgery();
        group.MapPost(InboundPath, InboundAsync).WithSummary("Twilio 短信接收回调（返回 TwiML）");
        group.MapPost(StatusPath, StatusAsync).WithSummary("Twilio 短信状态回调");
        return app;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> InboundAsync(
        HttpRequest request, InboundSmsHandler handler, IntakeDbContext intake, IOptions<TwilioOptions> twilio,
        ILogger<InboundSmsHandler> logger, CancellationToken ct)
    {
        if (await TwilioWebhookGuard.RejectAsync(request, twilio.Value, logger, ct) is { } refused)
        {
            return refused;
        }
        var form = await request.ReadFormAsync(ct);
        var sid = form["MessageSid"].ToString();
        var from = form["From"].ToString();
        if (sid.Length is 0 or > 64 || from.Length == 0)
        {
            return ValidationFailed.One("MessageSid", "缺少 MessageSid 或 From 参数。").ToProblem();
        }
        var media = int.TryParse(form["NumMedia"], NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? Math.Clamp(count, 0, 10) : 0;
        var body = form["Body"].ToString();
        // MMS photos stay at Twilio; their URLs are kept with the text so staff can fetch them (downloading them into the
        // attachment store is a later step).
        var mediaLines = Enumerable.Range(0, media)
            .Select(i => (Url: form[$"MediaUrl{i}"].ToString(), Type: form[$"MediaContentType{i}"].ToString()))
            .Where(m => Uri.TryCreate(m.Url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps)
            .Select(m => $"彩信附件（{m.Type}）：{m.Url}")
            .ToList();
        if (mediaLines.Count > 0)
        {
            body = string.Join('\n', [body, .. mediaLines]).Trim();
        }
        var text = new InboundText(sid, from, form["To"].ToString(), body, media);
        InboundOutcome outcome;
        try
        {
            outcome = await handler.HandleAsync(text, ct);
        }
        catch (DbUpdateException)
        {
            // A retry of the same MessageSid raced the first delivery and lost: answer what the first one answered.
            intake.ChangeTracker.Clear();
            var first = await intake.InboundSms.AsNoTracking().SingleOrDefaultAsync(m => m.MessageSid == sid, ct);
            if (first is null)
            {
                throw;
            }
            outcome = new InboundOutcome(first.Kind, first.TicketId, first.Reply, Replayed: true);
        }
        var reply = new TwiML();
        if (outcome.Reply.Length > 0)
        {
            reply.Message(outcome.Reply);
        }
        return reply.ToResult();
    }

    private static async Task<Results<Ok, ProblemHttpResult>> StatusAsync(
        HttpRequest request, IntakeDbContext intake, IOptions<TwilioOptions> twilio, IClock clock, ILogger<InboundSmsHandler> logger,
        CancellationToken ct)
    {
        if (await TwilioWebhookGuard.RejectAsync(request, twilio.Value, logger, ct) is { } refused)
        {
            return refused;
        }
        var form = await request.ReadFormAsync(ct);
        var sid = form["MessageSid"].ToString();
        var sms = sid.Length == 0 ? null : await intake.OutboundSms.SingleOrDefaultAsync(m => m.ProviderSid == sid, ct);
        if (sms is null)
        {
            return TypedResults.Ok(); // not one of ours (or not recorded yet); Twilio needs no more than a 200
        }
        var status = TwilioRestClient.ParseStatus(form["MessageStatus"].ToString());
        var mapped = status switch
        {
            TwilioMessageStatus.Delivered or TwilioMessageStatus.Read => OutboundStatus.Delivered,
            TwilioMessageStatus.Undelivered or TwilioMessageStatus.PartiallyDelivered => OutboundStatus.Undelivered,
            TwilioMessageStatus.Failed or TwilioMessageStatus.Canceled => OutboundStatus.Failed,
            _ => sms.Status,
        };
        // Callbacks can arrive out of order; a final state is never overwritten by an earlier one.
        if (sms.Status is OutboundStatus.Accepted or OutboundStatus.Sending && mapped != sms.Status)
        {
            sms.Status = mapped;
            sms.LastError = form["ErrorCode"].ToString() is { Length: > 0 } code ? $"Twilio {code}" : null;
            sms.UpdatedAt = clock.GetCurrentInstant();
            await intake.SaveChangesAsync(ct);
        }
        return TypedResults.Ok();
    }

}
