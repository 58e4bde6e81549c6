using System.Text.RegularExpressions;

namespace Hotline.Routing.Llm;

/// <summary>
/// Takes personal data out of text before it leaves for a language model, which may run outside the government's network. The
/// ticket's own phone number and name are never put in a prompt; this catches what citizens write into their messages: mobile
/// and landline numbers, ID card numbers (身份证号), e-mail addresses, bank-card-length digit runs, and the caller's name where
/// it is known. Places stay: they decide the 属地 department.
/// </summary>
public static partial class PromptRedaction
{
    /// <summary>The text with personal data replaced by bracketed placeholders (【手机号】…), which the model reads as such.</summary>
    /// <param name="text">What a citizen or an agent wrote.</param>
    /// <param name="names">Names known to belong to the citizen (the ticket's <c>CitizenName</c>); single characters are ignored.</param>
    public static string Mask(string? text, IEnumerable<string?>? names = null)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        // Order matters: an ID number contains a run that looks like a phone number, a bank card one that looks like an ID.
        var masked = Email().Replace(text, "【邮箱】");
        masked = IdCard().Replace(masked, "【身份证号】");
        masked = LongDigits().Replace(masked, "【长数字】");
        masked = Mobile().Replace(masked, "【手机号】");
        masked = Landline().Replace(masked, "【电话】");
        foreach (var name in names ?? [])
        {
            var trimmed = name?.Trim();
            if (trimmed is { Length: >= 2 })
            {
                masked = masked.Replace(trimmed, "【姓名】", StringComparison.Ordinal);
            }
        }
        return masked;
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")]
    private static partial Regex Email();

    // 18 characters: 6-digit region, birth date 19xx/20xx, 3-digit sequence, check digit or X; 15-digit old numbers too.
    [GeneratedRegex(@"(?<!\d)(\d{6}(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dXx]|\d{15})(?![\dXx])")]
    private static partial Regex IdCard();

    // Bank cards (16–19 digits) and any other long number that identifies a person's account.
    [GeneratedRegex(@"(?<!\d)\d{16,19}(?!\d)")]
    private static partial Regex LongDigits();

    // 138 1234 5678, 138-1234-5678, +86 13812345678.
    [GeneratedRegex(@"(?<!\d)(\+?86[\s\-]?)?1[3-9]\d[\s\-]?\d{4}[\s\-]?\d{4}(?!\d)")]
    private static partial Regex Mobile();

    // 010-12345678, 0571-88881234, (0571)88881234, 057188881234; a bare 7–8 digit local number is left alone (too like a case or
    // house number).
    [GeneratedRegex(@"(?<!\d)((\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[\s\-－])\d{7,8}|0[1-9]\d{9,10})(?!\d)")]
    private static partial Regex Landline();
}
