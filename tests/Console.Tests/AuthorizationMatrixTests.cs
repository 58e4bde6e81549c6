using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Feedback.Ratings;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests;

/// <summary>
/// Every role × every staff endpoint. The expected roles are written here from the README's role table and domain.md, not read
/// from the product, and the test fails when the host has a staff endpoint this table does not list — a new endpoint has to be
/// classified before it ships. A refused call must be a 403 (or, for a department reaching another department's records, a 404 —
/// the API does not confirm they exist) and must change nothing; an allowed call must not be refused (it may still be a 400 or
/// 409 for this fixture's state). Anonymous callers get 401 everywhere.
/// </summary>
public sealed class AuthorizationMatrixTests : HostTest
{
    private const string Agent = "agent", Dispatcher = "dispatcher", Department = "housing", Supervisor = "supervisor", Admin = "admin";
    private static readonly string[] Everyone = [Agent, Dispatcher, Department, Supervisor, Admin];
    private static readonly string[] Centre = [Agent, Dispatcher, Supervisor];

    /// <summary>One staff endpoint: its route pattern as the host registers it, a concrete path, a body, and who may call it.</summary>
    private sealed record Row(string Method, string Pattern, Func<Fixture, string> Path, string[] Allowed, object? Body = null,
        Func<Fixture, object>? BodyFor = null);

    private sealed record Fixture(
        string Pending, string Own, string Other, string CoHandled, string OwnRating, string OwnRectification, string OwnAppeal,
        string Article, string Catalogue, string Callback);

    private static readonly Row[] Rows =
    [
        // Tickets: reading. A department reads its own tickets (and co-handled ones); centre staff and admins read all.
        new("GET", "/api/tickets/", _ => "/api/tickets", Everyone),
        new("GET", "/api/tickets/{id:guid}", f => $"/api/tickets/{f.Own}", Everyone),
        new("GET", "/api/tickets/{id:guid}/timeline", f => $"/api/tickets/{f.Own}/timeline", Everyone),
        new("GET", "/api/tickets/{id:guid}/routing", f => $"/api/tickets/{f.Own}/routing", Everyone),
        new("GET", "/api/tickets/{id:guid}/calls", f => $"/api/tickets/{f.Own}/calls", Everyone),
        new("GET", "/api/tickets/{id:guid}/attachments/{sha256}", f => $"/api/tickets/{f.Own}/attachments/{new string('0', 64)}", Everyone),
        // Revealing a citizen's number, or looking a number up, is for the centre (logged); departments see it masked.
        new("POST", "/api/tickets/{id:guid}/citizen-contact", f => $"/api/tickets/{f.Own}/citizen-contact", Centre, new { purpose = "回访核实" }),
        new("GET", "/api/citizens/history", _ => "/api/citizens/history?phone=13812345678", Centre),
        new("GET", "/api/tickets/{id:guid}/similar", f => $"/api/tickets/{f.Own}/similar", [Agent, Dispatcher, Supervisor, Admin]),
        // The centre's intake and dispatch desk.
        new("POST", "/api/tickets/", _ => "/api/tickets", Centre, new { content = "路灯不亮，晚上很黑。", phone = "13900001111", channel = "Phone" }),
        new("POST", "/api/tickets/{id:guid}/dispatch", f => $"/api/tickets/{f.Pending}/dispatch", Centre, new { leadDepartmentId = "city-housing" }),
        new("POST", "/api/tickets/{id:guid}/direct-answer", f => $"/api/tickets/{f.Pending}/direct-answer", Centre, new { answer = "已电话解答。" }),
        new("POST", "/api/tickets/{id:guid}/merge", f => $"/api/tickets/{f.Pending}/merge", Centre, BodyFor: f => new { targetId = f.Own, note = "重复" }),
        new("POST", "/api/tickets/{id:guid}/not-accepted", f => $"/api/tickets/{f.Pending}/not-accepted", Centre, new { reason = "Litigation", route = "请通过法院解决。" }),
        new("POST", "/api/tickets/{id:guid}/transfer", f => $"/api/tickets/{f.Pending}/transfer", Centre, new { target = "Police110", note = "警情" }),
        new("GET", "/api/tickets/{id:guid}/merge-suggestions", f => $"/api/tickets/{f.Pending}/merge-suggestions", Centre),
        new("GET", "/api/supervision/events", _ => "/api/supervision/events", Centre),
        new("POST", "/api/tickets/{id:guid}/return-review", f => $"/api/tickets/{f.Own}/return-review", [Dispatcher, Supervisor], new { approve = true, note = "同意" }),
        // The department's handling of its own ticket.
        new("POST", "/api/tickets/{id:guid}/sign", f => $"/api/tickets/{f.Own}/sign", [Department], new { }),
        new("POST", "/api/tickets/{id:guid}/return", f => $"/api/tickets/{f.Own}/return", [Department], new { reason = "不属于本单位职责" }),
        new("POST", "/api/tickets/{id:guid}/extension", f => $"/api/tickets/{f.Own}/extension", [Department], new { days = 3, reason = "需现场勘查" }),
        new("POST", "/api/tickets/{id:guid}/reply", f => $"/api/tickets/{f.Own}/reply", [Department], new { reply = "已处理。" }),
        new("POST", "/api/tickets/{id:guid}/co-handler-opinion", f => $"/api/tickets/{f.CoHandled}/co-handler-opinion", [Department], new { opinion = "同意" }),
        // Supervision, callbacks and closing.
        new("POST", "/api/tickets/{id:guid}/urge", f => $"/api/tickets/{f.Own}/urge", [Supervisor], new { message = "请尽快办理" }),
        new("POST", "/api/tickets/{id:guid}/extension-review", f => $"/api/tickets/{f.Own}/extension-review", [Supervisor], new { approve = true }),
        new("POST", "/api/tickets/{id:guid}/callback", f => $"/api/tickets/{f.Own}/callback", [Agent, Supervisor], new { reached = true, solved = true, satisfaction = 5 }),
        new("POST", "/api/tickets/{id:guid}/close", f => $"/api/tickets/{f.Own}/close", [Agent, Supervisor], new { }),
        new("POST", "/api/tickets/{id:guid}/rehandle", f => $"/api/tickets/{f.Own}/rehandle", [Agent, Supervisor], new { reason = "市民不满意" }),
        new("GET", "/api/calls/missed", _ => "/api/calls/missed", [Agent, Supervisor]),
        new("POST", "/api/calls/{callSid}/called-back", _ => "/api/calls/CA0000/called-back", [Agent, Supervisor], new { }),
        // Reference data every member of staff reads.
        new("GET", "/api/departments", _ => "/api/departments", Everyone),
        new("GET", "/api/areas", _ => "/api/areas", Everyone),
        new("GET", "/api/categories", _ => "/api/categories", Everyone),
        new("GET", "/api/calendar/working-day", _ => "/api/calendar/working-day?date=2026-11-23", Everyone),
        new("GET", "/api/calendar/add-working-days", _ => "/api/calendar/add-working-days?from=2026-11-23&days=3", Everyone),
        new("POST", "/api/routing/suggest", _ => "/api/routing/suggest", Everyone, new { content = "小区垃圾无人清运。" }),
        new("GET", "/api/catalogue", _ => "/api/catalogue", Everyone),
        new("GET", "/api/console/events", _ => "/api/console/events", Everyone),
        new("GET", "/api/auth/me", _ => "/api/auth/me", Everyone),
        // Everyone changes their own password; a wrong current password is a 400, so the matrix changes nothing.
        new("POST", "/api/auth/password", _ => "/api/auth/password", Everyone, new { currentPassword = "not-the-password", newPassword = "Matrix-Pass-2026!" }),
        // Knowledge: everyone reads; admins and department editors write (a department only its own articles).
        new("GET", "/api/knowledge/articles", _ => "/api/knowledge/articles", Everyone),
        new("GET", "/api/knowledge/articles/{id:guid}", f => $"/api/knowledge/articles/{f.Article}", Everyone),
        new("GET", "/api/knowledge/articles/{id:guid}/versions", f => $"/api/knowledge/articles/{f.Article}/versions", Everyone),
        new("GET", "/api/knowledge/search", _ => "/api/knowledge/search?q=垃圾", Everyone),
        new("POST", "/api/knowledge/articles", _ => "/api/knowledge/articles", [Department, Admin],
            new { title = "物业维修基金使用", body = "业主可申请使用维修基金。", category = "城乡建设", ownerDepartmentId = "city-housing" }),
        new("PUT", "/api/knowledge/articles/{id:guid}", f => $"/api/knowledge/articles/{f.Article}", [Department, Admin],
            new { title = "维修基金", body = "更新后的说明。", category = "城乡建设", ownerDepartmentId = "city-housing", version = 1 }),
        new("POST", "/api/knowledge/articles/{id:guid}/status", f => $"/api/knowledge/articles/{f.Article}/status", [Department, Admin], new { status = "Published" }),
        // Export is a read: every member of staff may list every article (GET /articles), so every one may export them.
        new("GET", "/api/knowledge/articles/export", _ => "/api/knowledge/articles/export?format=jsonl", Everyone),
        new("POST", "/api/knowledge/articles/import", _ => "/api/knowledge/articles/import", [Department, Admin], new { }),
        new("POST", "/api/knowledge/search/reindex", _ => "/api/knowledge/search/reindex", [Admin], new { }),
        // 好差评. Nobody on staff creates, edits or deletes a rating; only supervisors open a rater's identity (logged).
        new("GET", "/api/feedback/ratings", _ => "/api/feedback/ratings", Everyone),
        new("GET", "/api/feedback/ratings/{id:guid}", f => $"/api/feedback/ratings/{f.OwnRating}", Everyone),
        new("POST", "/api/feedback/ratings/{id:guid}/rater", f => $"/api/feedback/ratings/{f.OwnRating}/rater", [Supervisor], new { reason = "核实恶意差评" }),
        new("POST", "/api/feedback/ratings", _ => "/api/feedback/ratings", [], new { level = 5 }),
        new("PUT", "/api/feedback/ratings/{id:guid}", f => $"/api/feedback/ratings/{f.OwnRating}", [], new { level = 5 }),
        new("DELETE", "/api/feedback/ratings/{id:guid}", f => $"/api/feedback/ratings/{f.OwnRating}", []),
        new("GET", "/api/feedback/tickets/{ticketId:guid}/history", f => $"/api/feedback/tickets/{f.Own}/history", Everyone),
        new("GET", "/api/feedback/rectifications", _ => "/api/feedback/rectifications", Everyone),
        new("GET", "/api/feedback/rectifications/overdue", _ => "/api/feedback/rectifications/overdue", [Agent, Department, Supervisor]),
        new("GET", "/api/feedback/rectifications/{id:guid}", f => $"/api/feedback/rectifications/{f.OwnRectification}", Everyone),
        // The handling department does the rectification steps of its own bad review; supervisors review.
        new("POST", "/api/feedback/rectifications/{id:guid}/verify", f => $"/api/feedback/rectifications/{f.OwnRectification}/verify", [Department], new { reached = true, note = "已联系市民" }),
        new("POST", "/api/feedback/rectifications/{id:guid}/classify", f => $"/api/feedback/rectifications/{f.OwnRectification}/classify", [Department], new { kind = "FixNow", note = "态度问题" }),
        new("POST", "/api/feedback/rectifications/{id:guid}/record", f => $"/api/feedback/rectifications/{f.OwnRectification}/record", [Department], new { action = "已约谈经办人", evidence = new[] { "约谈记录 2026-11" } }),
        new("POST", "/api/feedback/rectifications/{id:guid}/report-back", f => $"/api/feedback/rectifications/{f.OwnRectification}/report-back", [Department], new { text = "已整改" }),
        new("POST", "/api/feedback/rectifications/{id:guid}/review", f => $"/api/feedback/rectifications/{f.OwnRectification}/review", [Supervisor], new { accept = true }),
        new("POST", "/api/feedback/ratings/{ratingId:guid}/appeals", f => $"/api/feedback/ratings/{f.OwnRating}/appeals", [Department], new { ground = "Mistaken", statement = "市民误评", evidence = new[] { "录音 REC-002" } }),
        new("GET", "/api/feedback/appeals", _ => "/api/feedback/appeals", Everyone),
        new("GET", "/api/feedback/appeals/{id:guid}", f => $"/api/feedback/appeals/{f.OwnAppeal}", Everyone),
        new("POST", "/api/feedback/appeals/{id:guid}/decision", f => $"/api/feedback/appeals/{f.OwnAppeal}/decision", [Supervisor], new { uphold = false, reason = "证据不足" }),
        new("GET", "/api/feedback/callbacks", _ => "/api/feedback/callbacks", [Agent, Supervisor]),
        new("GET", "/api/feedback/callbacks/figures", _ => "/api/feedback/callbacks/figures", [Agent, Supervisor, Admin]),
        new("POST", "/api/feedback/callbacks/{id:guid}/outcome", f => $"/api/feedback/callbacks/{f.Callback}/outcome", [Agent, Supervisor], new { reached = true, solved = true, satisfaction = 5 }),
        new("GET", "/api/feedback/platform/deliveries", _ => "/api/feedback/platform/deliveries", [Supervisor, Admin]),
        // Assessment: supervisors and admins see every department, a department itself.
        new("GET", "/api/assessment", _ => "/api/assessment?period=month&date=2026-11-01", [Department, Supervisor, Admin]),
        new("GET", "/api/assessment/tickets", _ => "/api/assessment/tickets?department=city-housing&metric=responseRate&period=month&date=2026-11-01", [Department, Supervisor, Admin]),
        new("GET", "/api/assessment/export", _ => "/api/assessment/export?format=csv&period=month&date=2026-11-01", [Department, Supervisor, Admin]),
        // Administration.
        new("GET", "/api/admin/staff", _ => "/api/admin/staff", [Admin]),
        new("POST", "/api/admin/staff", _ => "/api/admin/staff", [Admin], new { userName = "matrix-user", displayName = "测试", role = "agent", password = TestHost.DemoPassword }),
        new("POST", "/api/admin/staff/{id}/unlock", _ => "/api/admin/staff/no-such-account/unlock", [Admin], new { }),
        new("POST", "/api/admin/staff/{id}/password", _ => "/api/admin/staff/no-such-account/password", [Admin], new { password = "Matrix-Pass-2026!" }),
        new("POST", "/api/admin/staff/{id}/disable", _ => "/api/admin/staff/no-such-account/disable", [Admin], new { }),
        new("POST", "/api/admin/staff/{id}/enable", _ => "/api/admin/staff/no-such-account/enable", [Admin], new { }),
        new("POST", "/api/admin/departments", _ => "/api/admin/departments", [Admin], new { id = "matrix-dept", name = "测试局", kind = "Department" }),
        new("PUT", "/api/admin/departments/{id}", _ => "/api/admin/departments/city-housing", [Admin], new { name = "市住房和城乡建设局" }),
        new("GET", "/api/admin/calendar", _ => "/api/admin/calendar", [Admin]),
        new("GET", "/api/admin/calendar/status", _ => "/api/admin/calendar/status", [Admin]),
        new("PUT", "/api/admin/calendar/{year:int}", _ => "/api/admin/calendar/2027", [Admin], new { }),
        new("GET", "/api/admin/sla", _ => "/api/admin/sla", [Admin]),
        new("POST", "/api/admin/routing/training-data", _ => "/api/admin/routing/training-data", [Admin], new { }),
        new("POST", "/api/admin/routing/retrain", _ => "/api/admin/routing/retrain", [Admin], new { }),
        new("GET", "/api/admin/routing/models", _ => "/api/admin/routing/models", [Admin]),
        new("GET", "/api/admin/routing/outcomes", _ => "/api/admin/routing/outcomes", [Admin]),
        new("POST", "/api/admin/routing/models/{version}/activate", _ => "/api/admin/routing/models/no-such-version/activate", [Admin], new { }),
        new("GET", "/api/admin/catalogue", _ => "/api/admin/catalogue", [Admin]),
        new("POST", "/api/admin/catalogue", _ => "/api/admin/catalogue", [Admin], new { name = "测试事项" }),
        new("PUT", "/api/admin/catalogue/{id:guid}", f => $"/api/admin/catalogue/{f.Catalogue}", [Admin], new { name = "测试事项" }),
        new("DELETE", "/api/admin/catalogue/{id:guid}", f => $"/api/admin/catalogue/{f.Catalogue}", [Admin]),
        new("GET", "/api/admin/catalogue/export", _ => "/api/admin/catalogue/export", [Admin]),
        new("POST", "/api/admin/catalogue/import", _ => "/api/admin/catalogue/import", [Admin], new { }),
        new("GET", "/api/admin/templates", _ => "/api/admin/templates", [Admin]),
        new("PUT", "/api/admin/templates/{key}", _ => "/api/admin/templates/reply", [Admin], new { text = "您的诉求已办理。" }),
        new("DELETE", "/api/admin/templates/{key}", _ => "/api/admin/templates/reply", [Admin]),
    ];

    /// <summary>Sign-in and sign-out are for anyone; they are not part of the matrix.</summary>
    private static readonly string[] NotInMatrix = ["/api/auth/login", "/api/auth/logout"];

    [Fact]
    public void EveryStaffEndpoint_IsInTheMatrix()
    {
        var listed = Rows.Select(r => $"{r.Method} {r.Pattern}").ToHashSet();
        var missing = new List<string>();
        foreach (var endpoint in Host.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern.RawText ?? "";
            var staffOnly = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null
                && endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0;
            if (!staffOnly || !pattern.StartsWith("/api/", StringComparison.Ordinal) || NotInMatrix.Contains(pattern))
            {
                continue;
            }
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
            {
                if (!listed.Contains($"{method} {pattern}"))
                {
                    missing.Add($"{method} {pattern}");
                }
            }
        }
        Assert.True(missing.Count == 0, "Staff endpoints missing from the authorisation matrix:\n" + string.Join("\n", missing));
    }

    [Fact]
    public async Task EveryRole_OnEveryStaffEndpoint_GetsExactlyWhatItsRoleAllows()
    {
        var fixture = await ArrangeAsync();
        var clients = new Dictionary<string, HttpClient>();
        foreach (var user in Everyone)
        {
            clients[user] = await Host.SignInAsync(user);
        }
        var anonymous = Host.Anonymous();
        var failures = new List<string>();
        var calls = 0;
        foreach (var row in Rows)
        {
            var path = row.Path(fixture);
            var body = row.BodyFor?.Invoke(fixture) ?? row.Body;
            using (var response = await SendAsync(anonymous, row.Method, path, body))
            {
                calls++;
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                {
                    failures.Add($"anonymous {row.Method} {path}: {(int)response.StatusCode}, expected 401");
                }
            }
            // Refused roles first, while the subject is in the state the allowed roles would act on.
            foreach (var user in Everyone.Where(u => !row.Allowed.Contains(u)))
            {
                var before = await SnapshotAsync();
                using var response = await SendAsync(clients[user], row.Method, path, body);
                calls++;
                // A department is told a ticket that is not its own does not exist (404), as AccessTests checks.
                var refused = response.StatusCode == HttpStatusCode.Forbidden
                    || user == Department && response.StatusCode == HttpStatusCode.NotFound;
                if (!refused)
                {
                    failures.Add($"{user} {row.Method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}, expected 403");
                }
                else if (!IsChineseProblem(await response.Content.ReadAsStringAsync()))
                {
                    failures.Add($"{user} {row.Method} {path}: the refusal is not a Chinese problem");
                }
                if (await SnapshotAsync() != before)
                {
                    failures.Add($"{user} {row.Method} {path}: refused, but something was written");
                }
            }
            foreach (var user in row.Allowed)
            {
                using var response = await SendAsync(clients[user], row.Method, path, body);
                calls++;
                var status = (int)response.StatusCode;
                if (status is 401 or 403 or >= 500)
                {
                    failures.Add($"{user} {row.Method} {path}: {status} {await response.Content.ReadAsStringAsync()}, expected the role to be let through");
                }
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {calls} calls broke the matrix:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task ADepartment_ReachingForAnotherDepartmentsTicketsRatingsOrRaters_FindsNothing()
    {
        var fixture = await ArrangeAsync();
        var housing = await Host.SignInAsync(Department);
        var environmentRating = await OtherRatingAsync();
        string[] reads =
        [
            $"/api/tickets/{fixture.Other}", $"/api/tickets/{fixture.Other}/timeline", $"/api/tickets/{fixture.Other}/routing",
            $"/api/tickets/{fixture.Other}/calls", $"/api/feedback/ratings/{environmentRating.Rating}",
            $"/api/feedback/rectifications/{environmentRating.Rectification}",
        ];
        foreach (var path in reads)
        {
            var response = await housing.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"GET {path}: {(int)response.StatusCode}");
        }
        // Lists filter to the department's own records: nothing of the other department's appears.
        foreach (var list in new[] { "/api/tickets?department=city-environment", "/api/feedback/ratings", "/api/feedback/rectifications", "/api/feedback/appeals" })
        {
            var text = await housing.GetStringAsync(list);
            Assert.DoesNotContain(fixture.Other, text);
            Assert.DoesNotContain(environmentRating.Rating, text);
        }
        var history = await housing.GetStringAsync($"/api/feedback/tickets/{fixture.Other}/history");
        Assert.Equal("[]", history.Trim());
        // Acting on them is refused the same way, and nobody but a supervisor learns who rated.
        var before = await SnapshotAsync();
        foreach (var (path, body) in new (string, object)[]
        {
            ($"/api/tickets/{fixture.Other}/sign", new { }),
            ($"/api/tickets/{fixture.Other}/reply", new { reply = "已处理" }),
            ($"/api/tickets/{fixture.Other}/return", new { reason = "不归我管" }),
            ($"/api/feedback/rectifications/{environmentRating.Rectification}/verify", new { reached = true, note = "x" }),
            ($"/api/feedback/ratings/{environmentRating.Rating}/appeals", new { ground = "Mistaken", statement = "x", evidence = new[] { "录音" } }),
        })
        {
            var response = await housing.PostAsJsonAsync(path, body);
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"POST {path}: {(int)response.StatusCode}");
        }
        var rater = await housing.PostAsJsonAsync($"/api/feedback/ratings/{environmentRating.Rating}/rater", new { reason = "想知道" });
        Assert.True(rater.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden);
        Assert.DoesNotContain("13700002222", await rater.Content.ReadAsStringAsync());
        Assert.Equal(before, await SnapshotAsync());
    }

    private async Task<Fixture> ArrangeAsync()
    {
        var agent = await Host.SignInAsync(Agent);
        var supervisor = await Host.SignInAsync(Supervisor);
        var admin = await Host.SignInAsync(Admin);
        var (pending, _) = await SubmitAsync("小区门口路灯不亮。", phone: "13800001111");
        // The housing department's ticket, replied and rated badly: its rating, rectification and appeal.
        var (own, _, housing) = await RepliedTicketAsync();
        var (rating, rectification) = await RateAsync(own, 1);
        var appeal = (await housing.PostOkAsync($"/api/feedback/ratings/{rating}/appeals", new { ground = "Mistaken", statement = "市民表示按错键", evidence = new[] { "录音 REC-001" } })).Str("id");
        // Another department's ticket, and one the housing department co-handles.
        var (other, _) = await SubmitAsync("河道有油污。", phone: "13700002222");
        await agent.PostOkAsync($"/api/tickets/{other}/dispatch", new { leadDepartmentId = "city-environment" });
        var (coHandled, _) = await SubmitAsync("工地夜间施工扰民。", phone: "13600003333");
        await agent.PostOkAsync($"/api/tickets/{coHandled}/dispatch", new { leadDepartmentId = "city-environment", coHandlerDepartmentIds = new[] { "city-housing" } });
        var article = (await admin.PostOkAsync("/api/knowledge/articles", new
        {
            title = "住房维修基金",
            body = "业主可向住建局申请使用维修基金。",
            category = "城乡建设",
            ownerDepartmentId = "city-housing",
        })).Str("id");
        var catalogue = (await admin.GetOkAsync("/api/admin/catalogue")).AsArray()[0]!.Str("id");
        var callbacks = (await supervisor.GetOkAsync("/api/feedback/callbacks")).AsArray();
        var callback = callbacks.Count > 0 ? callbacks[0]!.Str("id") : Guid.NewGuid().ToString();
        return new Fixture(pending, own, other, coHandled, rating, rectification, appeal, article, catalogue, callback);
    }

    /// <summary>The environment department's ticket, replied and rated badly by its citizen.</summary>
    private async Task<(string Rating, string Rectification)> OtherRatingAsync()
    {
        var agent = await Host.SignInAsync(Agent);
        var environment = await CreateDepartmentHandlerAsync("environment", "city-environment");
        var (id, _) = await SubmitAsync("污水直排入河。", phone: "13700002222");
        await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-environment" });
        await environment.PostOkAsync($"/api/tickets/{id}/sign", new { });
        await environment.PostOkAsync($"/api/tickets/{id}/reply", new { reply = "已责令整改。" });
        return await RateAsync(id, 1);
    }

    /// <summary>The citizen's rating through the signed link; a bad one opens a rectification.</summary>
    private async Task<(string Rating, string Rectification)> RateAsync(string ticketId, int level)
    {
        string token;
        using (var scope = Host.Services.CreateScope())
        {
            var ratings = scope.ServiceProvider.GetRequiredService<RatingService>();
            var invitation = await ratings.InvitationAsync(new TicketId(Guid.Parse(ticketId)), CancellationToken.None);
            Assert.Null(invitation.Error);
            token = await ratings.LinkTokenAsync(invitation.Value!, CancellationToken.None);
        }
        var response = await Host.Anonymous().PostAsJsonAsync($"/api/citizen/ratings/{token}", new { level, comment = "处理太慢" });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var receipt = JsonNode.Parse(text)!;
        return (receipt.Str("ratingId"), receipt.Str("rectificationId"));
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, object? body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        return client.SendAsync(request);
    }

    private static bool IsChineseProblem(string text) =>
        JsonNode.Parse(text) is JsonObject problem && Api.IsChinese(problem["title"]?.GetValue<string>() + problem["detail"]?.GetValue<string>());

    /// <summary>Row counts and ticket versions across the modules: a refused call must leave all of them as they were.</summary>
    private async Task<string> SnapshotAsync()
    {
        using var scope = Host.Services.CreateScope();
        var routing = scope.ServiceProvider.GetRequiredService<Hotline.Routing.Storage.RoutingDbContext>();
        var feedback = scope.ServiceProvider.GetRequiredService<Hotline.Feedback.Storage.FeedbackDbContext>();
        var versions = string.Join(",", routing.Tickets.OrderBy(t => t.ReceivedAt).Select(t => t.Version));
        return $"{routing.Tickets.Count()}|{routing.Timeline.Count()}|{routing.Outbox.Count()}|{routing.PersonalDataAccess.Count()}|" +
            $"{feedback.Ratings.Count()}|{feedback.Rectifications.Count()}|{feedback.Appeals.Count()}|{feedback.History.Count()}|{versions}";
    }
}
