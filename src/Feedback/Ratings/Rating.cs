using Hotline.Routing.Tickets;
using NodaTime;

namespace Hotline.Feedback.Ratings;

/// <summary>Where a rating came from.</summary>
public enum RatingChannel
{
    Sms,      // a plain 1–5 reply to the invitation
    Web,      // the signed link in the invitation (web or app)
    Ivr,      // the keypad at the end of a call
    Callback, // recorded by a callback agent during the call (回访)
}

/// <summary>How the rater was shown to be the ticket's citizen.</summary>
public enum RaterProof
{
    SignedLink,    // a signed, expiring token sent to the citizen
    VerifiedPhone, // the SMS sender or the caller is the ticket's number
    CallbackCall,  // a callback agent on the call, with the call as evidence
}

/// <summary>
/// One citizen rating (好差评). One per ticket (一事一评), plus at most one follow-up rating (round 2) after a rectification was
/// reported back and accepted. Never edited: the database refuses changes to its content and deletes; only the assessment
/// exclusion after an upheld appeal may be set. Carries what assessment needs without joins: the department that handled the
/// ticket at the time of rating, the ticket type, the channel, whether the rater was named.
/// </summary>
public sealed class Rating
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public TicketId TicketId { get; init; }
    public string TrackingCode { get; init; } = "";

    /// <summary>1 for the rating of the service, 2 for the follow-up rating of the rectification.</summary>
    public int Round { get; init; } = 1;

    public RatingLevel Level { get; init; }
    public bool BadReview { get; init; }

    /// <summary>Optional dimensions, 1–5 each: overall satisfaction, efficiency, attitude, result.</summary>
    public int? Overall { get; init; }
    public int? Efficiency { get; init; }
    public int? Attitude { get; init; }
    public int? Result { get; init; }

    public string? Comment { get; init; }
    public RatingChannel Channel { get; init; }
    public RaterProof Proof { get; init; }

    /// <summary>The rater gave their identity (not anonymous, a number to call): 实名评价. Real-name bad reviews are all called back.</summary>
    public bool RealName { get; init; }

    /// <summary>The ticket's lead department when the rating was given; null for a ticket the centre answered itself.</summary>
    public DepartmentId? DepartmentId { get; init; }

    public TicketType TicketType { get; init; }
    public Instant RatedAt { get; init; }

    /// <summary>The callback agent who recorded it, and the call that is the evidence (only for <see cref="RatingChannel.Callback"/>).</summary>
    public string? RecordedBy { get; init; }
    public string? Evidence { get; init; }

    /// <summary>Set once, when an appeal against this bad review is upheld: the rating no longer counts in assessment.</summary>
    public bool ExcludedFromAssessment { get; set; }
    public Guid? ExcludedByAppealId { get; set; }
}

/// <summary>Labels of the enums as citizens and staff read them.</summary>
public static class RatingLabels
{
    public static string Of(RatingChannel channel) => channel switch
    {
        RatingChannel.Sms => "短信回复",
        RatingChannel.Web => "网页/APP",
        RatingChannel.Ivr => "电话按键",
        RatingChannel.Callback => "回访记录",
    };
}
