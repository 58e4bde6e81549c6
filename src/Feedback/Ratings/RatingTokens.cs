using System.Buffers.Binary;
using System.Security.Cryptography;
using Hotline.Feedback.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Feedback.Ratings;

/// <summary>What a valid rating link stands for: a ticket, the round of rating, and until when.</summary>
public sealed record RatingInvitation(TicketId TicketId, int Round, Instant ExpiresAt);

/// <summary>
/// Signs and checks the token in a rating link (<c>/rate/{token}</c>): the ticket, the round and the expiry, with an HMAC-SHA256 tag
/// (truncated to 128 bits) under a key from <c>Hotline:Feedback:TokenKey</c> or generated on first run and kept in the database.
/// The token proves the holder received the invitation sent to the ticket's citizen; it reveals the ticket id, nothing personal.
/// </summary>
public sealed class RatingTokens(IServiceScopeFactory scopes, IOptions<FeedbackOptions> options, IClock clock)
{
    private const byte FormatVersion = 1;
    private const int PayloadLength = 1 + 16 + 1 + 8;
    private const int TagLength = 16;
    private const string KeyName = "rating-token-key";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _key;

    public async Task<string> IssueAsync(RatingInvitation invitation, CancellationToken ct)
    {
        var payload = new byte[PayloadLength];
        payload[0] = FormatVersion;
        invitation.TicketId.Value.TryWriteBytes(payload.AsSpan(1, 16));
        payload[17] = checked((byte)invitation.Round);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(18, 8), invitation.ExpiresAt.ToUnixTimeSeconds());
        var tag = HMACSHA256.HashData(await KeyAsync(ct), payload).AsSpan(0, TagLength).ToArray();
        return $"{Base64Url(payload)}.{Base64Url(tag)}";
    }

    /// <summary>The invitation a token stands for, or the reason it is refused (invalid, or expired).</summary>
    public async Task<(RatingInvitation? Invitation, bool Expired)> ReadAsync(string token, CancellationToken ct)
    {
        var parts = token.Split('.');
        if (parts.Length != 2 || FromBase64Url(parts[0]) is not { Length: PayloadLength } payload
            || FromBase64Url(parts[1]) is not { Length: TagLength } tag || payload[0] != FormatVersion)
        {
            return (null, false);
        }
        var expected = HMACSHA256.HashData(await KeyAsync(ct), payload).AsSpan(0, TagLength);
        if (!CryptographicOperations.FixedTimeEquals(expected, tag))
        {
            return (null, false);
        }
        var invitation = new RatingInvitation(new TicketId(new Guid(payload.AsSpan(1, 16))), payload[17],
            Instant.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(18, 8))));
        return clock.GetCurrentInstant() > invitation.ExpiresAt ? (invitation, true) : (invitation, false);
    }

    private async Task<byte[]> KeyAsync(CancellationToken ct)
    {
        if (_key is { } cached)
        {
            return cached;
        }
        if (options.Value.TokenKey is { Length: > 0 } configured)
        {
            return _key = Convert.FromBase64String(configured);
        }
        await _gate.WaitAsync(ct);
        try
        {
            if (_key is { } again)
            {
                return again;
            }
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
            var stored = await db.Keys.AsNoTracking().Where(k => k.Name == KeyName).Select(k => k.Value).SingleOrDefaultAsync(ct);
            if (stored is null)
            {
                db.Keys.Add(new FeedbackKey { Name = KeyName, Value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), CreatedAt = clock.GetCurrentInstant() });
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException)
                {
                    // Another host created it at the same moment: use theirs, so links from either host verify everywhere.
                    db.ChangeTracker.Clear();
                }
                stored = await db.Keys.AsNoTracking().Where(k => k.Name == KeyName).Select(k => k.Value).SingleAsync(ct);
            }
            return _key = Convert.FromBase64String(stored);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? FromBase64Url(string text)
    {
        if (text.Length is 0 or > 64)
        {
            return null;
        }
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", _ => "" };
        try
        {
            return Convert.FromBase64String(padded);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
