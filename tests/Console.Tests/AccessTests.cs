using System.Net;
using System.Net.Http.Json;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests;

/// <summary>Who sees what: departments see their own tickets, citizens' data is masked, reveals are logged.</summary>
public sealed class AccessTests : HostTest
{
    [Fact]
    public async Task DepartmentHandler_SeesOnlyItsOwnTickets()
    {
        var agent = await Host.SignInAsync("agent");
        var housing = await Host.SignInAsync("housing");
        var (mine, _) = await SubmitAsync("道路破损。");
        var (theirs, _) = await SubmitAsync("河道污染。");
        await agent.PostOkAsync($"/api/tickets/{mine}/dispatch", new { leadDepartmentId = "city-housing" });
        await agent.PostOkAsync($"/api/tickets/{theirs}/dispatch", new { leadDepartmentId = "city-environment" });

        var list = await housing.GetOkAsync("/api/tickets");
        Assert.Equal(1, list["total"]!.GetValue<int>());
        Assert.Equal(mine, list["items"]![0]!.Str("id"));
        // Even filtering for another department's work shows nothing of it.
        Assert.Equal(0, (await housing.GetOkAsync("/api/tickets?department=city-environment"))["total"]!.GetValue<int>());

        await (await housing.GetAsync($"/api/tickets/{theirs}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await housing.GetAsync($"/api/tickets/{theirs}/timeline")).ProblemAsync(HttpStatusCode.NotFound);
        await (await housing.PostAsJsonAsync($"/api/tickets/{theirs}/sign", new { })).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task CoHandlingDepartment_SeesTheTicket_AndCanGiveAnOpinion()
    {
        var agent = await Host.SignInAsync("agent");
        var environment = await CreateDepartmentHandlerAsync("environment", "city-environment");
        var (id, _) = await SubmitAsync("工地扬尘严重。");
        await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing", coHandlerDepartmentIds = new[] { "city-environment" } });
        var seen = await environment.GetOkAsync($"/api/tickets/{id}");
        Assert.Equal("city-environment", seen["coHandlers"]![0]!.Str("id"));
        await environment.PostOkAsync($"/api/tickets/{id}/co-handler-opinion", new { opinion = "已安排扬尘执法检查" });
        await (await environment.PostAsJsonAsync($"/api/tickets/{id}/sign", new { })).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task CitizenData_IsMaskedForDepartments_AndHiddenWhenAnonymous()
    {
        var agent = await Host.SignInAsync("agent");
        var housing = await Host.SignInAsync("housing");
        var (named, _) = await SubmitAsync("楼道灯坏了。", phone: "13812345678", name: "张三");
        var (anonymous, _) = await SubmitAsync("举报违建。", phone: "13987654321", name: "王五", anonymous: true, type: "举报");
        await agent.PostOkAsync($"/api/tickets/{named}/dispatch", new { leadDepartmentId = "city-housing" });
        await agent.PostOkAsync($"/api/tickets/{anonymous}/dispatch", new { leadDepartmentId = "city-housing" });

        var namedView = await housing.GetOkAsync($"/api/tickets/{named}");
        Assert.Equal("138****5678", namedView["citizen"]!.Str("phone"));
        Assert.Equal("张*", namedView["citizen"]!.Str("name"));

        var anonymousView = await housing.GetOkAsync($"/api/tickets/{anonymous}");
        Assert.Null(anonymousView["citizen"]!["phone"]);
        Assert.Null(anonymousView["citizen"]!["name"]);
        Assert.True(anonymousView["citizen"]!["anonymous"]!.GetValue<bool>());
        Assert.DoesNotContain("13987654321", anonymousView.ToJsonString());
        Assert.DoesNotContain("王五", anonymousView.ToJsonString());

        await (await housing.PostAsJsonAsync($"/api/tickets/{anonymous}/citizen-contact", new { purpose = "核实" }))
            .ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task RevealingCitizenContact_NeedsAPurpose_AndIsLogged()
    {
        var agent = await Host.SignInAsync("agent");
        var (id, _) = await SubmitAsync(phone: "13812345678", name: "张三");
        await (await agent.PostAsJsonAsync($"/api/tickets/{id}/citizen-contact", new { purpose = "" })).ProblemAsync(HttpStatusCode.BadRequest);

        var contact = await agent.PostOkAsync($"/api/tickets/{id}/citizen-contact", new { purpose = "回访核实办理结果" });
        Assert.Equal("+8613812345678", contact.Str("phone"));
        Assert.Equal("张三", contact.Str("name"));

        using var scope = Host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var log = await db.PersonalDataAccess.SingleAsync();
        Assert.Equal("王芳", log.StaffName);
        Assert.Equal("agent", log.StaffRole);
        Assert.Equal("回访核实办理结果", log.Purpose);
        Assert.Equal(id, log.TicketId.Value.ToString());
    }

    [Fact]
    public async Task ActionsOutsideTheRole_AreRefused_WithAChineseProblem()
    {
        var housing = await Host.SignInAsync("housing");
        var agent = await Host.SignInAsync("agent");
        var (id, _) = await SubmitAsync();
        var before = await CountRowsAsync();

        // Department handlers cannot see undispatched tickets at all.
        await (await housing.PostAsJsonAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" })).ProblemAsync(HttpStatusCode.NotFound);
        var urge = await agent.PostAsJsonAsync($"/api/tickets/{id}/urge", new { message = "快点" });
        Assert.Contains("督办人员", (await urge.ProblemAsync(HttpStatusCode.Forbidden)).Str("detail"));
        await (await agent.GetAsync("/api/admin/staff")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await agent.PostAsJsonAsync("/api/admin/departments", new { id = "x", name = "x", kind = "Functional" })).ProblemAsync(HttpStatusCode.Forbidden);
        var anonymous = await Host.Anonymous().GetAsync("/api/tickets");
        Assert.Equal("请先登录", (await anonymous.ProblemAsync(HttpStatusCode.Unauthorized)).Str("title"));
        Assert.Equal(before, await CountRowsAsync());
    }

    [Fact]
    public async Task TransitionInTheWrongState_Gets409NamingTheState_AndWritesNothing()
    {
        var housing = await Host.SignInAsync("housing");
        var agent = await Host.SignInAsync("agent");
        var (id, _) = await SubmitAsync();
        await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
        var before = await CountRowsAsync();

        var reply = await housing.PostAsJsonAsync($"/api/tickets/{id}/reply", new { reply = "已处理" });
        var problem = await reply.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("Dispatched", problem.Str("currentState"));
        Assert.Contains("待签收", problem.Str("detail"));
        var close = await agent.PostAsJsonAsync($"/api/tickets/{id}/close", new { });
        await close.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(before, await CountRowsAsync());
    }

    [Fact]
    public async Task UnknownIdsAndBadFields_GetClearProblems()
    {
        var agent = await Host.SignInAsync("agent");
        var (id, _) = await SubmitAsync();
        await (await agent.GetAsync($"/api/tickets/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await agent.PostAsJsonAsync($"/api/tickets/{Guid.NewGuid()}/sign", new { })).ProblemAsync(HttpStatusCode.NotFound);
        var unknownDept = await agent.PostAsJsonAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "no-such-dept" });
        Assert.Contains("no-such-dept", (await unknownDept.ProblemAsync(HttpStatusCode.BadRequest))["errors"]!["leadDepartmentId"]![0]!.GetValue<string>());
        await (await agent.PostAsJsonAsync($"/api/tickets/{id}/merge", new { targetId = Guid.NewGuid() })).ProblemAsync(HttpStatusCode.NotFound);
        await (await agent.PostAsJsonAsync($"/api/tickets/{id}/transfer", new { target = "911" })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await agent.GetAsync("/api/tickets?state=Nonsense")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await agent.GetAsync("/api/tickets?pageSize=1000")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await agent.GetAsync("/api/tickets/not-a-guid")).ProblemAsync(HttpStatusCode.NotFound);
        await (await agent.GetAsync("/api/tickets?page=2147483647&pageSize=200")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await agent.GetAsync("/api/tickets?page=0")).ProblemAsync(HttpStatusCode.BadRequest);
        var nullCoHandler = await agent.PostRawAsync($"/api/tickets/{id}/dispatch", "{\"leadDepartmentId\":\"city-housing\",\"coHandlerDepartmentIds\":[null]}");
        Assert.NotNull((await nullCoHandler.ProblemAsync(HttpStatusCode.BadRequest))["errors"]!["coHandlerDepartmentIds"]);
        var longReply = await agent.PostAsJsonAsync($"/api/tickets/{id}/direct-answer", new { answer = new string('答', 10_001) });
        await longReply.ProblemAsync(HttpStatusCode.BadRequest);
        await (await agent.PostRawAsync($"/api/tickets/{id}/dispatch", "{\"leadDepartmentId\":")).ProblemAsync(HttpStatusCode.BadRequest);
        var badPhone = await agent.PostAsJsonAsync("/api/tickets", new { content = "来电", phone = "110" });
        Assert.NotNull((await badPhone.ProblemAsync(HttpStatusCode.BadRequest))["errors"]!["phone"]);
        Assert.Equal("PendingDispatch", (await agent.GetOkAsync($"/api/tickets/{id}")).Str("state"));
    }

    [Fact]
    public async Task TicketList_PagesInAStableOrder_AndFilters()
    {
        var agent = await Host.SignInAsync("agent");
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await SubmitAsync($"第{i}件事", type: i % 2 == 0 ? "投诉" : "咨询")).Id);
        }
        await agent.PostOkAsync($"/api/tickets/{ids[0]}/dispatch", new { leadDepartmentId = "city-housing" });

        var page1 = await agent.GetOkAsync("/api/tickets?pageSize=2&page=1");
        var page2 = await agent.GetOkAsync("/api/tickets?pageSize=2&page=2");
        var page3 = await agent.GetOkAsync("/api/tickets?pageSize=2&page=3");
        var seen = new[] { page1, page2, page3 }.SelectMany(p => p["items"]!.AsArray()).Select(t => t!.Str("id")).ToList();
        Assert.Equal(5, seen.Distinct().Count());
        Assert.Equal(5, page1["total"]!.GetValue<int>());
        // A work queue reads the oldest first: the same tickets, the other way round.
        var oldest = (await agent.GetOkAsync("/api/tickets?pageSize=5&order=oldest"))["items"]!.AsArray().Select(t => t!.Str("id")).ToList();
        Assert.Equal(Enumerable.Reverse(seen), oldest);
        await (await agent.GetAsync("/api/tickets?order=urgent")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(3, (await agent.GetOkAsync("/api/tickets?type=投诉"))["total"]!.GetValue<int>());
        Assert.Equal(1, (await agent.GetOkAsync("/api/tickets?state=Dispatched"))["total"]!.GetValue<int>());
        Assert.Equal(4, (await agent.GetOkAsync("/api/tickets?state=PendingDispatch"))["total"]!.GetValue<int>());
        Assert.Equal(1, (await agent.GetOkAsync("/api/tickets?department=city-housing"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task ReviewAndRefusalActions_AreLimitedToTheirRoles()
    {
        var agent = await Host.SignInAsync("agent");
        var dispatcher = await Host.SignInAsync("dispatcher");
        var housing = await Host.SignInAsync("housing");
        var (id, _) = await SubmitAsync();
        await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
        await housing.PostOkAsync($"/api/tickets/{id}/sign", new { });
        await housing.PostOkAsync($"/api/tickets/{id}/extension", new { days = 2, reason = "需要勘查" });
        await (await dispatcher.PostAsJsonAsync($"/api/tickets/{id}/extension-review", new { approve = true })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await housing.PostAsJsonAsync($"/api/tickets/{id}/extension-review", new { approve = true })).ProblemAsync(HttpStatusCode.Forbidden);
        var tooLong = await housing.PostAsJsonAsync($"/api/tickets/{id}/extension", new { days = int.MaxValue, reason = "无限期" });
        await tooLong.ProblemAsync(HttpStatusCode.BadRequest);
        await housing.PostOkAsync($"/api/tickets/{id}/return", new { reason = "不属于本单位" });
        await (await agent.PostAsJsonAsync($"/api/tickets/{id}/return-review", new { approve = true })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await housing.PostAsJsonAsync($"/api/tickets/{id}/return-review", new { approve = true })).ProblemAsync(HttpStatusCode.Forbidden);

        var (other, _) = await SubmitAsync("另一件事");
        await (await housing.PostAsJsonAsync($"/api/tickets/{other}/not-accepted", new { reason = "Other", route = "x" })).ProblemAsync(HttpStatusCode.NotFound);
        var supervisor = await Host.SignInAsync("supervisor");
        await supervisor.PostOkAsync($"/api/tickets/{other}/transfer", new { target = "110" });
    }

    [Fact]
    public async Task DepartmentList_IncludesCoHandledTickets_AndHidesOtherDepartmentsNotes()
    {
        var agent = await Host.SignInAsync("agent");
        var dispatcher = await Host.SignInAsync("dispatcher");
        var environment = await CreateDepartmentHandlerAsync("environment", "city-environment");
        var housing = await Host.SignInAsync("housing");
        var (coHandled, _) = await SubmitAsync("扬尘");
        await agent.PostOkAsync($"/api/tickets/{coHandled}/dispatch", new { leadDepartmentId = "city-environment", coHandlerDepartmentIds = new[] { "city-housing" } });
        Assert.Equal(coHandled, (await housing.GetOkAsync("/api/tickets"))["items"]![0]!.Str("id"));

        var (returned, _) = await SubmitAsync("噪音");
        await dispatcher.PostOkAsync($"/api/tickets/{returned}/dispatch", new { leadDepartmentId = "city-environment" });
        await environment.PostOkAsync($"/api/tickets/{returned}/return", new { reason = "环境局内部意见：此事应由住建局处理" });
        await dispatcher.PostOkAsync($"/api/tickets/{returned}/return-review", new { approve = true });
        await dispatcher.PostOkAsync($"/api/tickets/{returned}/dispatch", new { leadDepartmentId = "city-housing" });

        var asHousing = await TimelineAsync(housing, returned);
        var returnEntry = Assert.Single(asHousing, e => e.Str("kind") == "ReturnRequested");
        Assert.Null(returnEntry["note"]);
        var asDispatcher = await TimelineAsync(dispatcher, returned);
        Assert.Equal("环境局内部意见：此事应由住建局处理", Assert.Single(asDispatcher, e => e.Str("kind") == "ReturnRequested").Str("note"));
    }
}
