using System.Net;
using System.Net.Http.Json;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Routing.Supervision;

namespace Hotline.Console.Tests;

public sealed class DeadlineTests : HostTest
{
    // Friday 2026-02-13, the last working day but one before the nine-day Spring Festival.
    protected override TestClock StartClock => new(TestClock.Shanghai(2026, 2, 13, 16));

    [Fact]
    public async Task OverdueSignAndReply_AreMarkedExactlyOnce_AndListedForSupervisors()
    {
        var (id, _) = await SubmitAsync("咨询社保转移手续。", type: "咨询");
        var agent = await Host.SignInAsync("agent");
        var supervisor = await Host.SignInAsync("supervisor");
        var dispatched = await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
        // Sign within 1 working day: Saturday 02-14 is a make-up working day.
        Assert.Equal("2026-02-15T00:00:00+08:00", dispatched["signDeadline"]!.Str("due"));
        // Consultation: 2 working days: 02-14, then nothing until 02-24.
        Assert.Equal("2026-02-25T00:00:00+08:00", dispatched["replyDeadline"]!.Str("due"));

        var monitor = Host.Get<OverdueMonitor>();
        Assert.Equal(0, await monitor.CheckOnceAsync(CancellationToken.None));

        Host.Clock.Set(TestClock.Shanghai(2026, 2, 16, 9));
        Assert.Equal(1, await monitor.CheckOnceAsync(CancellationToken.None));
        Assert.Equal(0, await monitor.CheckOnceAsync(CancellationToken.None));
        var overdue = await supervisor.GetOkAsync("/api/tickets?overdue=true");
        Assert.Equal(id, overdue["items"]![0]!.Str("id"));
        Assert.Equal("overdue", overdue["items"]![0]!["signDeadline"]!.Str("status"));

        Host.Clock.Set(TestClock.Shanghai(2026, 2, 25, 9));
        Assert.Equal(1, await monitor.CheckOnceAsync(CancellationToken.None));
        Assert.Equal(0, await monitor.CheckOnceAsync(CancellationToken.None));

        var kinds = Kinds(await TimelineAsync(agent, id));
        Assert.Single(kinds, k => k == "SignOverdue");
        Assert.Single(kinds, k => k == "ReplyOverdue");
    }

    [Fact]
    public async Task AnActionDecidedJustBeforeAnOverdueMark_StillApplies_ButNotOneDecidedBeforeAnotherPersonsChange()
    {
        var (id, _) = await SubmitAsync("咨询社保转移手续。", type: "咨询");
        var agent = await Host.SignInAsync("agent");
        var housing = await Host.SignInAsync("housing");
        var supervisor = await Host.SignInAsync("supervisor");
        var seen = (await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" }))["version"]!.GetValue<int>();

        // The department opened the ticket before its deadlines; the overdue job marks the missed sign deadline, and on a later
        // pass the missed reply deadline, before the click arrives.
        var monitor = Host.Get<OverdueMonitor>();
        Host.Clock.Set(TestClock.Shanghai(2026, 2, 16, 9));
        Assert.Equal(1, await monitor.CheckOnceAsync(CancellationToken.None));
        Host.Clock.Set(TestClock.Shanghai(2026, 2, 25, 9));
        Assert.Equal(1, await monitor.CheckOnceAsync(CancellationToken.None));
        var signed = await housing.PostOkAsync($"/api/tickets/{id}/sign", new { version = seen });
        Assert.Equal("Signed", signed.Str("state"));
        Assert.Equal(seen + 3, signed["version"]!.GetValue<int>());
        Assert.Equal(["SignOverdue", "ReplyOverdue", "Signed"], Kinds(await TimelineAsync(agent, id)).TakeLast(3));

        seen = signed["version"]!.GetValue<int>();
        var urged = await supervisor.PostOkAsync($"/api/tickets/{id}/urge", new { message = "请尽快答复。", version = seen });

        // A person's change is still a conflict: the reply was written on the view before the supervisor's urge.
        var stale = await housing.PostAsJsonAsync($"/api/tickets/{id}/reply", new { reply = "已办理。", version = seen });
        await stale.ProblemAsync(HttpStatusCode.Conflict);
        var current = urged["version"]!.GetValue<int>();
        Assert.Equal("Replied", (await housing.PostOkAsync($"/api/tickets/{id}/reply", new { reply = "已办理。", version = current })).Str("state"));
    }

    [Fact]
    public async Task EmergencyTicket_MustBeSignedWithin15Minutes_EvenOnAHoliday()
    {
        Host.Clock.Set(TestClock.Shanghai(2026, 2, 17, 3)); // 正月初一, 03:00
        var agent = await Host.SignInAsync("agent");
        var created = await agent.PostOkAsync("/api/tickets", new { content = "供水主管爆裂，路面大量积水", phone = "13800001111", type = "求助", urgency = "Emergency" });
        var dispatched = await agent.PostOkAsync($"/api/tickets/{created.Str("id")}/dispatch", new { leadDepartmentId = "city-water" });
        Assert.Equal("2026-02-17T03:15:00+08:00", dispatched["signDeadline"]!.Str("due"));
        Assert.Equal("2026-02-17T05:00:00+08:00", dispatched["replyDeadline"]!.Str("due"));
    }

    [Fact]
    public async Task DeadlineInAYearWithoutNotice_IsRefusedLoudly_AndNothingIsWritten()
    {
        Host.Clock.Set(TestClock.Shanghai(2026, 12, 20, 10));
        var (id, _) = await SubmitAsync();
        var agent = await Host.SignInAsync("agent");
        var before = await CountRowsAsync();
        var response = await agent.PostAsJsonAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
        var problem = await response.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("2027", problem.Str("detail"));
        Assert.Equal(before, await CountRowsAsync());
        Assert.Equal("PendingDispatch", (await agent.GetOkAsync($"/api/tickets/{id}"))!.Str("state"));

        // Once an admin records the 2027 notice, the same dispatch works.
        var admin = await Host.SignInAsync("admin");
        var notice = new
        {
            year = 2027,
            title = "国务院办公厅关于2027年部分节假日安排的通知",
            source = "测试用",
            holidays = new[] { new { name = "元旦", from = "2027-01-01", to = "2027-01-03" } },
            workingWeekendDays = Array.Empty<string>(),
        };
        var put = await admin.PutAsJsonAsync("/api/admin/calendar/2027", notice);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var dispatched = await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
        // 15 working days from Sunday 12-20: 12-21 … 12-31 is 9, 01-01 is off, 01-04 … 01-11 gives 6 more.
        Assert.Equal("2027-01-12T00:00:00+08:00", dispatched["replyDeadline"]!.Str("due"));
    }

    [Fact]
    public async Task CalendarQueries_AnswerFromTheNotices()
    {
        var agent = await Host.SignInAsync("agent");
        Assert.True((await agent.GetOkAsync("/api/calendar/working-day?date=2026-02-28"))["isWorkingDay"]!.GetValue<bool>());
        Assert.False((await agent.GetOkAsync("/api/calendar/working-day?date=2026-02-16"))["isWorkingDay"]!.GetValue<bool>());
        Assert.Equal("2025-10-23", (await agent.GetOkAsync("/api/calendar/add-working-days?from=2025-09-26&days=15")).Str("due"));
        await (await agent.GetAsync("/api/calendar/working-day?date=2027-03-01")).ProblemAsync(HttpStatusCode.ServiceUnavailable);
        await (await agent.GetAsync("/api/calendar/working-day?date=tomorrow")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task HolidayNotice_WithErrors_IsRefused_AndOnlyAdminsMayRecordOne()
    {
        var admin = await Host.SignInAsync("admin");
        var bad = new
        {
            year = 2027,
            title = "通知",
            holidays = new[] { new { name = "春节", from = "2027-02-12", to = "2027-02-05" } },
            workingWeekendDays = new[] { "2027-02-03" }, // a Wednesday
        };
        var problem = await (await admin.PutAsJsonAsync("/api/admin/calendar/2027", bad)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["holidays"]);
        Assert.NotNull(problem["errors"]!["workingWeekendDays"]);
        var mismatch = await admin.PutAsJsonAsync("/api/admin/calendar/2028", new { year = 2027, title = "x", holidays = Array.Empty<object>(), workingWeekendDays = Array.Empty<string>() });
        await mismatch.ProblemAsync(HttpStatusCode.BadRequest);
        var supervisor = await Host.SignInAsync("supervisor");
        await (await supervisor.PutAsJsonAsync("/api/admin/calendar/2027", bad)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await supervisor.GetAsync("/api/calendar/working-day?date=2027-01-04")).ProblemAsync(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task ReturnWindow_ClosesAfterTwoWorkingDays()
    {
        var (id, _) = await SubmitAsync();
        var agent = await Host.SignInAsync("agent");
        var housing = await Host.SignInAsync("housing");
        var dispatched = await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
        // Two working days from Friday 02-13: Saturday 02-14, then Tuesday 02-24 after the festival.
        Assert.Equal("2026-02-25T00:00:00+08:00", dispatched["returnDeadline"]!.Str("due"));
        Host.Clock.Set(TestClock.Shanghai(2026, 2, 25, 9));
        var late = await housing.PostAsJsonAsync($"/api/tickets/{id}/return", new { reason = "不属于本单位" });
        Assert.Contains("退单时限", (await late.ProblemAsync(HttpStatusCode.UnprocessableEntity)).Str("detail"));
    }

    [Fact]
    public async Task CalendarStatus_WarnsAdmins_WhenNextYearIsMissing()
    {
        Host.Clock.Set(TestClock.Shanghai(2026, 11, 22, 9));
        var admin = await Host.SignInAsync("admin");
        var status = await admin.GetOkAsync("/api/admin/calendar/status");
        Assert.Equal(2026, status["year"]!.GetValue<int>());
        Assert.True(status["currentYear"]!.GetValue<bool>());
        Assert.False(status["nextYear"]!.GetValue<bool>());
        Assert.Contains("2027", status.Str("warning"));
    }
}
