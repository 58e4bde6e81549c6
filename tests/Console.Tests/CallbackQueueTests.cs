using System.Net;
using System.Net.Http.Json;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Feedback.Storage;
using Hotline.Routing.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests;

/// <summary>The callback queue (回访): complaints are queued on reply; tries are counted; "not solved" sends the ticket back (重办).</summary>
public sealed class CallbackQueueTests : HostTest
{
    [Fact]
    public async Task ComplaintIsQueuedOnReply_TriesAreCounted_NotSolvedSendsTheTicketBackForRehandling()
    {
        var (id, agent, housing) = await RepliedTicketAsync();
        await Host.Get<OutboxDispatcher>().DeliverPendingAsync(CancellationToken.None);
        await Host.Get<OutboxDispatcher>().DeliverPendingAsync(CancellationToken.None); // a redelivery adds nothing
        var queue = (await agent.GetOkAsync("/api/feedback/callbacks")).AsArray();
        var task = Assert.Single(queue)!;
        Assert.Equal(id, task.Str("ticketId"));
        Assert.Equal("Complaint", task.Str("reason"));
        await (await housing.GetAsync("/api/feedback/callbacks")).ProblemAsync(HttpStatusCode.Forbidden);
        var taskId = task.Str("id");

        var missed = await agent.PostOkAsync($"/api/feedback/callbacks/{taskId}/outcome", new { reached = false, notes = "无人接听" });
        Assert.Equal(1, missed["attempts"]!.GetValue<int>());
        Assert.Equal("Pending", missed.Str("status"));
        await (await agent.PostAsJsonAsync($"/api/feedback/callbacks/{taskId}/outcome", new { reached = true }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        // A rating recorded for the citizen needs the call as evidence.
        await (await agent.PostAsJsonAsync($"/api/feedback/callbacks/{taskId}/outcome",
            new { reached = true, solved = false, satisfaction = 2, rating = new { level = 2 } })).ProblemAsync(HttpStatusCode.BadRequest);

        var done = await agent.PostOkAsync($"/api/feedback/callbacks/{taskId}/outcome", new
        {
            reached = true,
            solved = false,
            satisfaction = 2,
            notes = "市民表示路面仍有坑洼。",
            rehandle = true,
            rehandleReason = "回访未解决，请重新修补。",
            rating = new { level = 2, result = 1, comment = "没修好" },
            evidence = "回访通话 CA0001",
        });
        Assert.Equal("Completed", done.Str("status"));
        Assert.Equal(2, done["attempts"]!.GetValue<int>());
        Assert.True(done["rehandled"]!.GetValue<bool>());

        var ticket = await agent.GetOkAsync($"/api/tickets/{id}");
        Assert.Equal("Dispatched", ticket.Str("state"));
        var kinds = Kinds(await TimelineAsync(agent, id));
        Assert.Equal(["CallbackAttempted", "CalledBack", "RatingReceived", "Rehandled"], kinds[^4..]);

        // The rating recorded on the call is a bad review: rectification opened, and a real-name callback queued.
        using var scope = Host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
        var rating = await db.Ratings.SingleAsync();
        Assert.Equal("回访通话 CA0001", rating.Evidence);
        Assert.Equal(Feedback.Ratings.RatingChannel.Callback, rating.Channel);
        Assert.Equal(1, await db.Rectifications.CountAsync());
        Assert.Equal(1, await db.Callbacks.CountAsync(c => c.Reason == Feedback.Callbacks.CallbackReason.RealNameBadReview));
        await (await agent.PostAsJsonAsync($"/api/feedback/callbacks/{taskId}/outcome", new { reached = false }))
            .ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task NotReachedAfterTheAllowedTries_IsRecordedAsUnreachable()
    {
        var (_, agent, _) = await RepliedTicketAsync();
        await Host.Get<OutboxDispatcher>().DeliverPendingAsync(CancellationToken.None);
        var taskId = Assert.Single((await agent.GetOkAsync("/api/feedback/callbacks")).AsArray())!.Str("id");
        for (var i = 1; i <= 3; i++)
        {
            var outcome = await agent.PostOkAsync($"/api/feedback/callbacks/{taskId}/outcome", new { reached = false });
            Assert.Equal(i == 3 ? "Unreachable" : "Pending", outcome.Str("status"));
        }
        Assert.Empty((await agent.GetOkAsync("/api/feedback/callbacks")).AsArray());
        Assert.Single((await agent.GetOkAsync("/api/feedback/callbacks?status=Unreachable")).AsArray());
    }
}
