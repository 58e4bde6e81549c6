using Hotline.Feedback.Callbacks;
using Hotline.Feedback.Rectification;
using Hotline.Routing;
using Hotline.Routing.Calendar;
using Hotline.Routing.Tickets;
using NodaTime;

namespace Hotline.Feedback.Tests;

public sealed class RectificationTests
{
    private static readonly DepartmentId Housing = new("city-housing");
    private static readonly Actor HousingHandler = Actor.Staff("u1", "张伟", StaffRole.Department, Housing);
    private static readonly Actor OtherDepartment = Actor.Staff("u2", "李四", StaffRole.Department, new DepartmentId("city-water"));
    private static readonly Actor Supervisor = Actor.Staff("u3", "陈静", StaffRole.Supervisor);
    private static readonly Instant Now = Instant.FromUtc(2026, 9, 30, 2, 0);

    [Fact]
    public void Steps_RunOnlyInOrder_ByTheOwner_AndTheSupervisorReviews()
    {
        var r = Open();
        Assert.IsType<StateConflict>(r.Classify(HousingHandler, RectificationKind.FixNow, Now, "x"));
        Assert.IsType<NotPermitted>(r.Verify(OtherDepartment, Now, true, "x"));
        Assert.IsType<NotPermitted>(r.Verify(Supervisor, Now, true, "x"));
        Assert.Equal(RectificationStage.Verify, r.Stage);
        Assert.Equal(0, r.Version);

        Assert.Null(r.Verify(HousingHandler, Now, true, "属实"));
        Assert.Null(r.Classify(HousingHandler, RectificationKind.Explain, Now, "无法律依据"));
        Assert.Null(r.RecordAction(HousingHandler, Now, "已解释", "[\"录音\"]"));
        Assert.Null(r.ReportBackToCitizen(HousingHandler, Now, "已向市民解释", Now.Plus(Duration.FromDays(3))));
        Assert.IsType<NotPermitted>(r.Review(HousingHandler, Now, true, null, Now));
        Assert.Null(r.Review(Supervisor, Now, false, "补充材料", Now));
        Assert.Equal(RectificationStage.Record, r.Stage);
        Assert.Null(r.ReviewDueAt);
        Assert.Null(r.RecordAction(HousingHandler, Now, "补充", "[]"));
        Assert.Null(r.ReportBackToCitizen(HousingHandler, Now, "再次反馈", Now.Plus(Duration.FromDays(3))));
        Assert.Null(r.Review(Supervisor, Now, true, null, Now.Plus(Duration.FromDays(7))));
        Assert.Equal(RectificationStage.FollowUp, r.Stage);
        Assert.False(r.CloseWithoutFollowUp(Now.Plus(Duration.FromDays(6))));
        Assert.True(r.CloseWithoutFollowUp(Now.Plus(Duration.FromDays(8))));
        Assert.Equal(RectificationOutcome.NoFollowUpRating, r.Outcome);
        Assert.Contains("已结束", Assert.IsType<StateConflict>(r.Verify(HousingHandler, Now, true, "x")).Detail);
    }

    [Fact]
    public void CurrentDeadline_FollowsTheStage_AndOnTimeIsJudgedAtReportBack()
    {
        var r = Open();
        Assert.Equal(r.VerifyDueAt, r.CurrentDueAt);
        r.Verify(HousingHandler, Now, true, "属实");
        Assert.Equal(r.RectifyDueAt, r.CurrentDueAt);
        r.Classify(HousingHandler, RectificationKind.RegisterAndFix, Now, "复杂");
        r.RecordAction(HousingHandler, Now, "台账", "[]");
        Assert.Null(r.RectifiedOnTime);
        r.ReportBackToCitizen(HousingHandler, r.RectifyDueAt.Plus(Duration.FromMinutes(1)), "晚了", Now);
        Assert.False(r.RectifiedOnTime);
    }

    [Fact]
    public void CentreAnsweredTickets_AreRectifiedByTheCentresStaff()
    {
        var r = RectificationRecord.Open(Guid.NewGuid(), new TicketId(Guid.NewGuid()), "ABC", null, Now, Now, Now);
        Assert.IsType<NotPermitted>(r.Verify(HousingHandler, Now, true, "x"));
        Assert.Null(r.Verify(Actor.Staff("a", "王芳", StaffRole.Agent), Now, true, "x"));
    }

    [Fact]
    public void Deadlines_SkipTheNationalDayHoliday_AndCountItsMakeUpSaturday()
    {
        var zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        var calendar = new WorkingDayCalendar(NoticeJson.BuiltIn());
        var ratedAt = new LocalDateTime(2026, 9, 30, 10, 0).InZoneStrictly(zone).ToInstant();
        Assert.Equal(new LocalDateTime(2026, 10, 9, 0, 0).InZoneStrictly(zone).ToInstant(),
            RectificationDeadlines.EndOfWorkingDays(calendar, zone, DayCounting.ExcludeStartDay, ratedAt, 1));
        Assert.Equal(new LocalDateTime(2026, 10, 28, 0, 0).InZoneStrictly(zone).ToInstant(),
            RectificationDeadlines.EndOfWorkingDays(calendar, zone, DayCounting.ExcludeStartDay, ratedAt, 15));
    }

    [Fact]
    public void CallbackSample_IsDeterministic_AndHoldsItsShare()
    {
        var ids = Enumerable.Range(0, 20_000).Select(i => new Guid(i, 7, 7, [1, 2, 3, 4, 5, 6, 7, 8])).ToList();
        var sampled = ids.Count(id => CallbackPlanner.InSample(id, 0.2));
        Assert.InRange(sampled, 3_700, 4_300);
        Assert.All(ids.Take(200), id => Assert.Equal(CallbackPlanner.InSample(id, 0.2), CallbackPlanner.InSample(id, 0.2)));
        Assert.DoesNotContain(ids, id => CallbackPlanner.InSample(id, 0));
        Assert.All(ids.Take(100), id => Assert.True(CallbackPlanner.InSample(id, 1)));
    }

    private static RectificationRecord Open() => RectificationRecord.Open(Guid.NewGuid(), new TicketId(Guid.NewGuid()), "ABCDEFGHJK",
        Housing, Now, Now.Plus(Duration.FromDays(1)), Now.Plus(Duration.FromDays(20)));
}
