using NodaTime;

namespace Hotline.Intake.Twilio;

/// <summary>
/// Sends SMS through Twilio. The seam the official SDK (not in this registry) or another SMS gateway would replace in one place;
/// callers see outcomes as values, so the outbox can tell a retry from a dead end.
/// </summary>
internal interface ITwilioMessaging
{
    /// <summary>
    /// Asks Twilio to send one SMS. Never throws for Twilio's or the network's failures (they are
    /// <see cref="SmsSendOutcome.Retryable"/> or <see cref="SmsSendOutcome.Permanent"/>); throws
    /// <see cref="OperationCanceledException"/> when <paramref name="ct"/> is cancelled, and
    /// <see cref="InvalidOperationException"/> when Twilio is not configured.
    /// </summary>
    /// <remarks>
    /// Twilio's Messages API has no idempotency key: after a timeout the message may or may not have been queued, so retrying a
    /// <see cref="SmsSendOutcome.Retryable"/> outcome can deliver it twice. For notices to citizens a duplicate beats a loss.
    /// </remarks>
    Task<SmsSendResult> SendSmsAsync(OutgoingSms sms, CancellationToken ct);

    /// <summary>
    /// Looks for a text to <paramref name="to"/> with exactly <paramref name="body"/> created since <paramref name="since"/>: after
    /// a crash between handing a text to Twilio and recording the answer, this tells "already sent" from "never arrived".
    /// </summary>
    Task<SentLookup> FindSentAsync(string to, string body, Instant since, CancellationToken ct);
}

/// <summary>The answer of <see cref="ITwilioMessaging.FindSentAsync"/>: whether Twilio could be asked, and the sid if it was sent.</summary>
internal sealed record SentLookup(bool Answered, string? Sid, string? Detail);

/// <summary>An SMS to send.</summary>
/// <param name="To">The recipient in E.164 (<c>+8613812345678</c>).</param>
/// <param name="Body">The text, up to 1,600 characters; Chinese text is UCS-2, so every 70 characters are one billed segment.</param>
internal sealed record OutgoingSms(string To, string Body)
{
    /// <summary>Absolute URL Twilio posts delivery status to (<c>MessageStatus</c>), e.g. <see cref="TwilioOptions.WebhookUrl"/>; none if null.</summary>
    public string? StatusCallback { get; init; }
}

/// <summary>What became of a send.</summary>
internal enum SmsSendOutcome
{
    /// <summary>Twilio accepted the message (201); delivery is reported later through the status callback.</summary>
    Accepted,

    /// <summary>Worth trying again later: 408, 429, 5xx, a timeout or a network failure.</summary>
    Retryable,

    /// <summary>Trying again cannot help: any other 4xx (21211 invalid number, 21610 unsubscribed recipient, 401 wrong credentials).</summary>
    Permanent,
}

/// <summary>The outcome of <see cref="ITwilioMessaging.SendSmsAsync"/>.</summary>
internal sealed record SmsSendResult
{
    public required SmsSendOutcome Outcome { get; init; }

    /// <summary>The created Message resource, when Twilio accepted the message and its body could be read.</summary>
    public TwilioMessage? Message { get; init; }

    /// <summary>Twilio's HTTP status; null when no response arrived (timeout, network).</summary>
    public int? HttpStatus { get; init; }

    /// <summary>Twilio's error body, when it sent one.</summary>
    public TwilioRestError? Error { get; init; }

    /// <summary>How long Twilio asked to wait (<c>Retry-After</c> in seconds), when it said.</summary>
    public Duration? RetryAfter { get; init; }

    /// <summary>One line for logs and the outbox's last error; contains no credentials.</summary>
    public required string Detail { get; init; }

    /// <summary>The message id (<c>SM</c>…), to match status callbacks; null unless accepted.</summary>
    public string? Sid => Message?.Sid;
}

/// <summary>The fields of Twilio's Message resource Hotline uses.</summary>
/// <param name="Sid">The message id (<c>SM</c>…).</param>
/// <param name="Status">The status when the response was written (<c>queued</c> for a new message).</param>
/// <param name="StatusText">The status as Twilio spelled it, kept because Twilio may add statuses.</param>
internal sealed record TwilioMessage(string Sid, TwilioMessageStatus Status, string StatusText)
{
    /// <summary>The sender; null when a Messaging Service picks it later.</summary>
    public string? From { get; init; }

    public string? To { get; init; }

    public string? MessagingServiceSid { get; init; }

    /// <summary>How many SMS segments the body takes (what Twilio bills).</summary>
    public int? NumSegments { get; init; }

    public Instant? DateCreated { get; init; }

    /// <summary>Twilio's error code for a failed or undelivered message; null otherwise.</summary>
    public int? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }
}

/// <summary>The status of a Twilio message (the <c>status</c> enum of the Message resource, also <c>MessageStatus</c> of callbacks).</summary>
internal enum TwilioMessageStatus
{
    /// <summary>A status this code does not know yet; Twilio adds some without notice.</summary>
    Unknown,
    Queued,
    Sending,
    Sent,
    Failed,
    Delivered,
    Undelivered,
    Receiving,
    Received,
    Accepted,
    Scheduled,
    Read,
    PartiallyDelivered,
    Canceled,
}

/// <summary>Twilio's REST error body: <c>{"code":21211,"message":"…","more_info":"https://www.twilio.com/docs/errors/21211","status":400}</c>.</summary>
/// <param name="Code">Twilio's error code (see <see cref="MoreInfo"/>).</param>
/// <param name="Message">Twilio's explanation, in English.</param>
/// <param name="MoreInfo">Link to the error's documentation.</param>
/// <param name="Status">The HTTP status repeated.</param>
internal sealed record TwilioRestError(int Code, string Message, string? MoreInfo, int Status);
