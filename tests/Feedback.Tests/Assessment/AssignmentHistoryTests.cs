using System.Text.Json;
using Hotline.Feedback.Assessment;
using Hotline.Routing.Tickets;
using NodaTime;

namespace Hotline.Feedback.Tests.Assessment;

/// <summary>Rebuilding departments' assignments from timelines, and the figures and scores made from them.</summary>
public sealed class AssignmentHistoryTests
{
    private static readonly Instant Monday = Instant.FromUtc(2026, 11, 2, 1, 0); // 09:00 in Beijing

    private sealed class Script(TicketId ticket)
    {
        private int _sequence;
        public List<TimelineEntry> Entries { get; } = [];

        public Script Add(TimelineEventKind kind, double hours, object? data = null)
        {
            Entries.Add(new TimelineEntry
            {
                TicketId = ticket,
                Sequence = ++_sequence,
                Kind = kind,
                At = Monday + Duration.FromHours(hours),
                Data = data is null ? null : JsonSerializer.Serialize(data),
            });
            return this;
        }

        public Script Dispatch(string lead, double hours, double signHours = 24, double replyHours = 24 * 15, TimelineEventKind kind = TimelineEventKind.Dispatched) =>
            Add(kind, hours, new
            {
                lead,
                signDue = (Monday + Duration.FromHours(hours + signHours)).ToString(),
                replyDue = (Monday + Duration.FromHours(hours + replyHours)).ToString(),
            });
    }

    [Fact]
    public void AReturnedTicket_IsOneReturnedAssignmentAndOneHandledOne_EachOnItsDepartment()
    {
        var ticket = TicketId.New();
        var script = new Script(ticket)
            .Dispatch("env", 0)
            .Add(TimelineEventKind.ReturnRequested, 2)
            .Add(TimelineEventKind.ReturnApproved, 3, new { returnedBy = "env" })
            .Dispatch("housing", 4)
            .Add(TimelineEventKind.Signed, 40) // after the 24-hour sign deadline
            .Add(TimelineEventKind.ExtensionApproved, 50, new { replyDue = (Monday + Duration.FromDays(30)).ToString() })
            .Add(TimelineEventKind.Replied, 24 * 20) // late for the first deadline, in time for the extended one
            .Add(TimelineEventKind.CalledBack, 24 * 21, new { solved = true, satisfaction = 5 })
            .Add(TimelineEventKind.Closed, 24 * 22);

        var assignments = AssignmentHistory.Build(script.Entries);

        Assert.Equal(2, assignments.Count);
        var returned = assignments.Single(a => a.Department.Value == "env");
        Assert.True(returned.ReturnApproved);
        Assert.True(returned.RespondedOnTime); // asking to return a misrouted ticket in time is a response
        Assert.Null(returned.RepliedAt);
        var handled = assignments.Single(a => a.Department.Value == "housing");
        Assert.False(handled.RespondedOnTime);
        Assert.True(handled.RepliedOnTime);
        Assert.Equal(true, handled.Solved);
        Assert.NotNull(handled.ClosedAt);
    }

    [Fact]
    public void Rehandling_StartsANewAssignment_AndARejectedReturnIsCounted()
    {
        var script = new Script(TicketId.New())
            .Dispatch("housing", 0)
            .Add(TimelineEventKind.ReturnRequested, 1)
            .Add(TimelineEventKind.ReturnRejected, 2)
            .Add(TimelineEventKind.Signed, 3)
            .Add(TimelineEventKind.Replied, 10)
            .Add(TimelineEventKind.CalledBack, 11, new { solved = false, satisfaction = 2 })
            .Dispatch("housing", 12, kind: TimelineEventKind.Rehandled)
            .Add(TimelineEventKind.Signed, 13)
            .Add(TimelineEventKind.Replied, 20)
            .Add(TimelineEventKind.CalledBack, 21, new { solved = true, satisfaction = 4 })
            .Add(TimelineEventKind.Closed, 22);

        var assignments = AssignmentHistory.Build(script.Entries);

        Assert.Equal([false, true], assignments.Select(a => a.IsRehandling));
        Assert.Equal(1, assignments[0].ReturnsRejected);
        Assert.Equal(false, assignments[0].Solved);
        Assert.Null(assignments[0].ClosedAt);
        Assert.Equal(true, assignments[1].Solved);
        Assert.NotNull(assignments[1].ClosedAt);
    }

    [Fact]
    public void Figures_AddUp_AndTheScoreWeighsOnlyRatesThatHaveSomethingToCount()
    {
        var street = new DepartmentFigures();
        street[Metric.ResponseRate].Add(TicketId.New(), met: true);
        street[Metric.ResponseRate].Add(TicketId.New(), met: false);
        street[Metric.SolutionRate].Add(TicketId.New(), met: true);
        var district = new DepartmentFigures();
        district[Metric.ResponseRate].Add(TicketId.New(), met: true);
        district.AddAll(street);

        Assert.Equal(2.0 / 3, district[Metric.ResponseRate].Rate);
        Assert.Equal(3, district[Metric.ResponseRate].Counted);
        var weights = new Dictionary<Metric, double> { [Metric.ResponseRate] = 0.1, [Metric.SolutionRate] = 0.45, [Metric.SatisfactionRate] = 0.45 };
        // No ratings: the score is response and solution, reweighted to 0.1 : 0.45.
        Assert.Equal(Math.Round(100 * (0.1 * 2 / 3 + 0.45 * 1) / 0.55, 2), district.Score(weights));
        Assert.Null(new DepartmentFigures().Score(weights));

        var returns = new DepartmentFigures();
        returns[Metric.ReturnRate].Add(TicketId.New(), met: true);
        returns[Metric.ReturnRate].Add(TicketId.New(), met: false);
        returns[Metric.ReturnRate].Add(TicketId.New(), met: false);
        returns[Metric.ReturnRate].Add(TicketId.New(), met: false);
        Assert.Equal(75, returns.Score(new Dictionary<Metric, double> { [Metric.ReturnRate] = 1 })); // fewer returns score higher
    }

    [Theory]
    [InlineData("day", "2026-11-04", "2026-11-04", "2026-11-04", "2026-11-03")]
    [InlineData("week", "2026-11-04", "2026-11-02", "2026-11-08", "2026-10-26")]
    [InlineData("month", "2026-02-14", "2026-02-01", "2026-02-28", "2026-01-01")]
    [InlineData("quarter", "2026-11-04", "2026-10-01", "2026-12-31", "2026-07-01")]
    public void Periods_CoverTheirCalendarUnit_AndThePreviousOneIsJustBefore(string kind, string date, string first, string last, string previousFirst)
    {
        var (period, error) = AssessmentPeriod.Parse(kind, date, null, null, new LocalDate(2026, 11, 22));
        Assert.Null(error);
        Assert.Equal((first, last), (period!.First.ToString("yyyy-MM-dd", null), period.Last.ToString("yyyy-MM-dd", null)));
        Assert.Equal(previousFirst, period.Previous().First.ToString("yyyy-MM-dd", null));
        Assert.Equal(period.First.PlusDays(-1), period.Previous().Last);
        Assert.Equal(Duration.FromHours(-8), period.Start - period.First.AtMidnight().InUtc().ToInstant()); // Beijing midnight
    }

    [Theory]
    [InlineData("year", null, null, null)]
    [InlineData(null, "2026-13-01", null, null)]
    [InlineData(null, null, "2026-11-10", "2026-11-01")]
    [InlineData(null, null, "2025-01-01", "2026-06-01")]
    [InlineData(null, null, "2026-11-01", null)]
    public void BadPeriods_AreRefused(string? kind, string? date, string? from, string? to)
    {
        var (period, error) = AssessmentPeriod.Parse(kind, date, from, to, new LocalDate(2026, 11, 22));
        Assert.Null(period);
        Assert.IsType<Routing.ValidationFailed>(error);
    }

    [Fact]
    public void ACustomPeriod_IsComparedWithTheSameNumberOfDaysBefore()
    {
        var (period, _) = AssessmentPeriod.Parse(null, null, "2026-11-10", "2026-11-19", new LocalDate(2026, 11, 22));
        var previous = period!.Previous();
        Assert.Equal((new LocalDate(2026, 10, 31), new LocalDate(2026, 11, 9)), (previous.First, previous.Last));
        Assert.Equal(PeriodKind.Custom, period.Kind);
    }

    [Fact]
    public void EveryMetric_HasAChineseLabel_AndAKeyThatParsesBack()
    {
        foreach (var metric in Enum.GetValues<Metric>())
        {
            Assert.Contains(Metrics.Label(metric), s => s is >= '\u4e00' and <= '\u9fff');
            Assert.True(Metrics.TryParse(Metrics.Key(metric), out var parsed));
            Assert.Equal(metric, parsed);
        }
        Assert.False(Metrics.TryParse("3", out _));
        Assert.False(Metrics.TryParse("happiness", out _));
    }
}
