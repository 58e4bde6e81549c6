using System.ComponentModel.DataAnnotations;
using NodaTime;

namespace Hotline.Intake.Duplicates;

/// <summary>
/// Thresholds of duplicate detection, meant to be bound from <see cref="SectionName"/> and validated at start-up
/// (<c>ValidateDataAnnotations</c>). Scores are cosine similarities of title-weighted, IDF-weighted character bigrams
/// (<see cref="TextSimilarity"/>), so 1 is the same text and 0 shares nothing. The defaults were chosen on a hand-labelled
/// sample of 250 pairs of real 12345 messages (tests/Intake.Tests/Duplicates); see README's decision notes for the numbers.
/// </summary>
public sealed record DuplicateOptions
{
    /// <summary>The configuration section these options are meant to be bound from.</summary>
    public const string SectionName = "Hotline:Duplicates";

    /// <summary>
    /// A citizen's open ticket at least this similar to their new contact is offered to the agent as a merge (并单). Lower than
    /// <see cref="EventThreshold"/>: it is only a suggestion a person confirms, and the same caller on an open ticket is far more
    /// likely to be calling about it than two strangers are to report one event.
    /// </summary>
    [Range(0.0, 1.0)]
    public double MergeThreshold { get; init; } = 0.20;

    /// <summary>A report at least this similar to an earlier report in the window (and area) joins that report's event.</summary>
    [Range(0.0, 1.0)]
    public double EventThreshold { get; init; } = 0.25;

    /// <summary>
    /// Reports further apart than this are never one event, however similar: a burst pipe on Monday and one on Friday in the same
    /// street are two events for a supervisor. Default 72 hours.
    /// </summary>
    [Range(1, 24 * 90)]
    public int EventWindowHours { get; init; } = 72;

    /// <summary>At most this many merge suggestions are shown, best first.</summary>
    [Range(1, 20)]
    public int MaxMergeSuggestions { get; init; } = 3;

    /// <summary><see cref="EventWindowHours"/> as a duration.</summary>
    public Duration EventWindow => Duration.FromHours(EventWindowHours);
}
