using System.Net;
using System.Text;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Feedback.Ratings;
using Hotline.Routing.Tickets;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Hotline.Console.Tests;

/// <summary>A scripted fortnight of tickets across departments, and the assessment supervisors and departments read from it.</summary>
public sealed class AssessmentTests : HostTest
{
    // Monday 2026-11-02, 09:00 in Beijing: no holiday in November, so one working day to sign is the next day.
    protected override TestClock StartClock => new(TestClock.Shanghai(2026, 11, 2, 9));

    private async Task<RatingReceipt> RateAsync(string id, int level, string phone = "+8613812345678")
    {
        using var scope = Host.Services.CreateScope();
        var ratings = scope.ServiceProvider.GetRequiredService<RatingService>();
        var result = await ratings.SubmitAsync(new TicketId(Guid.Parse(id)), new RatingInput(level), new Rater.ByPhone(phone, RatingChannel.Sms),
            CancellationToken.None);
        Assert.Null(result.Error);
        return result.Value!;
    }

    private static Dictionary<string, System.Text.Json.Nodes.JsonNode> Lines(System.Text.Json.Nodes.JsonNode report) =>
        report["departments"]!.AsArray().ToDictionary(d => d!.Str("id"), d => d!);

    private static (int Met, int Counted) Figure(System.Text.Json.Nodes.JsonNode line, string metric) =>
        (line["figures"]![metric]!["met"]!.GetValue<int>(), line["figures"]![metric]!["counted"]!.GetValue<int>());

    [Fact]
    public async Task AFortnightOfTickets_GivesEachDepartmentItsFigures_RolledUp_Scored_DrillableAndExportable()
    {
        var agent = await Host.SignInAsync("agent");
        var dispatcher = await Host.SignInAsync("dispatcher");
        var housing = await Host.SignInAsync("housing");
        var environment = await CreateDepartmentHandlerAsync("environment", "city-environment");
        var donghu = await CreateDepartmentHandlerAsync("donghu", "donghu-office");

        // 1. Housing signs in time, replies, the citizen is satisfied and rates it 5.
        var (good, _) = await SubmitAsync();
        await agent.PostOkAsync($"/api/tickets/{good}/dispatch", new { leadDepartmentId = "city-housing", categoryId = "urban-construction" });
        Host.Clock.Advance(Duration.FromHours(2));
        await housing.PostOkAsync($"/api/tickets/{good}/sign", new { });
        await housing.PostOkAsync($"/api/tickets/{good}/reply", new { reply = "已修复。" });
        await agent.PostOkAsync($"/api/tickets/{good}/callback", new { reached = true, solved = true, satisfaction = 5 });
        await RateAsync(good, 5);
        await agent.PostOkAsync($"/api/tickets/{good}/close", new { });

        // 2. Housing signs two days late, the callback finds it unsolved, it is re-handled, then closed; rated 2 (a bad review).
        var (late, _) = await SubmitAsync("楼道灯坏了一个月没人修。", phone: "13912345678");
        await agent.PostOkAsync($"/api/tickets/{late}/dispatch", new { leadDepartmentId = "city-housing", categoryId = "urban-construction" });
        Host.Clock.Advance(Duration.FromDays(2));
        await housing.PostOkAsync($"/api/tickets/{late}/sign", new { });
        await housing.PostOkAsync($"/api/tickets/{late}/reply", new { reply = "已安排。" });
        await agent.PostOkAsync($"/api/tickets/{late}/callback", new { reached = true, solved = false, satisfaction = 2 });
        await agent.PostOkAsync($"/api/tickets/{late}/rehandle", new { reason = "市民反映灯仍未修好" });
        await housing.PostOkAsync($"/api/tickets/{late}/sign", new { });
        await housing.PostOkAsync($"/api/tickets/{late}/reply", new { reply = "已更换灯具。" });
        await agent.PostOkAsync($"/api/tickets/{late}/callback", new { reached = true, solved = true, satisfaction = 3 });
        var bad = await RateAsync(late, 2, "+8613912345678");
        await agent.PostOkAsync($"/api/tickets/{late}/close", new { });
        // The bad review is rectified in time, and the real-name rater is called back.
        var rectification = $"/api/feedback/rectifications/{bad.RectificationId}";
        await housing.PostOkAsync($"{rectification}/verify", new { reached = true, note = "已联系市民。" });
        await housing.PostOkAsync($"{rectification}/classify", new { kind = "立行立改", note = "诉求合理。" });
        await housing.PostOkAsync($"{rectification}/record", new { action = "已更换全部楼道灯。", evidence = new[] { "派工单 1105-02" } });
        await housing.PostOkAsync($"{rectification}/report-back", new { text = "楼道灯已全部更换。" });
        // Until the owed callback is made, the real-name callback rate has nothing to judge (not a miss).
        var pending = Lines(await (await Host.SignInAsync("supervisor")).GetOkAsync("/api/assessment?period=month&date=2026-11-10"))["city-housing"];
        Assert.Equal((0, 0), Figure(pending, "realNameCallbackRate"));
        var owed = (await agent.GetOkAsync("/api/feedback/callbacks")).AsArray().Single(t => t!.Str("reason") == "RealNameBadReview")!;
        await agent.PostOkAsync($"/api/feedback/callbacks/{owed.Str("id")}/outcome", new { reached = true, solved = true, satisfaction = 3, notes = "已致歉" });

        // 3. Misrouted to environment, returned in time, approved, redispatched to housing, which signs in time.
        var (misrouted, _) = await SubmitAsync("小区内有商户夜间施工噪音扰民。", phone: "13700000001");
        await dispatcher.PostOkAsync($"/api/tickets/{misrouted}/dispatch", new { leadDepartmentId = "city-environment" });
        await environment.PostOkAsync($"/api/tickets/{misrouted}/return", new { reason = "属于建筑施工管理" });
        await dispatcher.PostOkAsync($"/api/tickets/{misrouted}/return-review", new { approve = true, note = "改派住建局" });
        await dispatcher.PostOkAsync($"/api/tickets/{misrouted}/dispatch", new { leadDepartmentId = "city-housing" });
        await housing.PostOkAsync($"/api/tickets/{misrouted}/sign", new { });

        // 4. A street office signs in time and replies; its district sees it in its own line.
        var (street, _) = await SubmitAsync("东湖街道菜市场门口占道经营。", phone: "13700000002");
        await dispatcher.PostOkAsync($"/api/tickets/{street}/dispatch", new { leadDepartmentId = "donghu-office", categoryId = "urban-construction" });
        await donghu.PostOkAsync($"/api/tickets/{street}/sign", new { });
        await donghu.PostOkAsync($"/api/tickets/{street}/reply", new { reply = "已劝离。" });

        // 5. The same caller about the same category a second time within the window: a repeated request.
        var (again, _) = await SubmitAsync("楼道灯又坏了。", phone: "13912345678");
        await agent.PostOkAsync($"/api/tickets/{again}/dispatch", new { leadDepartmentId = "city-housing", categoryId = "urban-construction" });

        Host.Clock.Advance(Duration.FromDays(3)); // the last dispatch's sign deadline passes unsigned: a missed response
        var supervisor = await Host.SignInAsync("supervisor");
        var report = await supervisor.GetOkAsync("/api/assessment?period=month&date=2026-11-10");
        Assert.Equal("2026-11-01", report["period"]!.Str("from"));
        Assert.Equal("2026-11-30", report["period"]!.Str("to"));
        Assert.Equal("2026-10-01", report["previous"]!.Str("from"));
        var lines = Lines(report);

        var h = lines["city-housing"];
        // Response: good, late (first), late's re-handling, the redispatched one, and "again" (unsigned past its deadline).
        Assert.Equal((3, 5), Figure(h, "responseRate"));
        Assert.Equal((3, 4), Figure(h, "onTimeSignRate"));
        Assert.Equal((2, 3), Figure(h, "solutionRate"));             // good; late unsolved, then solved after 重办
        Assert.Equal((1, 2), Figure(h, "firstContactResolutionRate")); // late was closed only after re-handling
        Assert.Equal((3, 3), Figure(h, "onTimeCompletionRate"));       // the open ones are not due yet
        Assert.Equal((1, 2), Figure(h, "satisfactionRate"));
        Assert.Equal((1, 1), Figure(h, "badReviews"));
        Assert.Equal((1, 4), Figure(h, "repeatRate"));
        Assert.Equal((1, 1), Figure(h, "rectifiedOnTime"));
        Assert.Equal((1, 1), Figure(h, "realNameCallbackRate"));
        Assert.Equal(new[] { 0, 1, 0, 0, 1 }, Enumerable.Range(1, 5).Select(l => h["ratingsByLevel"]![l.ToString(System.Globalization.CultureInfo.InvariantCulture)]!.GetValue<int>()));

        var env = lines["city-environment"];
        Assert.Equal((1, 1), Figure(env, "returnRate"));
        Assert.Equal((1, 1), Figure(env, "responseRate"));

        // The district's line includes its street; the centre's includes everyone.
        Assert.Equal((1, 1), Figure(lines["donghu-office"], "responseRate"));
        Assert.Equal((1, 1), Figure(lines["chengdong-gov"], "responseRate"));
        Assert.True(lines["chengdong-gov"]["includesSubordinates"]!.GetValue<bool>());
        Assert.Equal((5, 7), Figure(lines["centre"], "responseRate"));

        // Scores: response 10 %, solution and satisfaction 45 % each, over the rates that have something to count.
        Assert.Equal(Math.Round(100 * (0.1 * 3 / 5 + 0.45 * 2 / 3 + 0.45 * 1 / 2), 2), h["score"]!.GetValue<double>());
        Assert.Equal(100, env["score"]!.GetValue<double>()); // only its response counts so far
        // Functional departments are ranked among themselves; those with nothing to count are not ranked.
        Assert.Equal((1, 2), (env["rank"]!.GetValue<int>(), env["rankedAmong"]!.GetValue<int>()));
        Assert.Equal((2, 2), (h["rank"]!.GetValue<int>(), h["rankedAmong"]!.GetValue<int>()));
        Assert.Null(lines["city-transport"]["rank"]);
        Assert.Null(h["previousScore"]); // nothing happened in October

        // Drill down: the missed responses are the late one and the unsigned one.
        var missed = await supervisor.GetOkAsync("/api/assessment/tickets?department=city-housing&metric=responseRate&outcome=missed&period=month&date=2026-11-10");
        Assert.Equal(new[] { late, again }.Order(), missed["tickets"]!.AsArray().Select(t => t!.Str("id")).Order());
        Assert.Equal(2, missed["total"]!.GetValue<int>());
        Assert.DoesNotContain("12345678", missed.ToJsonString(), StringComparison.Ordinal); // no phone numbers in a drill-down

        // Export: CSV with a BOM and Chinese headers; the housing line carries its response rate.
        var csv = await supervisor.GetAsync("/api/assessment/export?format=csv&period=month&date=2026-11-10");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Contains("响应率(%)", text);
        Assert.Contains(text.Split("\r\n"), l => l.StartsWith("city-housing,市住房和城乡建设局,", StringComparison.Ordinal) && l.Contains(",60,3,5,", StringComparison.Ordinal));
        var json = await supervisor.GetOkAsync("/api/assessment/export?format=json&period=month&date=2026-11-10");
        Assert.Equal(report["departments"]!.AsArray().Count, json["departments"]!.AsArray().Count);

        // A department sees its own line only; a street office's district sees itself and its streets.
        var own = Lines(await housing.GetOkAsync("/api/assessment?period=month&date=2026-11-10"));
        Assert.Equal(["city-housing"], own.Keys);
        await (await housing.GetAsync("/api/assessment/tickets?department=city-environment&metric=returnRate&period=month&date=2026-11-10"))
            .ProblemAsync(HttpStatusCode.NotFound);
        await (await agent.GetAsync("/api/assessment")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task BadQueries_AreRefusedInChinese()
    {
        var supervisor = await Host.SignInAsync("supervisor");
        foreach (var query in new[] { "period=year", "date=2026-02-30", "from=2026-11-10&to=2026-11-01", "from=2020-01-01&to=2026-01-01", "from=2026-11-01",
            "period=day&date=9999-12-31", "period=quarter&date=0001-01-01", "from=9999-12-31&to=9999-12-31" })
        {
            var problem = await (await supervisor.GetAsync($"/api/assessment?{query}")).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(Api.IsChinese(problem["errors"]!.AsObject().First().Value![0]!.GetValue<string>()), query);
        }
        await (await supervisor.GetAsync("/api/assessment/tickets?department=city-housing&metric=happiness")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await supervisor.GetAsync("/api/assessment/tickets?department=city-housing&metric=responseRate&outcome=maybe")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await supervisor.GetAsync("/api/assessment/tickets?department=nowhere&metric=responseRate")).ProblemAsync(HttpStatusCode.NotFound);
        await (await supervisor.GetAsync("/api/assessment/export?format=xlsx")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await supervisor.GetAsync("/api/feedback/callbacks/figures?period=day&date=9999-12-31")).ProblemAsync(HttpStatusCode.BadRequest);

        // The anonymous public summary computes only finished months and quarters of the last three years.
        var anonymous = Host.Anonymous();
        foreach (var query in new[] { "date=9999-12-15", "date=2010-01-01", "period=week", "date=2099-01-01" })
        {
            var status = query == "date=2099-01-01" ? HttpStatusCode.UnprocessableEntity : HttpStatusCode.BadRequest;
            await (await anonymous.GetAsync($"/api/public/summary?{query}")).ProblemAsync(status);
        }
    }
}
