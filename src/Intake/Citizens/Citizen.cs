using NodaTime;

namespace Hotline.Intake.Citizens;

/// <summary>
/// One record per phone number (E.164), whatever channel the citizen used: first and last contact, and whether they opted out
/// of text messages (STOP/退订). Their tickets are found by the same number in Routing.
/// </summary>
public sealed class Citizen
{
    public string Phone { get; set; } = "";
    public Instant FirstContactAt { get; set; }
    public Instant LastContactAt { get; set; }
    /// <summary>Inbound texts and calls from this number (tickets are counted from Routing).</summary>
    public int Contacts { get; set; }
    public bool SmsOptedOut { get; set; }
    public Instant? SmsOptedOutAt { get; set; }

    /// <summary>Mainland mobile numbers can receive SMS; landlines and foreign numbers are not texted.</summary>
    public static bool CanReceiveSms(string e164) => e164.StartsWith("+861", StringComparison.Ordinal) && e164.Length == 14;
}
