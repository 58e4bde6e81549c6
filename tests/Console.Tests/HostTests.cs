using System.Net;
using System.Text.Json.Nodes;
using Hotline.Console.Tests.Infrastructure;

namespace Hotline.Console.Tests;

public sealed class HostTests : HostTest
{
    [Fact]
    public async Task Healthz_IsOk_OnceTheDatabaseIsReady()
    {
        var health = await Host.Anonymous().GetOkAsync("/healthz");
        Assert.Equal("ok", health.Str("status"));
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheCitizenAndStaffApis()
    {
        var document = await Host.Anonymous().GetOkAsync("/openapi/v1.json");
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/citizen/tickets", paths);
        Assert.Contains("/api/tickets/{id}/dispatch", paths);
        Assert.Contains("/api/auth/login", paths);
    }

    [Fact]
    public async Task UnknownRoute_IsAChineseProblem_AndSecurityHeadersAreSet()
    {
        var response = await Host.Anonymous().GetAsync("/api/nothing-here");
        var problem = await response.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("未找到", problem.Str("title"));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task SignIn_SetsAnHttpOnlyStrictCookie_AndWrongPasswordIsRefused()
    {
        var client = Host.Anonymous();
        var bad = await client.PostRawAsync("/api/auth/login", "{\"userName\":\"agent\",\"password\":\"wrong\"}");
        Assert.Equal("用户名或密码错误。", (await bad.ProblemAsync(HttpStatusCode.Unauthorized)).Str("detail"));
        var unknown = await client.PostRawAsync("/api/auth/login", "{\"userName\":\"nobody\",\"password\":\"wrong\"}");
        Assert.Equal("用户名或密码错误。", (await unknown.ProblemAsync(HttpStatusCode.Unauthorized)).Str("detail"));

        var ok = await client.PostRawAsync("/api/auth/login", $"{{\"userName\":\"housing\",\"password\":\"{TestHost.DemoPassword}\"}}");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var cookie = ok.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("hotline.auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        var me = JsonNode.Parse(await (await client.GetAsync("/api/auth/me")).Content.ReadAsStringAsync())!;
        Assert.Equal("department", me.Str("role"));
        Assert.Equal("city-housing", me.Str("departmentId"));
    }

    [Fact]
    public async Task RepeatedWrongPasswords_LockTheAccount()
    {
        var client = Host.Anonymous();
        for (var i = 0; i < 5; i++)
        {
            await client.PostRawAsync("/api/auth/login", "{\"userName\":\"supervisor\",\"password\":\"wrong\"}");
        }
        var locked = await client.PostRawAsync("/api/auth/login", $"{{\"userName\":\"supervisor\",\"password\":\"{TestHost.DemoPassword}\"}}");
        await locked.ProblemAsync(HttpStatusCode.Locked);
    }

    [Fact]
    public async Task Admin_ManagesDepartments_WithoutBreakingTheHierarchy()
    {
        var admin = await Host.SignInAsync("admin");
        await admin.PostOkAsync("/api/admin/departments", new { id = "city-market", name = "市市场监督管理局", kind = "Functional", parentId = "centre", email = "market@demo-city.example" });
        var duplicate = await admin.PostAsync("/api/admin/departments", System.Net.Http.Json.JsonContent.Create(new { id = "city-market", name = "重复", kind = "Functional" }));
        await duplicate.ProblemAsync(HttpStatusCode.BadRequest);
        var cycle = await admin.PutAsync("/api/admin/departments/centre", System.Net.Http.Json.JsonContent.Create(new { name = "中心", kind = "Centre", parentId = "city-market" }));
        Assert.Contains("循环", (await cycle.ProblemAsync(HttpStatusCode.BadRequest))["errors"]!["parentId"]![0]!.GetValue<string>());
        var list = await admin.GetOkAsync("/api/departments");
        Assert.Contains(list.AsArray(), d => d!.Str("id") == "city-market");
    }
}
