using Hotline.Feedback.History;
using Hotline.Feedback.Ratings;
using Hotline.Feedback.Storage;
using Hotline.Intake.Citizens;
using Hotline.Intake.Sms;
using Hotline.Intake.Storage;
using Hotline.Intake.Twilio;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Intake.Notifications;

/// <summary>
/// Tells the citizen how their bad review was rectified (差评整改反馈) once a supervisor accepts the rectification: a text with the
/// department's report-back, then the invitation to the one follow-up rating with its signed link (round 2). Texting at
/// acceptance rather than at the department's report-back means a report the supervisor sends back never reaches the citizen,
/// and the text and the follow-up link arrive together, when the link works. Each text is keyed by the acceptance's history
/// entry, so a redelivered event never texts twice; an opted-out citizen's texts are recorded as skipped by the sender.
/// </summary>
public sealed class RectificationNotifier(IServiceScopeFactory scopes, IOptions<TwilioOptions> twilio, IClock clock) : IOutboxHandler
{
    /// <summary>Long reports are cut: a text is read on a phone, and the whole report is on the rating page behind the link.</summary>
    public const int MaxReportCharacters = 300;

    public string Name => "rectification-notifier";
    public string Topic => FeedbackEvent.Topic;

    public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var change = OutboxWriter.Read<FeedbackEvent>(message);
        if (change.Kind != nameof(FeedbackEventKind.RectificationAccepted))
        {
            return;
        }
        using var scope = scopes.CreateScope();
        var routing = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var intake = scope.ServiceProvider.GetRequiredService<IntakeDbContext>();
        var ticketId = new TicketId(change.TicketId);
        var phone = await routing.Tickets.AsNoTracking().Where(t => t.Id == ticketId).Select(t => t.CitizenPhone).SingleAsync(ct);
        if (!Citizen.CanReceiveSms(phone))
        {
            return;
        }
        var report = await scope.ServiceProvider.GetRequiredService<FeedbackDbContext>().Rectifications.AsNoTracking()
            .Where(r => r.Id == change.SubjectId).Select(r => r.ReportText).SingleAsync(ct) ?? "";
        if (report.Length > MaxReportCharacters)
        {
            report = report[..(MaxReportCharacters - 1)] + "…";
        }
        var templates = scope.ServiceProvider.GetRequiredService<MessageTemplates>();
        var texts = new List<(OutboundPurpose Purpose, string Body)>
        {
            (OutboundPurpose.RectificationReport, await templates.RenderAsync("sms.rectification-report",
                new Dictionary<string, string> { ["trackingCode"] = change.TrackingCode, ["report"] = report }, ct)),
        };
        // The follow-up rating opened with the acceptance; if the citizen already used it (a plain reply) or its window has
        // passed by the time this runs, the report still goes, without an invitation that could not be answered.
        var ratings = scope.ServiceProvider.GetRequiredService<RatingService>();
        var invitation = await ratings.InvitationAsync(ticketId, ct);
        if (invitation.Value is { Round: 2 } followUp)
        {
            var link = await CitizenTexts.RatingLinkAsync(ratings, followUp, twilio.Value.PublicBaseUrl, ct);
            texts.Add((OutboundPurpose.FollowUpRatingInvitation, await templates.RenderAsync("sms.follow-up-rating-invitation",
                new Dictionary<string, string> { ["trackingCode"] = change.TrackingCode, ["link"] = link }, ct)));
        }
        foreach (var (purpose, body) in texts)
        {
            await CitizenTexts.QueueOnceAsync(routing, intake, change.EntryId, change.TicketId, phone, purpose, body, clock.GetCurrentInstant(), ct);
        }
        scope.ServiceProvider.GetRequiredService<OutboxSignal>().Notify();
    }
}
