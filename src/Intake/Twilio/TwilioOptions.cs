using System.Text.RegularExpressions;

namespace Hotline.Intake.Twilio;

/// <summary>
/// The Twilio account Hotline sends SMS from and receives webhooks for (the SMS and phone channels of issue 3). Nothing set means
/// Twilio is off; half set is a start-up error (<see cref="Validate"/>), so a typo cannot silently disable a channel.
/// </summary>
public sealed partial class TwilioOptions
{
    /// <summary>The configuration section these options are meant to be bound from.</summary>
    public const string SectionName = "Hotline:Twilio";

    /// <summary>How long one REST call may take before it counts as unanswered (the HTTP client's timeout).</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The default REST endpoint; tests point <see cref="ApiBaseUrl"/> at a local server instead.</summary>
    public const string DefaultApiBaseUrl = "https://api.twilio.com";

    /// <summary>The account id (<c>AC</c> + 32 hex digits): the user name of REST Basic auth and part of every REST path.</summary>
    public string? AccountSid { get; set; }

    /// <summary>The account's Auth Token: the REST password, and the key Twilio signs webhooks with. A secret: never log it.</summary>
    public string? AuthToken { get; set; }

    /// <summary>The Twilio number SMS are sent from (E.164), used when no <see cref="MessagingServiceSid"/> is set.</summary>
    public string? FromNumber { get; set; }

    /// <summary>A Messaging Service (<c>MG</c>…) that picks the sender; takes precedence over <see cref="FromNumber"/>.</summary>
    public string? MessagingServiceSid { get; set; }

    /// <summary>
    /// Hotline's public origin as Twilio reaches it (<c>https://12345.example.gov.cn</c>, behind any proxy): the base of the
    /// webhook URLs given to Twilio and of the URL a webhook signature is checked against.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Twilio's REST API origin.</summary>
    public string ApiBaseUrl { get; set; } = DefaultApiBaseUrl;

    /// <summary>Whether SMS can be sent: an account, its token and a sender (number or Messaging Service).</summary>
    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(AccountSid) && !string.IsNullOrWhiteSpace(AuthToken)
        && (!string.IsNullOrWhiteSpace(FromNumber) || !string.IsNullOrWhiteSpace(MessagingServiceSid));

    /// <summary>
    /// The absolute URL of a webhook under <see cref="PublicBaseUrl"/>: the URL to give Twilio, and the URL to check an incoming
    /// request's signature against. <paramref name="pathAndQuery"/> must be in its encoded form, as on the request line (in ASP.NET
    /// Core, <c>PathBase.Add(Path).ToUriComponent() + QueryString</c>), because the signature covers those exact characters.
    /// </summary>
    public string WebhookUrl(string pathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        if (string.IsNullOrWhiteSpace(PublicBaseUrl))
        {
            throw new InvalidOperationException($"{SectionName}:PublicBaseUrl is not set; Twilio cannot reach Hotline's webhooks.");
        }
        return PublicBaseUrl.TrimEnd('/') + (pathAndQuery.StartsWith('/') ? pathAndQuery : "/" + pathAndQuery);
    }

    /// <summary>The problems with these settings, one message per problem; none when Twilio is off or completely configured.</summary>
    public IEnumerable<string> Validate()
    {
        if (!IsAbsoluteHttp(ApiBaseUrl))
        {
            yield return $"{SectionName}:ApiBaseUrl '{ApiBaseUrl}' must be an absolute http(s) URL.";
        }
        var anySet = new[] { AccountSid, AuthToken, FromNumber, MessagingServiceSid, PublicBaseUrl }.Any(v => !string.IsNullOrWhiteSpace(v));
        if (!anySet)
        {
            yield break;
        }
        if (!IsConfigured)
        {
            yield return $"{SectionName} is only partly set: AccountSid, AuthToken, and FromNumber or MessagingServiceSid are all required.";
        }
        if (!string.IsNullOrWhiteSpace(AccountSid) && !AccountSidPattern().IsMatch(AccountSid))
        {
            yield return $"{SectionName}:AccountSid must be AC followed by 32 hexadecimal digits.";
        }
        if (!string.IsNullOrWhiteSpace(MessagingServiceSid) && !MessagingServiceSidPattern().IsMatch(MessagingServiceSid))
        {
            yield return $"{SectionName}:MessagingServiceSid must be MG followed by 32 hexadecimal digits.";
        }
        if (!string.IsNullOrWhiteSpace(FromNumber) && !E164Pattern().IsMatch(FromNumber))
        {
            yield return $"{SectionName}:FromNumber '{FromNumber}' must be an E.164 number such as +8613812345678.";
        }
        if (!string.IsNullOrWhiteSpace(PublicBaseUrl) && !IsAbsoluteHttp(PublicBaseUrl))
        {
            yield return $"{SectionName}:PublicBaseUrl '{PublicBaseUrl}' must be an absolute http(s) URL.";
        }
        else if (!string.IsNullOrWhiteSpace(PublicBaseUrl) && new Uri(PublicBaseUrl).Host.Contains('_', StringComparison.Ordinal))
        {
            // Twilio refuses a StatusCallback whose host name has an underscore.
            yield return $"{SectionName}:PublicBaseUrl '{PublicBaseUrl}' has an underscore in its host name, which Twilio refuses.";
        }
    }

    private static bool IsAbsoluteHttp(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    [GeneratedRegex("^AC[0-9a-fA-F]{32}$")]
    private static partial Regex AccountSidPattern();

    [GeneratedRegex("^MG[0-9a-fA-F]{32}$")]
    private static partial Regex MessagingServiceSidPattern();

    [GeneratedRegex(@"^\+[1-9]\d{6,14}$")]
    private static partial Regex E164Pattern();
}
