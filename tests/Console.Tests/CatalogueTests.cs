using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests;

/// <summary>The dispatch catalogue through the API: reading with remits and area rules, admin editing, validation, import/export.</summary>
public sealed class CatalogueTests : HostTest
{
    private async Task<int> CountEntriesAsync()
    {
        using var scope = Host.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<RoutingDbContext>().Catalogue.CountAsync();
    }

    private static object Valid(string name = "共享单车乱停放") => new
    {
        name,
        categoryId = "transport",
        keywords = new[] { "共享单车", "单车乱停" },
        level = "Street",
        departmentId = "city-transport",
        remit = "街道清理辖区内乱停放的共享单车；运营企业的投放总量由市交通运输局管理。",
    };

    [Fact]
    public async Task DispatchersAndAgentsReadTheCatalogue_WithRemitsAndAreaRules_AndDepartmentsCannotEditIt()
    {
        var dispatcher = await Host.SignInAsync("dispatcher");
        var all = (await dispatcher.GetOkAsync("/api/catalogue")).AsArray();
        Assert.True(all.Count >= 10);
        var stalls = all.Single(e => e!.Str("name") == "占道经营")!;
        Assert.Equal("Street", stalls.Str("level"));
        Assert.Equal("StreetOffice", stalls.Str("unitKind"));
        Assert.Equal("市城市管理局", stalls["department"]!.Str("name"));
        Assert.False(string.IsNullOrWhiteSpace(stalls["department"]!.Str("remit")));

        var agent = await Host.SignInAsync("agent");
        var found = (await agent.GetOkAsync("/api/catalogue?q=门口有人摆摊&areaId=chengdong-wenchang")).AsArray();
        var first = found[0]!;
        Assert.Equal("占道经营", first.Str("name"));
        Assert.Equal("wenchang-office", first["resolved"]!.Str("departmentId"));
        Assert.Contains("文昌街道", first["resolved"]!.Str("how"));
        Assert.Contains(first["highlights"]!.AsObject().SelectMany(f => f.Value!.AsArray()), h => h!.GetValue<string>().Contains("<em>", StringComparison.Ordinal));
        var district = (await agent.GetOkAsync("/api/catalogue?categoryId=urban-construction&areaId=chengxi")).AsArray();
        Assert.Equal("chengxi-gov", district.Single(e => e!.Str("name") == "占道经营")!["resolved"]!.Str("departmentId"));
        Assert.All(district, e => Assert.Equal("urban-construction", e!.Str("categoryId")));
        await (await agent.GetAsync("/api/catalogue?areaId=mars")).ProblemAsync(HttpStatusCode.BadRequest);

        var housing = await Host.SignInAsync("housing");
        Assert.NotEmpty((await housing.GetOkAsync("/api/catalogue")).AsArray());
        var before = await CountEntriesAsync();
        await (await housing.PostAsJsonAsync("/api/admin/catalogue", Valid())).ProblemAsync(HttpStatusCode.Forbidden);
        await (await agent.PostAsJsonAsync("/api/admin/catalogue", Valid())).ProblemAsync(HttpStatusCode.Forbidden);
        await (await dispatcher.PutAsJsonAsync($"/api/admin/catalogue/{stalls.Str("id")}", Valid())).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(before, await CountEntriesAsync());
    }

    [Fact]
    public async Task BadEntries_AreChineseProblems_AndNothingIsWritten()
    {
        var admin = await Host.SignInAsync("admin");
        var before = await CountEntriesAsync();
        var problem = await (await admin.PostAsJsonAsync("/api/admin/catalogue", new
        {
            name = "占道经营",
            categoryId = "外星事务",
            keywords = Array.Empty<string>(),
            level = "Street",
            departmentId = "no-such-department",
            areaId = "mars",
        })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("请求参数有误", problem.Str("title"));
        var errors = problem["errors"]!.AsObject();
        Assert.Equal(["areaId", "categoryId", "departmentId", "keywords", "name"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.All(errors.SelectMany(e => e.Value!.AsArray()), m => Assert.True(Api.IsChinese(m!.GetValue<string>())));
        Assert.Contains("已有事项「占道经营」", errors["name"]![0]!.GetValue<string>());

        var words = await (await admin.PostAsJsonAsync("/api/admin/catalogue", new
        {
            name = "新事项",
            categoryId = "transport",
            keywords = new[] { " ", "水" },
            level = "City",
            departmentId = "city-transport",
            unitKind = "StreetOffice",
        })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(2, words["errors"]!["keywords"]!.AsArray().Count);
        Assert.Contains("不需要属地单位类型", words["errors"]!["unitKind"]![0]!.GetValue<string>());
        await (await admin.PostAsJsonAsync("/api/admin/catalogue", new { name = "x", categoryId = "transport", keywords = new[] { "公交" }, level = "Province", departmentId = "city-transport" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(before, await CountEntriesAsync());

        // A good entry, then an edit from a stale version, then a deletion.
        var created = await admin.PostAsJsonAsync("/api/admin/catalogue", Valid());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var entry = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.Equal(1, entry["version"]!.GetValue<int>());
        Assert.Equal("刘洋", entry.Str("updatedBy"));
        var stale = await admin.PutAsJsonAsync($"/api/admin/catalogue/{entry.Str("id")}", Valid("共享单车停放"));
        Assert.Contains("第 1 版", (await stale.ProblemAsync(HttpStatusCode.Conflict)).Str("detail"));
        var edited = await admin.PutAsJsonAsync($"/api/admin/catalogue/{entry.Str("id")}", new
        {
            name = "共享单车停放",
            categoryId = "transport",
            keywords = new[] { "共享单车" },
            level = "City",
            departmentId = "city-transport",
            version = 1,
            active = false,
        });
        var after = JsonNode.Parse(await edited.Content.ReadAsStringAsync())!;
        Assert.Equal((2, false), (after["version"]!.GetValue<int>(), after["active"]!.GetValue<bool>()));
        var agent = await Host.SignInAsync("agent");
        Assert.DoesNotContain((await agent.GetOkAsync("/api/catalogue?q=共享单车")).AsArray(), e => e!.Str("name") == "共享单车停放");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/catalogue/{entry.Str("id")}")).StatusCode);
        await (await admin.DeleteAsync($"/api/admin/catalogue/{entry.Str("id")}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(before, await CountEntriesAsync());
    }

    [Fact]
    public async Task ADeleteMeetingAnotherAdminsDeleteOrEdit_IsA404OrA409_NotA500()
    {
        // A host whose delete pauses once, after reading the entry and before deleting it, while another admin acts on it.
        var pause = new AfterTrackedRead<RoutingDbContext, Hotline.Routing.Catalogue.CatalogueEntry>();
        await using var host = await TestHost.StartAsync(Database, deliverOutbox: false,
            services: s => s.ConfigureDbContext<RoutingDbContext>(o => o.AddInterceptors(pause)));
        var admin = await host.SignInAsync("admin");
        var other = await host.SignInAsync("admin");
        var before = await CountEntriesAsync();

        var first = (await admin.PostOkAsync("/api/admin/catalogue", Valid("共享单车乱停放"))).Str("id");
        pause.Next(async () => Assert.Equal(HttpStatusCode.NoContent, (await other.DeleteAsync($"/api/admin/catalogue/{first}")).StatusCode));
        var gone = await (await admin.DeleteAsync($"/api/admin/catalogue/{first}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("刚被他人删除", gone.Str("detail"));
        Assert.True(pause.Fired);

        var second = (await admin.PostOkAsync("/api/admin/catalogue", Valid("共享单车停放"))).Str("id");
        var edit = new { name = "共享单车停放", categoryId = "transport", keywords = new[] { "共享单车" }, level = "City", departmentId = "city-transport", version = 1 };
        pause.Next(async () => await other.PutOkAsync($"/api/admin/catalogue/{second}", edit));
        var changed = await (await admin.DeleteAsync($"/api/admin/catalogue/{second}")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("刚被他人修改", changed.Str("detail"));
        Assert.True(pause.Fired);

        // The edited entry stands, at its new version; the deleted one is gone.
        var kept = (await admin.GetOkAsync("/api/admin/catalogue")).AsArray().Single(e => e!.Str("id") == second)!;
        Assert.Equal(("City", 2), (kept.Str("level"), kept["version"]!.GetValue<int>()));
        Assert.Equal(before + 1, await CountEntriesAsync());
    }

    [Fact]
    public async Task Catalogue_IsExportedAndImportedAsJsonLines_AllOrNothing()
    {
        var admin = await Host.SignInAsync("admin");
        var before = await CountEntriesAsync();
        var export = await admin.GetAsync("/api/admin/catalogue/export");
        Assert.Equal("application/x-ndjson", export.Content.Headers.ContentType?.MediaType);
        var lines = (await export.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(before, lines.Length);
        Assert.Contains(lines, l => l.Contains("\"name\":\"占道经营\"", StringComparison.Ordinal));

        // One bad line spoils the file: the good new line before it is not written either.
        var bad = "{\"name\":\"共享单车乱停放\",\"categoryId\":\"transport\",\"keywords\":[\"共享单车\"],\"level\":\"City\",\"departmentId\":\"city-transport\"}\n"
            + "not json\n"
            + "{\"name\":\"占道经营\",\"categoryId\":\"urban-construction\",\"keywords\":[\"占道\"],\"level\":\"Street\",\"departmentId\":\"nobody\"}\n"
            + "{\"name\":\"共享单车乱停放\",\"categoryId\":\"transport\",\"keywords\":[\"单车\"],\"level\":\"City\",\"departmentId\":\"city-transport\"}\n";
        var refused = await (await admin.PostAsync("/api/admin/catalogue/import", new StringContent(bad, Encoding.UTF8, "application/x-ndjson")))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var messages = refused["errors"]!["lines"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        Assert.Contains(messages, m => m.StartsWith("第 2 行", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("第 3 行", StringComparison.Ordinal) && m.Contains("nobody", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("第 4 行", StringComparison.Ordinal) && m.Contains("与第 1 行重复", StringComparison.Ordinal));
        Assert.Equal(before, await CountEntriesAsync());

        // The export imports back as updates, and a new line is created.
        var round = string.Join("\n", lines) + "\n" + bad.Split('\n')[0] + "\n";
        var result = await (await admin.PostAsync("/api/admin/catalogue/import", new StringContent(round, Encoding.UTF8, "application/x-ndjson")))
            .Content.ReadFromJsonAsync<JsonNode>();
        Assert.Equal((1, before), (result!["created"]!.GetValue<int>(), result["updated"]!.GetValue<int>()));
        Assert.Equal(before + 1, await CountEntriesAsync());
        var dispatcher = await Host.SignInAsync("dispatcher");
        Assert.Equal("共享单车乱停放", (await dispatcher.GetOkAsync("/api/catalogue?q=共享单车"))[0]!.Str("name"));
    }
}
