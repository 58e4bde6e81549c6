using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace Hotline.Intake.Twilio;

/// <summary>
/// <see cref="ITwilioMessaging"/> over Twilio's REST API 2010-04-01, written against Twilio's documented wire format because the
/// Twilio SDK is not in this registry: <c>POST {ApiBaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json</c>, form-encoded,
/// HTTP Basic auth with the Account SID and Auth Token. Meant to be a typed <see cref="HttpClient"/>, whose timeout the host sets.
/// </summary>
/// <remarks>
/// The JSON answers keep Twilio's habits: counts are strings (<c>"num_segments": "1"</c>) and dates RFC 2822
/// (<c>Thu, 24 Aug 2023 05:01:45 +0000</c>). An answer that cannot be read never turns a 2xx into a failure: Twilio has queued
/// the message, and a retry would send it twice.
/// </remarks>
internal sealed class TwilioRestClient(HttpClient http, IOptions<TwilioOptions> options) : ITwilioMessaging
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    private static readonly OffsetDateTimePattern[] Rfc2822 =
    [
        OffsetDateTimePattern.CreateWithInvariantCulture("ddd, dd MMM uuuu HH':'mm':'ss o<+HHmm>"),
        OffsetDateTimePattern.CreateWithInvariantCulture("ddd, d MMM uuuu HH':'mm':'ss o<+HHmm>"),
    ];

    private readonly TwilioOptions _options = options.Value;

    /// <inheritdoc/>
    public async Task<SmsSendResult> SendSmsAsync(OutgoingSms sms, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sms);
        ArgumentException.ThrowIfNullOrWhiteSpace(sms.To);
        ArgumentException.ThrowIfNullOrEmpty(sms.Body);
        if (!_options.IsConfigured)
        {
            throw new InvalidOperationException($"Twilio is not configured ({TwilioOptions.SectionName}); SMS cannot be sent.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, MessagesUri())
        {
            Content = new FormUrlEncodedContent(Fields(sms)),
        };
        var credentials = Encoding.UTF8.GetBytes($"{_options.AccountSid}:{_options.AuthToken}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(credentials));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        HttpResponseMessage response;
        try
        {
            // ResponseContentRead: a body cut off mid-way fails here, as a network failure, not later as a parse error.
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            return NoAnswer($"Twilio did not answer within {http.Timeout.TotalSeconds:0.#} s: {ex.Message}");
        }
        catch (HttpRequestException ex)
        {
            return NoAnswer($"Twilio could not be reached: {ex.Message}");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                var message = ReadMessage(body);
                return new SmsSendResult
                {
                    Outcome = SmsSendOutcome.Accepted,
                    HttpStatus = status,
                    Message = message,
                    Detail = message is null
                        ? $"Twilio accepted the message ({status}) but its answer is not a Message resource."
                        : $"Twilio accepted {message.Sid} ({message.StatusText}).",
                };
            }
            var error = ReadError(body);
            var outcome = Classify(response.StatusCode);
            return new SmsSendResult
            {
                Outcome = outcome,
                HttpStatus = status,
                Error = error,
                RetryAfter = response.Headers.RetryAfter?.Delta is { } delay ? Duration.FromTimeSpan(delay) : null,
                Detail = error is null
                    ? $"Twilio answered {status} without an error body ({outcome})."
                    : $"Twilio answered {status}, error {error.Code}: {error.Message} ({outcome}).",
            };
        }
    }

    /// <summary>
    /// Whether a non-success status is worth retrying: 408 and 429 (Twilio's rate limit) and every 5xx are; any other status
    /// (a 4xx such as 400 with 21211 or 21610, 401, 404; or an unexpected 3xx) is permanent, as the same request will fail again.
    /// </summary>
    internal static SmsSendOutcome Classify(HttpStatusCode status) => (int)status switch
    {
        >= 200 and < 300 => SmsSendOutcome.Accepted,
        (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500 => SmsSendOutcome.Retryable,
        _ => SmsSendOutcome.Permanent,
    };

    /// <summary>Reads a Message resource; null when the text is not one (no <c>sid</c>, not JSON).</summary>
    /// <inheritdoc/>
    public async Task<SentLookup> FindSentAsync(string to, string body, Instant since, CancellationToken ct)
    {
        // Newest first; a message queued at Twilio has no DateSent yet, so filter on creation time here rather than in the query.
        var uri = new Uri($"{MessagesUri()}?To={Uri.EscapeDataString(to)}&PageSize=50", UriKind.Absolute);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        var credentials = Encoding.UTF8.GetBytes($"{_options.AccountSid}:{_options.AuthToken}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(credentials));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                return new SentLookup(false, null, $"Twilio answered {(int)response.StatusCode} to the message list");
            }
            var page = JsonSerializer.Deserialize<MessagePage>(await response.Content.ReadAsStringAsync(ct), Json);
            // A same-body text whose creation date cannot be read counts as this one: a doubled text is the worse mistake, and
            // every text Hotline sends names its ticket, so an older identical one is unlikely.
            var match = page?.Messages?.FirstOrDefault(m => m.Body == body && m.Sid is { Length: > 0 }
                && (ParseRfc2822(m.DateCreated) is not { } created || created >= since));
            return new SentLookup(true, match?.Sid, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return new SentLookup(false, null, $"Twilio's message list could not be read: {ex.Message}");
        }
    }

    internal static TwilioMessage? ReadMessage(string body)
    {
        MessageResource? resource;
        try
        {
            resource = JsonSerializer.Deserialize<MessageResource>(body, Json);
        }
        catch (JsonException)
        {
            return null;
        }
        if (string.IsNullOrEmpty(resource?.Sid))
        {
            return null;
        }
        return new TwilioMessage(resource.Sid, ParseStatus(resource.Status), resource.Status ?? "")
        {
            From = resource.From,
            To = resource.To,
            MessagingServiceSid = resource.MessagingServiceSid,
            NumSegments = resource.NumSegments,
            DateCreated = ParseRfc2822(resource.DateCreated),
            ErrorCode = resource.ErrorCode,
            ErrorMessage = resource.ErrorMessage,
        };
    }

    /// <summary>Reads Twilio's error body; null when the text is not one (an HTML page from a proxy, empty).</summary>
    internal static TwilioRestError? ReadError(string body)
    {
        ErrorBody? error;
        try
        {
            error = JsonSerializer.Deserialize<ErrorBody>(body, Json);
        }
        catch (JsonException)
        {
            return null;
        }
        return error?.Code is { } code ? new TwilioRestError(code, error.Message ?? "", error.MoreInfo, error.Status ?? 0) : null;
    }

    /// <summary>Parses a message status as Twilio spells it (<c>partially_delivered</c>); <see cref="TwilioMessageStatus.Unknown"/> otherwise.</summary>
    internal static TwilioMessageStatus ParseStatus(string? status) => status switch
    {
        "queued" => TwilioMessageStatus.Queued,
        "sending" => TwilioMessageStatus.Sending,
        "sent" => TwilioMessageStatus.Sent,
        "failed" => TwilioMessageStatus.Failed,
        "delivered" => TwilioMessageStatus.Delivered,
        "undelivered" => TwilioMessageStatus.Undelivered,
        "receiving" => TwilioMessageStatus.Receiving,
        "received" => TwilioMessageStatus.Received,
        "accepted" => TwilioMessageStatus.Accepted,
        "scheduled" => TwilioMessageStatus.Scheduled,
        "read" => TwilioMessageStatus.Read,
        "partially_delivered" => TwilioMessageStatus.PartiallyDelivered,
        "canceled" => TwilioMessageStatus.Canceled,
        _ => TwilioMessageStatus.Unknown,
    };

    /// <summary>
    /// Parses an RFC 2822 date as Twilio writes it (<c>Thu, 24 Aug 2023 05:01:45 +0000</c>), also with the zone spelled
    /// <c>GMT</c> or <c>UT</c> (RFC 2822's obsolete zones, and what .NET's "r" format writes); null if absent or unreadable.
    /// </summary>
    internal static Instant? ParseRfc2822(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var trimmed = text.Trim();
        foreach (var zone in (string[])[" GMT", " UT"])
        {
            if (trimmed.EndsWith(zone, StringComparison.Ordinal))
            {
                trimmed = trimmed[..^zone.Length] + " +0000";
            }
        }
        foreach (var pattern in Rfc2822)
        {
            if (pattern.Parse(trimmed) is { Success: true } parsed)
            {
                return parsed.Value.ToInstant();
            }
        }
        return null;
    }

    private Uri MessagesUri()
    {
        var account = Uri.EscapeDataString(_options.AccountSid!);
        return new Uri($"{_options.ApiBaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{account}/Messages.json", UriKind.Absolute);
    }

    private List<KeyValuePair<string, string>> Fields(OutgoingSms sms)
    {
        var fields = new List<KeyValuePair<string, string>> { new("To", sms.To) };
        // With a Messaging Service, Twilio picks the sender from its pool; sending From as well would pin one sender.
        fields.Add(string.IsNullOrWhiteSpace(_options.MessagingServiceSid)
            ? new("From", _options.FromNumber!)
            : new("MessagingServiceSid", _options.MessagingServiceSid));
        fields.Add(new("Body", sms.Body));
        if (!string.IsNullOrWhiteSpace(sms.StatusCallback))
        {
            fields.Add(new("StatusCallback", sms.StatusCallback));
        }
        return fields;
    }

    private static SmsSendResult NoAnswer(string detail) =>
        new() { Outcome = SmsSendOutcome.Retryable, Detail = detail };

    private sealed record MessageResource(
        string? Sid,
        string? Status,
        string? From,
        string? To,
        string? MessagingServiceSid,
        int? NumSegments,
        string? DateCreated,
        int? ErrorCode,
        string? ErrorMessage,
        string? Body = null);

    private sealed record MessagePage(List<MessageResource>? Messages);

    private sealed record ErrorBody(int? Code, string? Message, string? MoreInfo, int? Status);
}
