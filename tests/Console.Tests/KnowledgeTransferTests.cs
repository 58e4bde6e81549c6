using System.Net;
using System.Text;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Knowledge.Storage;
using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests;

/// <summary>Knowledge articles in and out as JSON Lines and CSV, and history imported as CSV, through the API.</summary>
public sealed class KnowledgeTransferTests : HostTest
{
    private async Task<int> ArticleCountAsync()
    {
        using var scope = Host.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().Articles.CountAsync();
    }

    [Fact]
    public async Task AnExport_EditedInExcel_ImportsBackAsNewVersions_AndNewLinesBecomeDrafts()
    {
        var admin = await Host.SignInAsync("admin");
        var created = await admin.PostOkAsync("/api/knowledge/articles", new
        {
            title = "居住证办理指南",
            body = "=携带身份证、租房合同到街道便民服务中心办理。",
            category = "劳动和社会保障",
            ownerDepartmentId = "city-hrss",
            keywords = "居住证,办证",
            validUntil = "2026-12-31",
        });
        var id = created.Str("id");

        var export = await admin.GetAsync("/api/knowledge/articles/export?format=csv");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        Assert.Equal("knowledge-articles.csv", export.Content.Headers.ContentDisposition?.FileNameStar ?? export.Content.Headers.ContentDisposition?.FileName);
        var bytes = await export.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var csv = Encoding.UTF8.GetString(bytes);
        Assert.Contains("'=携带身份证", csv); // the formula-looking body is escaped for Excel

        // Unchanged, the export imports back as it is.
        var same = await admin.PostAsync("/api/knowledge/articles/import", new ByteArrayContent(bytes) { Headers = { { "Content-Type", "text/csv" } } });
        var unchanged = System.Text.Json.Nodes.JsonNode.Parse(await same.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal((0, 0, 1), (unchanged["created"]!.GetValue<int>(), unchanged["updated"]!.GetValue<int>(), unchanged["unchanged"]!.GetValue<int>()));

        // Edited, with a new line: the edit is a new version, the new line a new draft, and the body keeps its leading "=".
        var edited = csv.Replace("租房合同", "不动产权证书", StringComparison.Ordinal) + ",社保卡补办,到任一社保服务网点补办。,劳动和社会保障,city-hrss,,,,,,,,\r\n";
        var result = await admin.PostRawAsync("/api/knowledge/articles/import", edited, "text/csv");
        var counts = System.Text.Json.Nodes.JsonNode.Parse(await result.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Equal((1, 1, 0), (counts["created"]!.GetValue<int>(), counts["updated"]!.GetValue<int>(), counts["unchanged"]!.GetValue<int>()));
        var article = await admin.GetOkAsync($"/api/knowledge/articles/{id}");
        Assert.Equal("=携带身份证、不动产权证书到街道便民服务中心办理。", article.Str("body"));
        Assert.Equal(2, article["version"]!.GetValue<int>());
        Assert.Equal("2026-12-31", article.Str("validUntil"));
        var drafts = await admin.GetOkAsync("/api/knowledge/articles?status=Draft");
        Assert.Contains(drafts["items"]!.AsArray(), a => a!.Str("title") == "社保卡补办");

        // The new article is searchable at once.
        var hits = (await admin.GetOkAsync("/api/knowledge/search?q=社保卡补办")).AsArray();
        Assert.Equal("社保卡补办", hits[0]!.Str("title"));

        // And the JSON Lines export carries the same articles.
        var jsonl = await (await admin.GetAsync("/api/knowledge/articles/export?format=jsonl&status=Draft")).Content.ReadAsStringAsync();
        var lines = jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Equal("Draft", System.Text.Json.Nodes.JsonNode.Parse(l)!.Str("status")));
    }

    [Fact]
    public async Task AnOldExport_ChangedAfterTheArticleWasEdited_IsRefused_NotOverwritingTheEdit()
    {
        var admin = await Host.SignInAsync("admin");
        var id = (await admin.PostOkAsync("/api/knowledge/articles", new { title = "护照办理", body = "到出入境窗口办理，10 个工作日出证。" })).Str("id");
        var old = await (await admin.GetAsync("/api/knowledge/articles/export?format=csv")).Content.ReadAsStringAsync();
        await admin.PutOkAsync($"/api/knowledge/articles/{id}", new { title = "护照办理", body = "到出入境窗口办理，7 个工作日出证。", version = 1 });

        // The old file, edited elsewhere: refused, naming the versions, and the newer edit stays.
        var stale = old.Replace("10 个工作日", "15 个工作日", StringComparison.Ordinal);
        var problem = await (await admin.PostRawAsync("/api/knowledge/articles/import", stale, "text/csv")).ProblemAsync(HttpStatusCode.BadRequest);
        var line = problem["errors"]!["lines"]![0]!.GetValue<string>();
        Assert.Contains("第 1 版", line);
        Assert.Contains("第 2 版", line);
        var article = await admin.GetOkAsync($"/api/knowledge/articles/{id}");
        Assert.Equal(("到出入境窗口办理，7 个工作日出证。", 2), (article.Str("body"), article["version"]!.GetValue<int>()));

        // The old file unchanged is no edit at all; a fresh export edited the same way goes in; a version that is no number is named.
        Assert.Equal(HttpStatusCode.OK, (await admin.PostRawAsync("/api/knowledge/articles/import", old.Replace("10 个工作日", "7 个工作日", StringComparison.Ordinal), "text/csv")).StatusCode);
        var fresh = await (await admin.GetAsync("/api/knowledge/articles/export?format=csv")).Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostRawAsync("/api/knowledge/articles/import",
            fresh.Replace("7 个工作日", "5 个工作日", StringComparison.Ordinal), "text/csv")).StatusCode);
        Assert.Equal(3, (await admin.GetOkAsync($"/api/knowledge/articles/{id}"))["version"]!.GetValue<int>());
        var jsonl = $"{{\"id\":\"{id}\",\"body\":\"改\",\"version\":\"三\"}}\n";
        var bad = await (await admin.PostRawAsync("/api/knowledge/articles/import", jsonl, "application/x-ndjson")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("version", bad["errors"]!["lines"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task AnImport_MeetingAnEditSavedWhileItRan_IsA409_AndWritesNothing()
    {
        // A host whose import pauses once, after reading the articles it changes and before writing them, while an editor
        // saves one of them through the API: the interleaving a slow import on a busy hotline meets.
        var pause = new AfterTrackedRead<KnowledgeDbContext, Hotline.Knowledge.Articles.Article>();
        await using var host = await TestHost.StartAsync(Database, deliverOutbox: false,
            services: s => s.ConfigureDbContext<KnowledgeDbContext>(o => o.AddInterceptors(pause)));
        var admin = await host.SignInAsync("admin");
        var editor = await host.SignInAsync("admin");
        var kept = (await admin.PostOkAsync("/api/knowledge/articles", new { title = "社保卡补办", body = "到任一社保网点补办。" })).Str("id");
        var id = (await admin.PostOkAsync("/api/knowledge/articles", new { title = "护照办理", body = "到出入境窗口办理，10 个工作日出证。" })).Str("id");
        var export = await (await admin.GetAsync("/api/knowledge/articles/export?format=csv")).Content.ReadAsStringAsync();
        pause.Next(() => editor.PutOkAsync($"/api/knowledge/articles/{id}",
            new { title = "护照办理", body = "到出入境窗口办理，7 个工作日出证。", version = 1 }));

        var edited = export.Replace("10 个工作日", "15 个工作日", StringComparison.Ordinal)
            .Replace("到任一社保网点补办。", "到任一社保网点或银行网点补办。", StringComparison.Ordinal);
        var problem = await (await admin.PostRawAsync("/api/knowledge/articles/import", edited, "text/csv")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("内容已被他人修改", problem.Str("title"));
        Assert.True(pause.Fired);

        // The editor's save stands; neither article took anything from the file, nor gained a version.
        var article = await admin.GetOkAsync($"/api/knowledge/articles/{id}");
        Assert.Equal(("到出入境窗口办理，7 个工作日出证。", 2), (article.Str("body"), article["version"]!.GetValue<int>()));
        var other = await admin.GetOkAsync($"/api/knowledge/articles/{kept}");
        Assert.Equal(("到任一社保网点补办。", 1), (other.Str("body"), other["version"]!.GetValue<int>()));
    }

    [Fact]
    public async Task AFileWithoutAColumn_KeepsWhatTheArticlesHaveThere_AndABlankCellClearsIt()
    {
        var admin = await Host.SignInAsync("admin");
        var created = await admin.PostOkAsync("/api/knowledge/articles", new
        {
            title = "2025 年度社保缴费基数",
            body = "2025 年度缴费基数下限为 4,500 元。",
            category = "劳动和社会保障",
            ownerDepartmentId = "city-hrss",
            validUntil = "2025-12-31",
        });
        var id = created.Str("id");

        // Only id, title, body: the validity (which alone keeps the lapsed article from citizens), category and owner stay.
        var narrow = $"id,title,body\r\n{id},2025 年度社保缴费基数,\"2025 年度缴费基数下限为 4,600 元。\"\r\n";
        Assert.Equal(HttpStatusCode.OK, (await admin.PostRawAsync("/api/knowledge/articles/import", narrow, "text/csv")).StatusCode);
        var article = await admin.GetOkAsync($"/api/knowledge/articles/{id}");
        Assert.Equal("2025 年度缴费基数下限为 4,600 元。", article.Str("body"));
        Assert.Equal(("2025-12-31", "劳动和社会保障", "city-hrss"), (article.Str("validUntil"), article.Str("category"), article.Str("ownerDepartmentId")));

        // The column present but blank: cleared, as asked.
        var cleared = $"id,title,body,validUntil\r\n{id},2025 年度社保缴费基数,\"2025 年度缴费基数下限为 4,600 元。\",\r\n";
        Assert.Equal(HttpStatusCode.OK, (await admin.PostRawAsync("/api/knowledge/articles/import", cleared, "text/csv")).StatusCode);
        Assert.Null((await admin.GetOkAsync($"/api/knowledge/articles/{id}"))["validUntil"]);
    }

    [Fact]
    public async Task DatesOutsideAnyPolicysRange_AndOverlongFields_AreRefused_NotStored()
    {
        var admin = await Host.SignInAsync("admin");
        async Task<System.Text.Json.Nodes.JsonNode> RefusedAsync(object body) => await (await admin.PostAsync("/api/knowledge/articles",
            System.Net.Http.Json.JsonContent.Create(body))).ProblemAsync(HttpStatusCode.BadRequest);
        var yearZero = await RefusedAsync(new { title = "标题", body = "正文", validFrom = "0000-01-01" });
        Assert.Contains("1900", yearZero["errors"]!["validFrom"]![0]!.GetValue<string>());
        var category = await RefusedAsync(new { title = "标题", body = "正文", category = new string('类', 101) });
        Assert.NotNull(category["errors"]!["category"]);
        var owner = await RefusedAsync(new { title = "标题", body = "正文", ownerDepartmentId = new string('d', 65) });
        Assert.NotNull(owner["errors"]!["ownerDepartmentId"]);
        Assert.Equal(0, await ArticleCountAsync());
    }

    [Fact]
    public async Task ABadFile_IsRefusedWhole_ListingEveryBadLine()
    {
        var admin = await Host.SignInAsync("admin");
        var before = await ArticleCountAsync();
        var file = string.Join('\n',
            "{\"title\":\"好的一行\",\"body\":\"正文\"}",
            "not json",
            "{\"title\":\"\",\"body\":\"没有标题\"}",
            "{\"id\":\"42\",\"title\":\"t\",\"body\":\"b\"}",
            "{\"title\":\"t\",\"body\":\"b\",\"status\":\"作废\"}",
            "{\"title\":\"t\",\"body\":\"b\",\"validFrom\":\"2026-12-31\",\"validUntil\":\"2026-01-01\"}");
        var problem = await (await admin.PostRawAsync("/api/knowledge/articles/import", file, "application/x-ndjson")).ProblemAsync(HttpStatusCode.BadRequest);
        var lines = problem["errors"]!["lines"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();
        foreach (var line in new[] { 2, 3, 4, 5, 6 })
        {
            Assert.Contains(lines, l => l.StartsWith($"第 {line} 行", StringComparison.Ordinal));
        }
        Assert.DoesNotContain(lines, l => l.StartsWith("第 1 行", StringComparison.Ordinal));
        Assert.True(Api.IsChinese(problem.Str("title")));
        Assert.Equal(before, await ArticleCountAsync()); // not even the good line

        await (await admin.PostRawAsync("/api/knowledge/articles/import", "{}", "application/json")).ProblemAsync(HttpStatusCode.UnsupportedMediaType);
        var broken = await (await admin.PostRawAsync("/api/knowledge/articles/import", "title,body\n\"a\"b,c\n", "text/csv")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("CSV", broken["errors"]!["lines"]![0]!.GetValue<string>());
        await (await admin.GetAsync("/api/knowledge/articles/export?format=xlsx")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Departments_ImportOnlyTheirOwnArticles_AndAgentsCannotImport()
    {
        var admin = await Host.SignInAsync("admin");
        var others = await admin.PostOkAsync("/api/knowledge/articles", new { title = "社保缴费基数", body = "每年七月调整。", ownerDepartmentId = "city-hrss" });

        var housing = await Host.SignInAsync("housing");
        var problem = await (await housing.PostRawAsync("/api/knowledge/articles/import",
            $"{{\"id\":\"{others.Str("id")}\",\"title\":\"改别人的\",\"body\":\"不行\"}}\n", "application/x-ndjson")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("其他单位", problem["errors"]!["lines"]![0]!.GetValue<string>());
        Assert.Equal("社保缴费基数", (await admin.GetOkAsync($"/api/knowledge/articles/{others.Str("id")}")).Str("title"));

        // What a department imports is its own, whatever the file says.
        var own = await housing.PostAsync("/api/knowledge/articles/import",
            new StringContent("{\"title\":\"物业维修基金\",\"body\":\"按规定申请使用。\",\"ownerDepartmentId\":\"city-hrss\"}\n", Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var mine = await housing.GetOkAsync("/api/knowledge/articles?department=city-housing");
        Assert.Contains(mine["items"]!.AsArray(), a => a!.Str("title") == "物业维修基金");

        var agent = await Host.SignInAsync("agent");
        await (await agent.PostRawAsync("/api/knowledge/articles/import", "{\"title\":\"t\",\"body\":\"b\"}\n", "application/x-ndjson")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/knowledge/articles/export?format=csv")).StatusCode);
    }

    [Fact]
    public async Task History_CanBeImportedAsCsv()
    {
        var admin = await Host.SignInAsync("admin");
        var csv = "text,label\n\"小区路灯不亮, 晚上很黑\",城乡建设\n河道有异味,环境保护\n,城乡建设\n";
        var result = await admin.PostAsync("/api/admin/routing/training-data", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var counts = System.Text.Json.Nodes.JsonNode.Parse(await result.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Equal(2, counts["imported"]!.GetValue<int>());
        Assert.Equal(1, counts["skipped"]!.GetValue<int>());
        using var scope = Host.Services.CreateScope();
        var texts = await scope.ServiceProvider.GetRequiredService<RoutingDbContext>().TrainingExamples.Select(e => e.Text).ToListAsync();
        Assert.Contains("小区路灯不亮, 晚上很黑", texts);

        var bad = await (await admin.PostAsync("/api/admin/routing/training-data", new StringContent("text,label\n路灯,外星事务\n", Encoding.UTF8, "text/csv")))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("第 2 行", bad["errors"]!["lines"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task History_SentTwice_IsNotDoubled_AndAFileWithoutTheColumns_IsRefused()
    {
        var admin = await Host.SignInAsync("admin");
        async Task<System.Text.Json.Nodes.JsonNode> ImportAsync(string csv)
        {
            var response = await admin.PostAsync("/api/admin/routing/training-data", new StringContent(csv, Encoding.UTF8, "text/csv"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        }
        async Task<int> CountAsync()
        {
            using var scope = Host.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<RoutingDbContext>().TrainingExamples.CountAsync();
        }
        // Two citizens wrote the same words: both lines are history.
        var file = "text,label\n小区路灯不亮,城乡建设\n小区路灯不亮,城乡建设\n河道有异味,环境保护\n";
        Assert.Equal(3, (await ImportAsync(file))["imported"]!.GetValue<int>());
        var again = await ImportAsync(file);
        Assert.Equal((0, 3), (again["imported"]!.GetValue<int>(), again["alreadyImported"]!.GetValue<int>()));
        var longer = await ImportAsync(file + "小区路灯不亮,城乡建设\n公交车不按站停靠,交通运输\n");
        Assert.Equal((2, 3), (longer["imported"]!.GetValue<int>(), longer["alreadyImported"]!.GetValue<int>()));
        Assert.Equal(5, await CountAsync());

        foreach (var (csv, named) in new[] { ("诉求内容,一级分类\n小区路灯不亮,城乡建设\n", "text 和 label"), ("text\n小区路灯不亮\n", "label"), ("", "没有") })
        {
            var refused = await (await admin.PostAsync("/api/admin/routing/training-data", new StringContent(csv, Encoding.UTF8, "text/csv")))
                .ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains(named, refused["errors"]!["lines"]![0]!.GetValue<string>());
        }
        Assert.Equal(5, await CountAsync());

        // Another import is comparing and adding (a retry beside the request it repeats, on this host or another): this one waits.
        var claims = Host.Services.GetRequiredService<Hotline.Routing.Supervision.BackgroundClaims>();
        var held = await claims.TryClaimAsync(Hotline.Routing.Engine.RoutingEndpoints.HistoryImportLease, TimeSpan.Zero, TimeSpan.FromMinutes(10), CancellationToken.None);
        Assert.NotNull(held);
        var busy = await (await admin.PostAsync("/api/admin/routing/training-data", new StringContent(file, Encoding.UTF8, "text/csv")))
            .ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("历史工单导入正在进行", busy.Str("title"));
        await claims.ReleaseAsync(held, CancellationToken.None);
        Assert.Equal(0, (await ImportAsync(file))["imported"]!.GetValue<int>());
        Assert.Equal(5, await CountAsync());
    }
}
