using System.Net;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Feedback.Ratings;
using Hotline.Routing.Tickets;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests;

/// <summary>
/// The list filters the supervisor's pages read: urged tickets and pending extension requests (超时与催办), and ratings by level,
/// round and period (the dashboard's drill-down from a rating figure).
/// </summary>
public sealed class SupervisionListTests : HostTest
{
    // Monday 2026-11-02 09:00 in Beijing; no holiday in November.
    protected override TestClock StartClock => new(TestClock.Shanghai(2026, 11, 2, 9));

    private static string[] Ids(System.Text.Json.Nodes.JsonNode page) => [.. page["items"]!.AsArray().Select(t => t!.Str("id"))];

    [Fact]
    public async Task Urged_and_extensionRequested_list_only_the_open_tickets_that_need_the_supervisor()
    {
        var agent = await Host.SignInAsync("agent");
        var housing = await Host.SignInAsync("housing");
        var supervisor = await Host.SignInAsync("supervisor");
        async Task<string> DispatchedAsync(string content, string phone)
        {
            var (id, _) = await SubmitAsync(content, phone);
            await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
            return id;
        }
        var urgedOpen = await DispatchedAsync("小区路灯不亮。", "13700000011");
        var urgedThenReplied = await DispatchedAsync("楼道堆放杂物。", "13700000012");
        var extension = await DispatchedAsync("电梯经常停运。", "13700000013");
        var plain = await DispatchedAsync("绿化带无人修剪。", "13700000014");

        await supervisor.PostOkAsync($"/api/tickets/{urgedOpen}/urge", new { message = "请今日内联系市民。" });
        await supervisor.PostOkAsync($"/api/tickets/{urgedThenReplied}/urge", new { message = "请尽快办理。" });
        await housing.PostOkAsync($"/api/tickets/{urgedThenReplied}/sign", new { });
        await housing.PostOkAsync($"/api/tickets/{urgedThenReplied}/reply", new { reply = "已清理。" });
        await housing.PostOkAsync($"/api/tickets/{extension}/sign", new { });
        await housing.PostOkAsync($"/api/tickets/{extension}/extension", new { days = 3, reason = "需厂家检修配件" });

        Assert.Equal([urgedOpen], Ids(await supervisor.GetOkAsync("/api/tickets?urged=true")));
        Assert.Equal([extension], Ids(await supervisor.GetOkAsync("/api/tickets?extensionRequested=true")));
        // Without the filters (or with false) nothing is held back.
        var all = Ids(await supervisor.GetOkAsync("/api/tickets?urged=false&extensionRequested=false"));
        Assert.Equal(4, all.Length);
        Assert.Contains(plain, all);

        // Approved, the request leaves the list.
        await supervisor.PostOkAsync($"/api/tickets/{extension}/extension-review", new { approve = true });
        Assert.Empty(Ids(await supervisor.GetOkAsync("/api/tickets?extensionRequested=true")));
    }

    [Fact]
    public async Task Ratings_filter_by_level_round_and_period_like_the_assessment_counts_them()
    {
        var agent = await Host.SignInAsync("agent");
        var housing = await Host.SignInAsync("housing");
        async Task<(string Id, RatingReceipt Receipt)> RatedAsync(string content, string phone, int level)
        {
            var (id, _) = await SubmitAsync(content, phone);
            await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
            await housing.PostOkAsync($"/api/tickets/{id}/sign", new { });
            await housing.PostOkAsync($"/api/tickets/{id}/reply", new { reply = "已处理。" });
            using var scope = Host.Services.CreateScope();
            var result = await scope.ServiceProvider.GetRequiredService<RatingService>().SubmitAsync(new TicketId(Guid.Parse(id)),
                new RatingInput(level), new Rater.ByPhone("+86" + phone, RatingChannel.Sms), CancellationToken.None);
            Assert.Null(result.Error);
            return (id, result.Value!);
        }

        Host.Clock.Set(TestClock.Shanghai(2026, 10, 30, 9));
        var (october, _) = await RatedAsync("十月的评价。", "13700000021", 4);
        Host.Clock.Set(TestClock.Shanghai(2026, 11, 30, 23, 59));
        var (novemberGood, _) = await RatedAsync("十一月的好评。", "13700000022", 5);
        var (novemberBad, _) = await RatedAsync("十一月的差评。", "13700000023", 2);
        Host.Clock.Set(TestClock.Shanghai(2026, 12, 1, 0, 1));
        var (december, _) = await RatedAsync("十二月的评价。", "13700000024", 2);

        var supervisor = await Host.SignInAsync("supervisor");
        static string[] Tickets(System.Text.Json.Nodes.JsonNode list) => [.. list.AsArray().Select(r => r!.Str("ticketId")).Order()];

        // The month of 30 November 23:59 (Beijing) holds both November ratings and not the one a few minutes later.
        string[] november = [.. new[] { novemberGood, novemberBad }.Order()];
        string[] bad = [.. new[] { novemberBad, december }.Order()];
        Assert.Equal(november, Tickets(await supervisor.GetOkAsync("/api/feedback/ratings?period=month&date=2026-11-15")));
        Assert.Equal([novemberBad], Tickets(await supervisor.GetOkAsync("/api/feedback/ratings?from=2026-11-01&to=2026-11-30&level=2&round=1")));
        Assert.Equal(bad, Tickets(await supervisor.GetOkAsync("/api/feedback/ratings?level=2")));
        Assert.Empty((await supervisor.GetOkAsync("/api/feedback/ratings?round=2")).AsArray());
        Assert.Equal([october], Tickets(await supervisor.GetOkAsync("/api/feedback/ratings?period=month&date=2026-10-01&round=1")));
        // The rating counts in the assessment's figure for the same period, so the drill-down and the chart agree.
        var report = await supervisor.GetOkAsync("/api/assessment?period=month&date=2026-11-15");
        var line = report["departments"]!.AsArray().Single(d => d!.Str("id") == "city-housing")!;
        Assert.Equal(1, line["ratingsByLevel"]!["2"]!.GetValue<int>());

        // Bad filters are refused in Chinese.
        foreach (var filter in new[] { "level=6", "round=3", "period=year", "from=2026-11-01", "date=2026-13-01" })
        {
            var problem = await (await supervisor.GetAsync($"/api/feedback/ratings?{filter}")).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(Api.IsChinese(problem["errors"]!.AsObject().First().Value![0]!.GetValue<string>()), filter);
        }
    }
}
