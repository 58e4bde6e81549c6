using Hotline.Intake.Duplicates;
using NodaTime;
using static Hotline.Intake.Tests.Duplicates.SampleTickets;

namespace Hotline.Intake.Tests.Duplicates;

public sealed class MergeSuggesterTests
{
    private static readonly Instant Now = Monday + Duration.FromDays(2);

    private static readonly OpenTicket[] Open =
    [
        new("lift", LiftBroken, Monday) { Title = "幸福小区3栋电梯故障" },
        new("noise", NightStallNoise, Now - Duration.FromHours(5)) { Title = "幸福小区夜宵摊噪音扰民" },
    ];

    [Fact]
    public void Suggest_SameMatterReworded_OffersThatTicketWithAReason()
    {
        var contact = new NewContact(LiftReworded, Now) { Title = "幸福小区电梯又坏了" };

        var suggestion = Assert.Single(MergeSuggester.Suggest(contact, Open, Statistics));

        Assert.Equal("lift", suggestion.TicketId);
        Assert.StartsWith("与 2 天前登记的未办结工单内容相近（相似度 0.", suggestion.Reason, StringComparison.Ordinal);
        Assert.Contains("都提到", suggestion.Reason, StringComparison.Ordinal);
        Assert.Contains("“幸福小区”", suggestion.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Suggest_IdenticalText_SaysSoAndScoresOne()
    {
        var contact = new NewContact(NightStallNoise, Now) { Title = "幸福小区夜宵摊噪音扰民" };

        var best = MergeSuggester.Suggest(contact, Open, Statistics)[0];

        Assert.Equal("noise", best.TicketId);
        Assert.Equal(1.0, best.Score, 9);
        Assert.StartsWith("与 5 小时前登记的未办结工单内容几乎相同，都提到“", best.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Suggest_SeveralAlike_RanksByScoreThenRecency()
    {
        var tickets = new OpenTicket[]
        {
            new("older-copy", WaterMainBurst, Monday),
            new("reworded", "解放路路口水管爆了，路上全是水。", Monday),
            new("newer-copy", WaterMainBurst, Monday + Duration.FromHours(3)),
            new("noise", NightStallNoise, Monday),
        };

        var suggestions = MergeSuggester.Suggest(new NewContact(WaterMainBurst, Now), tickets, Statistics);

        Assert.Equal(["newer-copy", "older-copy", "reworded"], suggestions.Select(s => s.TicketId));
        Assert.True(suggestions[1].Score > suggestions[2].Score);
    }

    [Fact]
    public void Suggest_NoMoreThanTheMaximum()
    {
        var tickets = Enumerable.Range(0, 10).Select(i => new OpenTicket($"t{i}", WaterMainBurst, Monday + Duration.FromMinutes(i)));

        var suggestions = MergeSuggester.Suggest(new NewContact(WaterMainBurst, Now), tickets, Statistics,
            new DuplicateOptions { MaxMergeSuggestions = 2 });

        Assert.Equal(["t9", "t8"], suggestions.Select(s => s.TicketId));
    }

    [Fact]
    public void Suggest_AnotherMatter_OffersNothing()
    {
        Assert.Empty(MergeSuggester.Suggest(new NewContact(WaterMainBurst, Now), Open, Statistics));
    }

    [Theory]
    [InlineData("")]
    [InlineData("😀😀😀")]
    [InlineData("您好，请问？")]
    public void Suggest_NothingToCompare_OffersNothing(string text)
    {
        Assert.Empty(MergeSuggester.Suggest(new NewContact(text, Now), Open, Statistics));
        Assert.Empty(MergeSuggester.Suggest(new NewContact(LiftBroken, Now), [new OpenTicket("empty", text, Monday)], Statistics));
    }

    [Fact]
    public void Suggest_WithoutStatistics_StillRanksTheSameMatterFirst()
    {
        var contact = new NewContact(LiftReworded, Now) { Title = "幸福小区电梯又坏了" };

        var suggestions = MergeSuggester.Suggest(contact, Open);

        // Without a corpus the complex's name weighs like any word, so the other matter in the same complex may be offered too.
        Assert.Equal("lift", suggestions[0].TicketId);
    }

    [Fact]
    public void Suggest_NoOpenTickets_OffersNothing()
    {
        Assert.Empty(MergeSuggester.Suggest(new NewContact(LiftBroken, Now), [], Statistics));
    }

    [Theory]
    [InlineData(0, "与刚刚登记")]
    [InlineData(45, "与 45 分钟前登记")]
    [InlineData(60 * 30, "与 30 小时前登记")]
    [InlineData(60 * 24 * 9, "与 9 天前登记")]
    public void Suggest_Reason_SaysHowOldTheTicketIs(int minutes, string start)
    {
        var ticket = new OpenTicket("t", WaterMainBurst, Now - Duration.FromMinutes(minutes));

        var suggestion = Assert.Single(MergeSuggester.Suggest(new NewContact(WaterMainBurst, Now), [ticket], Statistics));

        Assert.StartsWith(start, suggestion.Reason, StringComparison.Ordinal);
    }
}
