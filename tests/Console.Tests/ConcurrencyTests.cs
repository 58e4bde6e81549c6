using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests;

public sealed class ConcurrencyTests : HostTest
{
    [Fact]
    public async Task TwoHandlersSigningAtOnce_ExactlyOneWins_TheOtherGets409WithTheCurrentState()
    {
        var agent = await Host.SignInAsync("agent");
        var first = await Host.SignInAsync("housing");
        var second = await Host.SignInAsync("housing");
        for (var round = 0; round < 5; round++)
        {
            var (id, _) = await SubmitAsync($"第{round}个并发测试工单：路面塌陷。");
            await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });

            var responses = await Task.WhenAll(
                first.PostAsJsonAsync($"/api/tickets/{id}/sign", new { }),
                second.PostAsJsonAsync($"/api/tickets/{id}/sign", new { }));

            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
            var loser = Assert.Single(responses, r => r.StatusCode != HttpStatusCode.OK);
            var problem = await loser.ProblemAsync(HttpStatusCode.Conflict);
            // Either the writes collided (the current ticket comes back) or the loser arrived after the commit (its state is named).
            var state = problem["ticket"]?["state"]?.GetValue<string>() ?? problem.Str("currentState");
            Assert.Equal("Signed", state);
            Assert.Single(Kinds(await TimelineAsync(agent, id)), k => k == "Signed");
        }
    }

    [Fact]
    public async Task StaleVersion_IsRefused_With409AndTheCurrentTicket()
    {
        var (id, _) = await SubmitAsync();
        var agent = await Host.SignInAsync("agent");
        var supervisor = await Host.SignInAsync("supervisor");
        var ticket = await agent.GetOkAsync($"/api/tickets/{id}");
        var seenVersion = ticket["version"]!.GetValue<int>();

        await supervisor.PostOkAsync($"/api/tickets/{id}/urge", new { message = "请尽快派单" });
        var before = await CountRowsAsync();

        var stale = await agent.PostAsJsonAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing", version = seenVersion });
        var problem = await stale.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(seenVersion + 1, problem["ticket"]!["version"]!.GetValue<int>());
        Assert.Equal(1, problem["ticket"]!["urgeCount"]!.GetValue<int>());
        Assert.Equal(before, await CountRowsAsync());
    }

    [Fact]
    public async Task ParallelRetriesWithOneIdempotencyKey_CreateOneTicket()
    {
        var client = Host.Anonymous();
        var body = new { content = "公交站台顶棚破损漏雨。", phone = "13700001234", type = "投诉" };
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/citizen/tickets") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", "retry-7f3a");
            return client.SendAsync(request);
        }));
        var ids = new HashSet<string>();
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            ids.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!.Str("id"));
        }
        Assert.Single(ids);
        Assert.Equal(1, (await CountRowsAsync()).Tickets);
    }

    [Fact]
    public async Task ASaveThatMeetsAConcurrencyConflict_LeavesTheDatabaseWritable()
    {
        // Two contexts read the same row; one deletes it, the other's delete then finds nothing (a 409 in the API). On SQLite the
        // process's write gate must be free again afterwards: it was once left held, and every later write waited for ever.
        using var readerScope = Host.Services.CreateScope();
        using var deleterScope = Host.Services.CreateScope();
        var reader = readerScope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var deleter = deleterScope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var mine = await reader.Catalogue.FirstAsync();
        deleter.Catalogue.Remove(await deleter.Catalogue.SingleAsync(e => e.Id == mine.Id));
        await deleter.SaveChangesAsync();
        reader.Catalogue.Remove(mine);
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => reader.SaveChangesAsync());

        // Bounded, so that a held gate fails the test instead of hanging the run.
        var (id, _) = await SubmitAsync("并发冲突之后仍可写入：路灯不亮。").WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(string.IsNullOrEmpty(id));
    }
}
