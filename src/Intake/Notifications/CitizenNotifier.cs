using Hotline.Feedback.Ratings;
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
/// Tells citizens by SMS what happened to their ticket: a receipt with the tracking code for a call an agent registered, and a
/// notice when the ticket is answered. Each text is written with its own outbox message in one transaction, keyed by the
/// timeline entry that caused it, so a redelivered event never texts twice.
/// </summary>
public sealed class CitizenNotifier(IServiceScopeFactory scopes, IOptions<TwilioOptions> twilio, IClock clock) : IOutboxHandler
{
    public string Name => "citizen-notifier";
    public string Topic => TicketEvent.Topic;

    public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var change = OutboxWriter.Read<TicketEvent>(message);
        // Web and app submitters see the tracking code on screen; texters got it in the TwiML reply. An answered ticket gets
        // the notice and, separately, the rating invitation (a plain 1–5 reply rates it).
        (OutboundPurpose Purpose, string Template)[] texts = change.Kind switch
        {
            nameof(TimelineEventKind.Registered) when change.Channel == nameof(Channel.Phone) => [(OutboundPurpose.Receipt, "sms.receipt")],
            nameof(TimelineEventKind.Replied) or nameof(TimelineEventKind.DirectlyAnswered) =>
                [(OutboundPurpose.Replied, "sms.replied"), (OutboundPurpose.RatingInvitation, "sms.rating-invitation")],
            _ => [],
        };
        foreach (var (purpose, template) in texts)
        {
            await QueueAsync(change, purpose, template, ct);
        }
    }

    private async Task QueueAsync(TicketEvent change, OutboundPurpose purpose, string template, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var routing = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var intake = scope.ServiceProvider.GetRequiredService<IntakeDbContext>();
        var ticketId = new TicketId(change.TicketId);
        var phone = await routing.Tickets.AsNoTracking().Where(t => t.Id == ticketId).Select(t => t.CitizenPhone).SingleAsync(ct);
        if (!Citizen.CanReceiveSms(phone))
        {
            return;
        }
        var link = string.IsNullOrWhiteSpace(twilio.Value.PublicBaseUrl)
            ? change.TrackingCode
            : $"{twilio.Value.PublicBaseUrl.TrimEnd('/')}/track/{change.TrackingCode}";
        if (purpose == OutboundPurpose.RatingInvitation)
        {
            // The invitation carries a signed link that expires with the rating window; a ticket that cannot be rated (already
            // rated before a re-handling: 一事一评) gets no invitation.
            var ratings = scope.ServiceProvider.GetRequiredService<RatingService>();
            var invitation = await ratings.InvitationAsync(ticketId, ct);
            if (invitation.Error is not null)
            {
                return;
            }
            link = await CitizenTexts.RatingLinkAsync(ratings, invitation.Value!, twilio.Value.PublicBaseUrl, ct);
        }
        var body = await scope.ServiceProvider.GetRequiredService<MessageTemplates>().RenderAsync(template,
            new Dictionary<string, string> { ["trackingCode"] = change.TrackingCode, ["link"] = link }, ct);
        await CitizenTexts.QueueOnceAsync(routing, intake, change.EntryId, change.TicketId, phone, purpose, body, clock.GetCurrentInstant(), ct);
        scope.ServiceProvider.GetRequiredService<OutboxSignal>().Notify();
    }
}
