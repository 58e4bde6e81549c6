using Hotline.Feedback.Ratings;
using Hotline.Routing.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Feedback.Tests;

public sealed class RatingTokensTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 23, 1, 0);

    [Fact]
    public async Task IssuedToken_ReadsBackTheSameInvitation_UntilItExpires()
    {
        var invitation = new RatingInvitation(new TicketId(Guid.CreateVersion7()), 2, Now.Plus(Duration.FromDays(7)));
        var token = await Tokens(Key(1), Now).IssueAsync(invitation, CancellationToken.None);

        var (read, expired) = await Tokens(Key(1), Now).ReadAsync(token, CancellationToken.None);
        Assert.Equal(invitation, read);
        Assert.False(expired);
        var (late, lateExpired) = await Tokens(Key(1), Now.Plus(Duration.FromDays(8))).ReadAsync(token, CancellationToken.None);
        Assert.Equal(invitation, late);
        Assert.True(lateExpired);
    }

    [Fact]
    public async Task TamperedForeignOrMalformedTokens_AreInvalid()
    {
        var invitation = new RatingInvitation(new TicketId(Guid.CreateVersion7()), 1, Now.Plus(Duration.FromDays(7)));
        var token = await Tokens(Key(1), Now).IssueAsync(invitation, CancellationToken.None);
        var other = new RatingInvitation(new TicketId(Guid.CreateVersion7()), 1, invitation.ExpiresAt);
        var otherToken = await Tokens(Key(1), Now).IssueAsync(other, CancellationToken.None);
        var swapped = otherToken.Split('.')[0] + "." + token.Split('.')[1];

        foreach (var bad in new[] { swapped, token + "x", token.Replace('.', '-'), "", ".", "a.b", new string('A', 500) })
        {
            Assert.Null((await Tokens(Key(1), Now).ReadAsync(bad, CancellationToken.None)).Invitation);
        }
        // Signed with another installation's key.
        Assert.Null((await Tokens(Key(2), Now).ReadAsync(token, CancellationToken.None)).Invitation);
    }

    private static string Key(byte seed) => Convert.ToBase64String(Enumerable.Repeat(seed, 32).ToArray());

    private static RatingTokens Tokens(string key, Instant now) => new(
        new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(),
        Options.Create(new FeedbackOptions { TokenKey = key }), new FixedClock(now));
}

internal sealed class FixedClock(Instant now) : IClock
{
    public Instant GetCurrentInstant() => now;
}
