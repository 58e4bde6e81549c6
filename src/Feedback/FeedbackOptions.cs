using System.ComponentModel.DataAnnotations;

namespace Hotline.Feedback;

/// <summary>The 好差评 settings (<c>Hotline:Feedback</c>); every time limit and share differs between cities.</summary>
public sealed class FeedbackOptions
{
    public const string SectionName = "Hotline:Feedback";

    /// <summary>Days after the reply (or after a rectification is accepted, for the follow-up rating) in which a citizen may rate.</summary>
    [Range(1, 90)]
    public int RatingWindowDays { get; set; } = 7;

    /// <summary>
    /// The key rating links are signed with (base64, at least 32 bytes). Empty: a key is generated on first run and kept in the
    /// database, so every host sharing it accepts the same links.
    /// </summary>
    public string? TokenKey { get; set; }

    /// <summary>Share of replied tickets that are neither complaints nor real-name bad reviews that get a callback anyway.</summary>
    [Range(0.0, 1.0)]
    public double CallbackSampleShare { get; set; } = 0.2;

    /// <summary>After this many unanswered calls a callback is recorded as "not reached".</summary>
    [Range(1, 20)]
    public int CallbackMaxAttempts { get; set; } = 3;

    /// <summary>Verify a bad review by calling the citizen (核实) within this many working days.</summary>
    [Range(1, 30)]
    public int VerifyWorkingDays { get; set; } = 1;

    /// <summary>Rectify or explain, and report back, within this many working days of the bad review (四川 15).</summary>
    [Range(1, 90)]
    public int RectifyWorkingDays { get; set; } = 15;

    /// <summary>The supervisor reviews a reported rectification within this many working days.</summary>
    [Range(1, 30)]
    public int ReviewWorkingDays { get; set; } = 3;

    /// <summary>The job that urges and escalates overdue rectification steps.</summary>
    public bool OverdueEnabled { get; set; } = true;

    [Range(1, 3_600)]
    public int OverdueCheckSeconds { get; set; } = 60;

    public IEnumerable<string> Validate()
    {
        if (!string.IsNullOrWhiteSpace(TokenKey))
        {
            byte[]? key = null;
            try
            {
                key = Convert.FromBase64String(TokenKey);
            }
            catch (FormatException)
            {
            }
            if (key is null || key.Length < 32)
            {
                yield return $"{SectionName}:TokenKey must be base64 of at least 32 bytes (e.g. `openssl rand -base64 32`).";
            }
        }
        if (VerifyWorkingDays > RectifyWorkingDays)
        {
            yield return $"{SectionName}:VerifyWorkingDays cannot exceed RectifyWorkingDays.";
        }
    }
}
