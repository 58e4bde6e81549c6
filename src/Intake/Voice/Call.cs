using NodaTime;

namespace Hotline.Intake.Voice;

public enum CallOutcome
{
    InProgress,
    TicketCreated, // the caller confirmed their request, or left a voicemail
    Missed,        // ended before a ticket existed: goes on the callback list (漏接回拨)
}

/// <summary>
/// One inbound call, keyed by Twilio's CallSid (retries of a webhook find the same call). Holds what the IVR learnt: transcript
/// and confidence, or the voicemail recording, and the ticket it became.
/// </summary>
public sealed class Call
{
    public string CallSid { get; set; } = "";
    public string From { get; set; } = "";
    public string To { get; set; } = "";
    public Instant StartedAt { get; set; }
    public Instant? EndedAt { get; set; }
    public CallOutcome Outcome { get; set; }
    public string? Transcript { get; set; }
    public double? Confidence { get; set; }
    public string? RecordingUrl { get; set; }
    public int? RecordingSeconds { get; set; }
    public Guid? TicketId { get; set; }
    public Instant? CalledBackAt { get; set; }
    public string? CalledBackBy { get; set; }
}

/// <summary>
/// The screen pop for agents (outbox topic <see cref="Topic"/>): who is calling and what they asked before. Published when a
/// call starts ringing; the live console (issue 6) shows it.
/// </summary>
public sealed record CallRinging(string CallSid, string Phone, string MaskedPhone, DateTimeOffset At, IReadOnlyList<CallerHistoryItem> History)
{
    public const string Topic = "call.ringing";
}

public sealed record CallerHistoryItem(Guid TicketId, string TrackingCode, string Title, string State, string StateLabel, DateTimeOffset ReceivedAt);

/// <summary>
/// The missed-call list changed (outbox topic <see cref="Topic"/>): a call ended without a ticket (<c>Missed</c>) or an agent
/// called it back (<c>CalledBack</c>), so every agent's list follows without a reload. The number is masked: the list itself
/// (<c>GET /api/calls/missed</c>) is where agents read it.
/// </summary>
public sealed record MissedCallChanged(string CallSid, string MaskedPhone, string Change, string? ActorName, DateTimeOffset At)
{
    public const string Topic = "call.missed";
    public const string Missed = nameof(CallOutcome.Missed);
    public const string CalledBack = nameof(CalledBack);
}
