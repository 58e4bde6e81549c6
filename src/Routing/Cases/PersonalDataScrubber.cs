using System.Text.RegularExpressions;

namespace Hotline.Routing.Cases;

/// <summary>
/// Removes what identifies a citizen from a text before it leaves the ticket (the similar-case index): mobile and landline
/// numbers, identity-card numbers, e-mail addresses, and the citizen's own name where the text repeats it. The structured
/// contact fields are never copied at all; this catches what citizens type into the message itself.
/// </summary>
public static partial class PersonalDataScrubber
{
    public const string Mask = "［已隐去］";

    public static string Scrub(string text, string? citizenName = null)
    {
        var scrubbed = IdCard().Replace(text, Mask);
        scrubbed = Email().Replace(scrubbed, Mask);
        scrubbed = Phone().Replace(scrubbed, Mask);
        if (citizenName?.Trim() is { Length: >= 2 } name)
        {
            scrubbed = scrubbed.Replace(name, Mask, StringComparison.Ordinal);
        }
        return scrubbed;
    }

    // 18-digit resident identity numbers (the last may be X) and the old 15-digit ones.
    [GeneratedRegex(@"(?<!\d)(\d{17}[\dXx]|\d{15})(?![\dXx])")]
    private static partial Regex IdCard();

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")]
    private static partial Regex Email();

    // Mobile numbers (with or without +86 and separators) and landlines with an area code (010-12345678, 0571 8888 6666).
    [GeneratedRegex(@"(?<!\d)(\+?86[\s-]?)?(1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}|0\d{2,3}[\s-]?\d{7,8})(?!\d)")]
    private static partial Regex Phone();
}
