using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Hotline.Feedback.History;
using Hotline.Feedback.Storage;
using Hotline.Routing.Outbox;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Feedback.Platform;

/// <summary>
/// Pushes ratings, rectification outcomes and upheld appeals to the 好差评 platform, from the outbox (topic
/// <see cref="FeedbackEvent.Topic"/>). Each attempt is audited (<see cref="PlatformDelivery"/>). 2xx is delivered; 408, 429, 5xx,
/// timeouts and refused connections throw, so the outbox retries with its backoff; any other status is a permanent failure,
/// recorded and not retried. A retry sends the same bytes with the same <c>Idempotency-Key</c>, so a platform that received the
/// first attempt (the answer was lost, or the host crashed before recording it) recognises the second.
/// </summary>
public sealed class PlatformPusher(IServiceScopeFactory scopes, IHttpClientFactory http, IOptions<PlatformOptions> options, IClock clock)
    : IOutboxHandler
{
    public const string HttpClientName = "haochaping-platform";
    public const string SignatureHeader = "X-Hotline-Signature";
    public const string TimestampHeader = "X-Hotline-Timestamp";
    public const string KeyHeader = "X-Hotline-Key";
    public const string IdempotencyHeader = "Idempotency-Key";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Chinese as itself, not \uXXXX: the audit shows what was sent as a person reads it (still valid JSON for any parser).
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    public string Name => "feedback-platform-push";
    public string Topic => FeedbackEvent.Topic;

    public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var settings = options.Value;
        if (!settings.IsConfigured)
        {
            return; // off: nothing sent, nothing recorded (README: records made while off are not pushed later)
        }
        var change = OutboxWriter.Read<FeedbackEvent>(message);
        if (PlatformRecords.TypeOf(change) is not { } type)
        {
            return;
        }
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
        var previous = await db.PlatformDeliveries.AsNoTracking().Where(d => d.RecordId == change.EntryId)
            .OrderByDescending(d => d.Attempt).FirstOrDefaultAsync(ct);
        if (previous is { Outcome: PlatformOutcome.Delivered or PlatformOutcome.Failed })
        {
            return; // settled on an earlier delivery of this message (a crash before the outbox recorded it)
        }
        // A retry sends the bytes the first attempt sent, so the body and its hash are the same on every attempt.
        string payload;
        Guid ratingId;
        if (previous is not null)
        {
            payload = previous.Payload;
            ratingId = previous.RatingId;
        }
        else
        {
            var record = await scope.ServiceProvider.GetRequiredService<PlatformRecords>().BuildAsync(change, type, settings.RegionCode!, ct);
            payload = JsonSerializer.Serialize(record, Json);
            ratingId = record.RatingId;
        }
        var body = Encoding.UTF8.GetBytes(payload);
        var now = clock.GetCurrentInstant();
        var (status, outcome, detail) = await PostAsync(settings, change.EntryId, body, now, ct);
        db.PlatformDeliveries.Add(new PlatformDelivery
        {
            RecordId = change.EntryId,
            RecordType = type,
            RatingId = ratingId,
            TicketId = new TicketId(change.TicketId),
            TrackingCode = change.TrackingCode,
            Attempt = (previous?.Attempt ?? 0) + 1,
            AttemptedAt = now,
            Endpoint = settings.Endpoint!,
            HttpStatus = status,
            Outcome = outcome,
            Detail = detail,
            PayloadSha256 = Convert.ToHexStringLower(SHA256.HashData(body)),
            Payload = payload,
        });
        await db.SaveChangesAsync(ct);
        if (outcome == PlatformOutcome.Retrying)
        {
            throw new PlatformRetryException(detail ?? "");
        }
    }

    /// <summary>
    /// The signature the platform checks: hex HMAC-SHA256, under the shared secret, of the timestamp (Unix seconds, as sent in
    /// <see cref="TimestampHeader"/>), a full stop, and the body's bytes. Binding the timestamp lets the platform refuse replays.
    /// </summary>
    public static string Sign(string secret, string timestamp, byte[] body)
    {
        var signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp, signed);
        signed[timestamp.Length] = (byte)'.';
        body.CopyTo(signed, timestamp.Length + 1);
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    private async Task<(int? Status, PlatformOutcome Outcome, string? Detail)> PostAsync(PlatformOptions settings, Guid recordId,
        byte[] body, Instant now, CancellationToken ct)
    {
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(IdempotencyHeader, recordId.ToString());
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, Sign(settings.Secret!, timestamp, body));
        if (!string.IsNullOrWhiteSpace(settings.ApiKey))
        {
            request.Headers.Add(KeyHeader, settings.ApiKey);
        }
        var client = http.CreateClient(HttpClientName);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        try
        {
            using var response = await client.SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return (status, PlatformOutcome.Delivered, null);
            }
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            var detail = $"HTTP {status}: {(text.Length > 400 ? text[..400] : text)}";
            return status is 408 or 429 or >= 500
                ? (status, PlatformOutcome.Retrying, detail)
                : (status, PlatformOutcome.Failed, detail);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, PlatformOutcome.Retrying, $"no answer within {settings.TimeoutSeconds} s");
        }
        catch (HttpRequestException ex)
        {
            return (null, PlatformOutcome.Retrying, ex.Message.Length > 400 ? ex.Message[..400] : ex.Message);
        }
    }
}

/// <summary>The platform is busy or unreachable; the outbox backs off and retries.</summary>
public sealed class PlatformRetryException(string detail) : Exception($"好差评 platform did not take the record yet, will retry: {detail}");
