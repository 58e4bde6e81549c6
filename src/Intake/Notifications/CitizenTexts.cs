using Hotline.Feedback.Ratings;
using Hotline.Intake.Sms;
using Hotline.Intake.Storage;
using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Hotline.Intake.Notifications;

/// <summary>What the notifiers that text citizens share: queueing a text once per cause, and the public rating link.</summary>
internal static class CitizenTexts
{
    /// <summary>
    /// Queues one text with its outbox message, in one transaction — unless a text of this purpose was already queued for this
    /// cause (a redelivered event), so nothing is ever texted twice.
    /// </summary>
    public static async Task QueueOnceAsync(RoutingDbContext routing, IntakeDbContext intake, Guid cause, Guid ticketId, string phone,
        OutboundPurpose purpose, string body, Instant now, CancellationToken ct)
    {
        if (await intake.OutboundSms.AnyAsync(m => m.CauseId == cause && m.Purpose == purpose, ct))
        {
            return;
        }
        var sms = new OutboundSms
        {
            Purpose = purpose,
            CauseId = cause,
            TicketId = ticketId,
            To = phone,
            Body = body,
            CreatedAt = now,
            Status = OutboundStatus.Queued,
            UpdatedAt = now,
        };
        await SharedTransaction.QueueAsync(routing, intake, sms, SendSms.Topic, m => new SendSms(m.Id), now, ct);
    }

    /// <summary>The rating page's address for <paramref name="invitation"/> (<c>{PublicBaseUrl}/rate/{token}</c>).</summary>
    public static async Task<string> RatingLinkAsync(RatingService ratings, RatingInvitation invitation, string? publicBaseUrl, CancellationToken ct) =>
        $"{(publicBaseUrl ?? "").TrimEnd('/')}{RatingPage.PathPrefix}{await ratings.LinkTokenAsync(invitation, ct)}";
}
