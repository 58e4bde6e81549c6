using Hotline.Routing.Audit;
using NodaTime;

namespace Hotline.Routing.Tests.Audit;

public sealed class HashChainTests
{
    [Fact]
    public void FirstEntryOfNothing_IsTheSha256OfThirtyTwoZeroBytes() =>
        // sha256sum of 32 zero bytes: the documented start of every chain, reproducible outside .NET.
        Assert.Equal("66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925", HashChain.Link(null, []));

    [Fact]
    public void LengthPrefixes_KeepFieldBoundaries_AndNullApartFromEmpty()
    {
        var ab = HashChain.Link(null, [new("x", "ab"), new("y", "c")]);
        var bc = HashChain.Link(null, [new("x", "a"), new("y", "bc")]);
        var empty = HashChain.Link(null, [new("x", "")]);
        var none = HashChain.Link(null, [new("x", null)]);

        Assert.NotEqual(ab, bc);
        Assert.NotEqual(empty, none);
    }

    [Fact]
    public void Link_DependsOnThePreviousHash_AndOnEveryField()
    {
        var first = HashChain.Link(null, [new("note", "已办结")]);
        var second = HashChain.Link(first, [new("note", "已回访")]);

        Assert.Matches("^[0-9a-f]{64}$", second);
        Assert.NotEqual(second, HashChain.Link(null, [new("note", "已回访")]));
        Assert.NotEqual(second, HashChain.Link(first, [new("note", "已回访 ")]));
        Assert.Equal(second, HashChain.Link(first, [new("other name, same value", "已回访")]));
    }

    [Fact]
    public void Instants_AreHashedToTheMicrosecond_ThatPostgreSqlKeeps()
    {
        var at = Instant.FromUtc(2026, 11, 23, 1, 2, 3).PlusNanoseconds(456_789_999);

        Assert.Equal("2026-11-23T01:02:03.456789Z", HashChain.Text(at));
        Assert.Equal(HashChain.Text(at), HashChain.Text(Instant.FromUnixTimeTicks(at.ToUnixTimeTicks() / 10 * 10)));
    }
}
