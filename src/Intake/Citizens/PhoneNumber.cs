using System.Text.RegularExpressions;

namespace Hotline.Intake.Citizens;

/// <summary>
/// Normalises the phone numbers citizens give or call from to E.164, so one citizen is one number whatever its spelling:
/// mainland mobiles with or without +86/0086/86, landlines with their area code (010-12345678, 0571 8888 1234), and foreign
/// numbers already in E.164.
/// </summary>
public static partial class PhoneNumber
{
    public static bool TryNormalize(string? input, out string e164)
    {
        e164 = "";
        if (string.IsNullOrWhiteSpace(input) || input.Length > 40)
        {
            return false;
        }
        var digits = Separators().Replace(input.Trim(), "");
        // Full-width digits come from Chinese input methods.
        digits = string.Concat(digits.Select(c => c is >= '０' and <= '９' ? (char)('0' + (c - '０')) : c));
        if (digits.StartsWith("+86", StringComparison.Ordinal))
        {
            digits = digits[3..];
        }
        else if (digits.StartsWith("0086", StringComparison.Ordinal))
        {
            digits = digits[4..];
        }
        else if (digits.StartsWith('+'))
        {
            if (Foreign().IsMatch(digits))
            {
                e164 = digits;
                return true;
            }
            return false;
        }
        else if (digits.Length == 13 && digits.StartsWith("861", StringComparison.Ordinal))
        {
            digits = digits[2..];
        }
        if (Mobile().IsMatch(digits))
        {
            e164 = "+86" + digits;
            return true;
        }
        // A landline after +86 loses its trunk 0: +86 10 1234 5678.
        var landline = digits.StartsWith('0') ? digits : "0" + digits;
        if (Landline().IsMatch(landline))
        {
            e164 = "+86" + landline[1..];
            return true;
        }
        return false;
    }

    /// <summary>The message shown when a number cannot be understood.</summary>
    public const string Invalid = "手机号码或固定电话格式不正确。手机请填写 11 位号码（如 13812345678），固定电话请带区号（如 010-12345678）。";

    [GeneratedRegex(@"[\s\-\(\)\.（）－]")]
    private static partial Regex Separators();

    [GeneratedRegex(@"^1[3-9]\d{9}$")]
    private static partial Regex Mobile();

    // 010 and 02X have 8-digit local numbers; other area codes are 4 digits with 7- or 8-digit local numbers.
    [GeneratedRegex(@"^(0(10|2\d)\d{8}|0[3-9]\d{2}\d{7,8})$")]
    private static partial Regex Landline();

    [GeneratedRegex(@"^\+[1-9]\d{6,14}$")]
    private static partial Regex Foreign();
}
