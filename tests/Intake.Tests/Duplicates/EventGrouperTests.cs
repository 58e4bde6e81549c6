using Hotline.Intake.Duplicates;
using NodaTime;
using static Hotline.Intake.Tests.Duplicates.SampleTickets;

namespace Hotline.Intake.Tests.Duplicates;

public sealed class EventGrouperTests
{
    private static readonly string[] Burst =
    [
        WaterMainBurst,
        "解放路路口水管爆了，路上全是水，车过不去。",
        "人民路解放路交叉口自来水管破裂，大量积水，请派人维修。",
    ];

    private static Report At(string id, string text, double hours, string? area = "人民街道") =>
        new(id, text, area, Monday + Duration.FromHours(hours));

    private static EventGrouper NewGrouper(DuplicateOptions? options = null) => new(Statistics, options);

    [Fact]
    public void Group_SimilarReportsWithinTheWindow_AreOneEvent()
    {
        var events = EventGrouper.Group([At("r1", Burst[0], 0), At("r2", Burst[1], 1), At("r3", Burst[2], 2)], statistics: Statistics);

        var burst = Assert.Single(events);
        Assert.Equal("r1", burst.Id);
        Assert.Equal(["r1", "r2", "r3"], burst.ReportIds);
        Assert.Equal("人民街道", burst.Area);
        Assert.Equal(Monday, burst.FirstReportedAt);
        Assert.Equal(Monday + Duration.FromHours(2), burst.LastReportedAt);
    }

    [Fact]
    public void Group_UnorderedInput_IsGroupedInTimeOrder()
    {
        var events = EventGrouper.Group([At("late", Burst[1], 5), At("first", Burst[0], 0)], statistics: Statistics);

        Assert.Equal(["first", "late"], Assert.Single(events).ReportIds);
    }

    [Theory]
    [InlineData(71, 1)]
    [InlineData(72, 1)]
    [InlineData(73, 2)]
    [InlineData(24 * 30, 2)]
    public void Group_SameTextHoursApart_IsOneEventOnlyWithinTheWindow(double hours, int expectedEvents)
    {
        var events = EventGrouper.Group([At("r1", WaterMainBurst, 0), At("r2", WaterMainBurst, hours)], statistics: Statistics);

        Assert.Equal(expectedEvents, events.Count);
    }

    [Fact]
    public void Group_Window_IsASetting()
    {
        var options = new DuplicateOptions { EventWindowHours = 6 };

        var events = EventGrouper.Group([At("r1", WaterMainBurst, 0), At("r2", WaterMainBurst, 7)], options, Statistics);

        Assert.Equal(2, events.Count);
    }

    [Fact]
    public void Group_SameTextInDifferentAreas_IsTwoEvents()
    {
        var events = EventGrouper.Group([At("r1", WaterMainBurst, 0, "人民街道"), At("r2", WaterMainBurst, 1, "解放街道")],
            statistics: Statistics);

        Assert.Equal(["人民街道", "解放街道"], events.Select(e => e.Area));
    }

    [Fact]
    public void Group_UnknownArea_JoinsAKnownOneAndTheEventKeepsIt()
    {
        var events = EventGrouper.Group([At("r1", Burst[0], 0, null), At("r2", Burst[1], 1, "人民街道"), At("r3", Burst[2], 2, null)],
            statistics: Statistics);

        var burst = Assert.Single(events);
        Assert.Equal(3, burst.Count);
        Assert.Equal("人民街道", burst.Area);
    }

    [Fact]
    public void Add_OtherAreaMatchingOnlyThroughAnUnknownOne_StartsItsOwnEvent()
    {
        var grouper = NewGrouper();
        grouper.Add(At("known", Burst[0], 0, "人民街道"));
        grouper.Add(At("unknown", Burst[1], 1, null));

        var assignment = grouper.Add(At("elsewhere", Burst[1], 2, "解放街道"));

        Assert.True(assignment.StartsEvent);
        Assert.Equal(["known", "elsewhere"], grouper.Events.Select(e => e.Id));
    }

    [Fact]
    public void Add_SimilarReport_SaysWhichReportItMatchedAndHowWell()
    {
        var grouper = NewGrouper();
        var first = grouper.Add(At("r1", Burst[0], 0));

        var second = grouper.Add(At("r2", Burst[2], 1));

        Assert.Equal(new EventAssignment("r1", "r1", null, 0), first);
        Assert.True(first.StartsEvent);
        Assert.Equal(("r1", "r1"), (second.EventId, second.MatchedReportId));
        Assert.InRange(second.Score, new DuplicateOptions().EventThreshold, 1.0);
    }

    [Fact]
    public void Add_ReportLikeTwoEvents_JoinsTheCloserOneWithoutFusingThem()
    {
        var grouper = NewGrouper();
        grouper.Add(At("burst", WaterMainBurst, 0));
        grouper.Add(At("lift", LiftBroken, 0));

        var assignment = grouper.Add(At("both", Burst[2] + LiftReworded, 1));

        Assert.Equal("burst", assignment.EventId);
        Assert.Equal(["burst", "lift"], grouper.Events.Select(e => e.Id));
    }

    [Fact]
    public void Group_UnrelatedReports_StaySeparate()
    {
        var events = EventGrouper.Group(Background.Select((text, i) => At($"b{i}", text, i)), statistics: Statistics);

        Assert.Equal(Background.Length, events.Count);
        Assert.All(events, e => Assert.Equal(1, e.Count));
    }

    [Theory]
    [InlineData("")]
    [InlineData("🚰💦💦")]
    public void Group_NothingToCompare_IsAnEventOfItsOwn(string text)
    {
        var events = EventGrouper.Group([At("r1", text, 0), At("r2", text, 1), At("r3", WaterMainBurst, 2)], statistics: Statistics);

        Assert.Equal(3, events.Count);
    }

    [Fact]
    public void Group_WithoutStatistics_CountsThemOverTheBatch()
    {
        var reports = Background.Select((text, i) => At($"b{i}", text, i)).Concat([At("r1", Burst[0], 20), At("r2", Burst[2], 21)]).ToList();

        var events = EventGrouper.Group(reports);

        var batch = TermStatistics.From(reports.Select(r => TextSimilarity.Document(r.Title, r.Text)));
        Assert.Equal(EventGrouper.Group(reports, statistics: batch).Select(e => e.ReportIds), events.Select(e => e.ReportIds));
        Assert.Contains(events, e => e.ReportIds.SequenceEqual(["r1", "r2"]));
    }

    [Fact]
    public void Add_SameIdTwice_IsRefused()
    {
        var grouper = NewGrouper();
        grouper.Add(At("r1", WaterMainBurst, 0));

        Assert.Throws<ArgumentException>(() => grouper.Add(At("r1", LiftBroken, 1)));
    }

    [Fact]
    public void Add_ManyReportsOverMonths_OnlyComparesWithinTheWindow()
    {
        var grouper = NewGrouper(new DuplicateOptions { EventWindowHours = 24 });

        for (var day = 0; day < 400; day++)
        {
            var assignment = grouper.Add(At($"d{day}", WaterMainBurst, day * 25.0));
            Assert.True(assignment.StartsEvent, $"day {day} joined {assignment.EventId}");
        }
        Assert.Equal(400, grouper.Events.Count);
    }
}
