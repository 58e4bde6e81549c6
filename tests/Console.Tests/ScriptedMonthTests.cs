using System.Text.Json.Nodes;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Feedback.Ratings;
using Hotline.Routing.Tickets;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests;

/// <summary>
/// Issue 5's scripted month: tickets across departments from 22 September to the end of October 2026, with 中秋 (09-25..27) and
/// 国庆 (10-01..07) in between; ratings of every level; bad reviews rectified on time, late and appealed; callbacks reached and
/// not. Every indicator of both months is compared with the value worked out by hand in the comments.
/// </summary>
public sealed class ScriptedMonthTests : HostTest
{
    protected override TestClock StartClock => new(TestClock.Shanghai(2026, 9, 22, 10));

    private async Task<(string Id, string Phone)> TicketAsync(HttpClient dispatcher, string phone, string type, string department)
    {
        var (id, _) = await SubmitAsync($"诉求内容（{phone}）：小区设施损坏，请尽快处理。", phone: phone, type: type);
        await dispatcher.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = department, categoryId = "urban-construction" });
        return (id, "+86" + phone);
    }

    private async Task<RatingReceipt> RateAsync((string Id, string Phone) ticket, int level)
    {
        using var scope = Host.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<RatingService>().SubmitAsync(new TicketId(Guid.Parse(ticket.Id)),
            new RatingInput(level), new Rater.ByPhone(ticket.Phone, RatingChannel.Sms), CancellationToken.None);
        Assert.Null(result.Error);
        return result.Value!;
    }

    private void At(int month, int day, int hour) => Host.Clock.Set(TestClock.Shanghai(2026, month, day, hour));

    private static (int Met, int Counted) F(JsonNode line, string metric) =>
        (line["figures"]![metric]!["met"]!.GetValue<int>(), line["figures"]![metric]!["counted"]!.GetValue<int>());

    [Fact]
    public async Task EveryIndicator_OfTwoMonths_EqualsTheValueWorkedOutByHand()
    {
        var dispatcher = await Host.SignInAsync("dispatcher");
        var housing = await Host.SignInAsync("housing");
        var agent = await Host.SignInAsync("agent");
        var supervisor = await Host.SignInAsync("supervisor");

        // Tue 09-22 10:00. A, B, C are consultations (reply within 2 working days: due 09-25 00:00); D, E, F complaints
        // (15 working days from receipt, skipping both holidays and counting the make-up Saturday 10-10: due 10-21 00:00).
        var a = await TicketAsync(dispatcher, "13800000001", "咨询", "city-housing");
        var b = await TicketAsync(dispatcher, "13800000002", "咨询", "city-housing");
        var c = await TicketAsync(dispatcher, "13800000003", "咨询", "city-housing");
        var d = await TicketAsync(dispatcher, "13800000004", "投诉", "city-housing");
        var e = await TicketAsync(dispatcher, "13800000005", "投诉", "city-housing");
        var f = await TicketAsync(dispatcher, "13800000006", "投诉", "city-housing");
        Assert.Equal("2026-10-21T00:00:00+08:00", (await housing.GetOkAsync($"/api/tickets/{d.Id}"))["replyDeadline"]!.Str("due"));
        At(9, 22, 11);
        foreach (var t in new[] { a, b, c, d, e, f })
        {
            await housing.PostOkAsync($"/api/tickets/{t.Id}/sign", new { });
        }
        At(9, 23, 10);
        foreach (var t in new[] { a, b, d, e, f })
        {
            await housing.PostOkAsync($"/api/tickets/{t.Id}/reply", new { reply = "已处理。" });
        }
        At(9, 28, 10); // C's reply is late: it was due 09-25 00:00
        await housing.PostOkAsync($"/api/tickets/{c.Id}/reply", new { reply = "已处理。" });

        // Wed 09-30 09:00: ratings of every level. D (2), E (1) and F (1) are bad reviews with rectifications due 10-28 00:00.
        At(9, 30, 9);
        await RateAsync(a, 5);
        await RateAsync(b, 4);
        await RateAsync(c, 3);
        var dBad = await RateAsync(d, 2);
        var eBad = await RateAsync(e, 1);
        var fBad = await RateAsync(f, 1);
        Assert.Equal("2026-10-28T00:00:00+08:00", (await housing.GetOkAsync($"/api/feedback/rectifications/{dBad.RectificationId}")).Str("rectifyDue"));

        // 09-30 10:00: G to housing, H to environment, just before 国庆: sign due 10-09 00:00 (10-08 is the first working day).
        At(9, 30, 10);
        var g = await TicketAsync(dispatcher, "13800000007", "投诉", "city-housing");
        var h = await TicketAsync(dispatcher, "13800000008", "投诉", "city-environment");
        Assert.Equal("2026-10-09T00:00:00+08:00", (await housing.GetOkAsync($"/api/tickets/{g.Id}"))["signDeadline"]!.Str("due"));

        // Real-name bad reviews are owed a callback: D's citizen is reached (and says it is solved), E's never.
        At(9, 30, 11);
        var queue = (await agent.GetOkAsync("/api/feedback/callbacks")).AsArray().Select(n => n!).Where(n => n.Str("reason") == "RealNameBadReview").ToList();
        string Task(string id) => queue.Single(q => q.Str("ticketId") == id).Str("id");
        await agent.PostOkAsync($"/api/feedback/callbacks/{Task(d.Id)}/outcome", new { reached = true, solved = true, satisfaction = 3, notes = "已致歉并说明" });
        for (var i = 0; i < 3; i++)
        {
            await agent.PostOkAsync($"/api/feedback/callbacks/{Task(e.Id)}/outcome", new { reached = false, notes = "无人接听" });
        }
        Assert.Equal("Unreachable", (await agent.GetOkAsync("/api/feedback/callbacks?status=Unreachable")).AsArray()
            .Single(n => n!.Str("id") == Task(e.Id))!.Str("status"));

        // F's bad review is appealed and upheld: it leaves the figures and counts as an upheld appeal.
        At(9, 30, 12);
        var filed = await housing.PostOkAsync($"/api/feedback/ratings/{fBad.RatingId}/appeals",
            new { ground = "误评", statement = "市民来电说明按错了键。", evidence = new[] { "通话录音 REC-9" } });
        await supervisor.PostOkAsync($"/api/feedback/appeals/{filed.Str("id")}/decision", new { uphold = true, reason = "录音证实系误评。" });

        // Thu 10-08 15:00: housing signs G in time across the holiday; environment never signs H.
        At(10, 8, 15);
        await housing.PostOkAsync($"/api/tickets/{g.Id}/sign", new { });
        foreach (var (rating, reportDay) in new[] { (dBad, 20), (eBad, 29) })
        {
            var path = $"/api/feedback/rectifications/{rating.RectificationId}";
            At(10, 8, 16);
            await housing.PostOkAsync($"{path}/verify", new { reached = true, note = "已联系市民。" });
            await housing.PostOkAsync($"{path}/classify", new { kind = "立行立改", note = "诉求合理。" });
            await housing.PostOkAsync($"{path}/record", new { action = "已维修。", evidence = new[] { "派工单" } });
            At(10, reportDay, 10); // D reports back 10-20 (in time), E 10-29 (after 10-28 00:00)
            await housing.PostOkAsync($"{path}/report-back", new { text = "已维修完毕。" });
        }

        At(11, 2, 10);
        var september = (await supervisor.GetOkAsync("/api/assessment?period=month&date=2026-09-15"))["departments"]!.AsArray()
            .ToDictionary(n => n!.Str("id"), n => n!);
        var october = (await supervisor.GetOkAsync("/api/assessment?period=month&date=2026-10-15"))["departments"]!.AsArray()
            .ToDictionary(n => n!.Str("id"), n => n!);

        var hs = september["city-housing"];
        Assert.Equal((7, 7), F(hs, "responseRate"));             // A–G assigned in September, all signed in time (G on 10-08)
        Assert.Equal((6, 6), F(hs, "onTimeSignRate"));           // A–F signed in September; G's signature is October's
        Assert.Equal((2, 3), F(hs, "onTimeCompletionRate"));     // due in September: A, B in time, C late
        Assert.Equal((3, 5), F(hs, "satisfactionRate"));         // 5, 4, 3 of 5, 4, 3, 2, 1 (F's appealed 1 left out)
        Assert.Equal([1, 1, 1, 1, 1], Enumerable.Range(1, 5).Select(l => hs["ratingsByLevel"]![l.ToString(System.Globalization.CultureInfo.InvariantCulture)]!.GetValue<int>()));
        Assert.Equal((2, 2), F(hs, "badReviews"));               // D and E
        Assert.Equal((1, 1), F(hs, "appealsUpheld"));            // F
        Assert.Equal((1, 2), F(hs, "realNameCallbackRate"));     // D reached, E unreachable
        Assert.Equal((1, 1), F(hs, "solutionRate"));             // D's callback: solved
        Assert.Equal((0, 7), F(hs, "returnRate"));
        Assert.Equal((0, 7), F(hs, "repeatRate"));               // seven different callers
        Assert.Equal((0, 0), F(hs, "rectifiedOnTime"));          // all due in October
        Assert.Equal((0, 0), F(hs, "firstContactResolutionRate")); // nothing closed
        // Score: response 10 %, solution 45 %, satisfaction 45 %: 100 × (0.1 × 1 + 0.45 × 1 + 0.45 × 0.6) = 82.
        Assert.Equal(82, hs["score"]!.GetValue<double>());

        var ho = october["city-housing"];
        Assert.Equal((0, 0), F(ho, "responseRate"));             // nothing assigned in October
        Assert.Equal((1, 1), F(ho, "onTimeSignRate"));           // G, on 10-08, before 10-09 00:00
        Assert.Equal((3, 4), F(ho, "onTimeCompletionRate"));     // due in October: D, E, F in time; G (due 10-28) never replied
        Assert.Equal((1, 2), F(ho, "rectifiedOnTime"));          // D in time, E late; F's was closed by the upheld appeal
        Assert.Equal((0, 0), F(ho, "satisfactionRate"));
        Assert.Equal(82, ho["previousScore"]!.GetValue<double>());

        Assert.Equal((0, 1), F(september["city-environment"], "responseRate")); // H: its sign deadline passed unsigned
        Assert.Equal((7, 8), F(september["centre"], "responseRate"));           // the centre's line holds every department

        // Callback figures of September: the three real-name bad reviews were owed a call — D reached and solved (satisfaction
        // 3), E unreachable after three tries, F still waiting (its appeal does not cancel the call).
        var calls = (await supervisor.GetOkAsync("/api/feedback/callbacks/figures?period=month&date=2026-09-15"))["all"]!;
        Assert.Equal((3, 1, 1, 1, 1), (calls["queued"]!.GetValue<int>(), calls["reached"]!.GetValue<int>(), calls["notReached"]!.GetValue<int>(),
            calls["pending"]!.GetValue<int>(), calls["solved"]!.GetValue<int>()));
        Assert.Equal(3, calls["averageSatisfaction"]!.GetValue<double>());
        await (await housing.GetAsync("/api/feedback/callbacks/figures")).ProblemAsync(System.Net.HttpStatusCode.Forbidden);

        // The public summary of September says the same, without a ticket or a citizen in it.
        var summary = await Host.Anonymous().GetOkAsync("/api/public/summary?period=month&date=2026-09-01");
        var line = summary["departments"]!.AsArray().Single(n => n!.Str("department") == "市住房和城乡建设局")!;
        Assert.Equal(7, line["assigned"]!.GetValue<int>());
        Assert.Equal(5, line["ratings"]!.GetValue<int>());
        Assert.Equal(0.6, line["satisfactionRate"]!.GetValue<double>());
        Assert.Equal(2, line["badReviews"]!.GetValue<int>());
        Assert.DoesNotContain("1380000", summary.ToJsonString(), StringComparison.Ordinal);
        await (await Host.Anonymous().GetAsync("/api/public/summary?period=month&date=2026-11-01")).ProblemAsync(System.Net.HttpStatusCode.UnprocessableEntity);
    }
}
