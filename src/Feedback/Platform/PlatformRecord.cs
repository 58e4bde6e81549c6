using Hotline.Feedback.Appeals;
using Hotline.Feedback.History;
using Hotline.Feedback.Ratings;
using Hotline.Feedback.Rectification;
using Hotline.Feedback.Storage;
using Hotline.Routing.Llm;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Hotline.Feedback.Platform;

/// <summary>
/// One record as the 好差评 platform receives it (README, "Pushing ratings to a 好差评 platform"). Every record names the rating
/// it is about; <see cref="RecordType"/> says which of <see cref="Rating"/>, <see cref="Rectification"/> and
/// <see cref="Exclusion"/> is filled (the others are null). Nothing in it identifies the rater: no phone number, no name, and the
/// comment with numbers and the ticket's own name masked.
/// </summary>
public sealed record PlatformRecord(
    string Schema,
    Guid RecordId,
    string RecordType,
    string RegionCode,
    DateTimeOffset OccurredAt,
    Guid RatingId,
    PlatformService Service,
    PlatformRating? Rating,
    PlatformRectification? Rectification,
    PlatformExclusion? Exclusion)
{
    public const string CurrentSchema = "hotline.rating-record/1";
    public const string RatingType = "rating";
    public const string RectificationType = "rectification";
    public const string ExclusionType = "exclusion";
}

/// <summary>The service rated: the ticket and the department that handled it.</summary>
public sealed record PlatformService(Guid TicketId, string TrackingCode, string Type, string TypeLabel, string? DepartmentCode,
    string? DepartmentName);

public sealed record PlatformRating(int Round, int Level, string LevelLabel, bool BadReview, PlatformDimensions Dimensions,
    string? Comment, string Channel, string ChannelLabel, bool RealName, DateTimeOffset RatedAt);

public sealed record PlatformDimensions(int? Overall, int? Efficiency, int? Attitude, int? Result);

/// <summary>How the rectification of a bad review ended (差评整改).</summary>
public sealed record PlatformRectification(Guid RectificationId, string Status, string StatusLabel, string? Kind, string? KindLabel,
    DateTimeOffset OpenedAt, DateTimeOffset? ReportedBackAt, bool? RectifiedOnTime, DateTimeOffset? ClosedAt, Guid? FollowUpRatingId);

/// <summary>An upheld appeal (申诉复核): the bad review no longer counts.</summary>
public sealed record PlatformExclusion(Guid AppealId, string Ground, string GroundLabel, DateTimeOffset DecidedAt);

/// <summary>Builds the record a Feedback event stands for, from Feedback's rows (which never change once written).</summary>
public sealed class PlatformRecords(FeedbackDbContext feedback, RoutingDbContext routing, RectificationDeadlines time)
{
    /// <summary>The record type a Feedback event is pushed as, or null for events the platform does not receive.</summary>
    public static string? TypeOf(FeedbackEvent change) => change.Kind switch
    {
        nameof(FeedbackEventKind.RatingReceived) or nameof(FeedbackEventKind.FollowUpRatingReceived) => PlatformRecord.RatingType,
        nameof(FeedbackEventKind.RectificationClosed) => PlatformRecord.RectificationType,
        nameof(FeedbackEventKind.AppealUpheld) => PlatformRecord.ExclusionType,
        _ => null,
    };

    public async Task<PlatformRecord> BuildAsync(FeedbackEvent change, string type, string regionCode, CancellationToken ct)
    {
        Guid ratingId;
        PlatformRating? rating = null;
        PlatformRectification? rectification = null;
        PlatformExclusion? exclusion = null;
        var ticketId = new TicketId(change.TicketId);
        var ticket = await routing.Tickets.AsNoTracking().Where(t => t.Id == ticketId)
            .Select(t => new { t.Type, t.CitizenName }).SingleAsync(ct);
        DepartmentId? department;
        switch (type)
        {
            case PlatformRecord.RatingType:
                var r = await feedback.Ratings.AsNoTracking().SingleAsync(x => x.Id == change.SubjectId, ct);
                ratingId = r.Id;
                department = r.DepartmentId;
                rating = new PlatformRating(r.Round, (int)r.Level, RatingLevels.Label(r.Level), r.BadReview,
                    new PlatformDimensions(r.Overall, r.Efficiency, r.Attitude, r.Result),
                    r.Comment is null ? null : PromptRedaction.Mask(r.Comment, [ticket.CitizenName]),
                    ChannelCode(r.Channel), RatingLabels.Of(r.Channel), r.RealName, time.Local(r.RatedAt));
                break;
            case PlatformRecord.RectificationType:
                var x = await feedback.Rectifications.AsNoTracking().SingleAsync(x => x.Id == change.SubjectId, ct);
                ratingId = x.RatingId;
                department = x.DepartmentId;
                var outcome = x.Outcome ?? throw new InvalidOperationException($"Rectification {x.Id} is closed without an outcome.");
                rectification = new PlatformRectification(x.Id, outcome.ToString(), RectificationRecord.Labels.Of(outcome),
                    x.Kind?.ToString(), x.Kind is { } kind ? RectificationRecord.Labels.Of(kind) : null, time.Local(x.OpenedAt),
                    time.Local(x.ReportedBackAt), x.RectifiedOnTime, time.Local(x.ClosedAt), x.FollowUpRatingId);
                break;
            case PlatformRecord.ExclusionType:
                var a = await feedback.Appeals.AsNoTracking().SingleAsync(x => x.Id == change.SubjectId, ct);
                ratingId = a.RatingId;
                department = a.DepartmentId;
                exclusion = new PlatformExclusion(a.Id, a.Ground.ToString(), AppealLabels.Of(a.Ground),
                    time.Local(a.DecidedAt ?? throw new InvalidOperationException($"Appeal {a.Id} is upheld without a decision time.")));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown platform record type.");
        }
        var departmentName = department is { } d
            ? await routing.Departments.AsNoTracking().Where(x => x.Id == d).Select(x => x.Name).SingleOrDefaultAsync(ct)
            : null;
        var service = new PlatformService(change.TicketId, change.TrackingCode, ticket.Type.ToString(), TicketLabels.Of(ticket.Type),
            department?.Value, departmentName);
        return new PlatformRecord(PlatformRecord.CurrentSchema, change.EntryId, type, regionCode,
            time.Local(Instant.FromDateTimeOffset(change.At)), ratingId, service, rating, rectification, exclusion);
    }

    public static string ChannelCode(RatingChannel channel) => channel switch
    {
        RatingChannel.Sms => "sms",
        RatingChannel.Web => "web",
        RatingChannel.Ivr => "ivr",
        RatingChannel.Callback => "callback",
    };
}
