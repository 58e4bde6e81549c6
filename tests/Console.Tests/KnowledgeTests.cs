using System.Net;
using System.Net.Http.Json;
using Hotline.Console.Tests.Infrastructure;

namespace Hotline.Console.Tests;

/// <summary>The knowledge base through the API: drafts, versions, publishing, department ownership, concurrent edits.</summary>
public sealed class KnowledgeTests : HostTest
{
    [Fact]
    public async Task Articles_AreVersioned_PublishedByTheirOwners_AndEditsCannotCollide()
    {
        var admin = await Host.SignInAsync("admin");
        var created = await admin.PostAsJsonAsync("/api/knowledge/articles", new
        {
            title = "居住证办理指南",
            body = "携带身份证、租房合同到所在街道便民服务中心办理，5 个工作日内领证。",
            category = "劳动和社会保障",
            ownerDepartmentId = "city-hrss",
            keywords = "居住证,办证",
            validFrom = "2026-01-01",
            validUntil = "2026-12-31",
            reviewBy = "2026-06-30",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var article = System.Text.Json.Nodes.JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var id = article.Str("id");
        Assert.Equal("Draft", article.Str("status"));
        Assert.Equal(1, article["version"]!.GetValue<int>());

        var published = await admin.PostOkAsync($"/api/knowledge/articles/{id}/status", new { status = "Published", version = 1 });
        Assert.Equal("Published", published.Str("status"));
        Assert.Equal(2, published["version"]!.GetValue<int>());
        var stale = await admin.PutAsJsonAsync($"/api/knowledge/articles/{id}", new { title = "x", body = "y", version = 1 });
        await stale.ProblemAsync(HttpStatusCode.Conflict);
        var versions = (await admin.GetOkAsync($"/api/knowledge/articles/{id}/versions")).AsArray();
        Assert.Equal([2, 1], versions.Select(v => v!["version"]!.GetValue<int>()));

        // Each version keeps what it said, so an editor can read and compare what citizens were told before a change.
        await admin.PutOkAsync($"/api/knowledge/articles/{id}", new { title = "居住证办理指南", body = "网上申请，3 个工作日内领证。", version = 2 });
        versions = (await admin.GetOkAsync($"/api/knowledge/articles/{id}/versions")).AsArray();
        Assert.Equal([3, 2, 1], versions.Select(v => v!["version"]!.GetValue<int>()));
        Assert.Equal("网上申请，3 个工作日内领证。", versions[0]!.Str("body"));
        Assert.Null(versions[0]!["validFrom"]);
        var first = versions[2]!;
        Assert.Equal("携带身份证、租房合同到所在街道便民服务中心办理，5 个工作日内领证。", first.Str("body"));
        Assert.Equal(("劳动和社会保障", "city-hrss", "居住证,办证"), (first.Str("category"), first.Str("ownerDepartmentId"), first.Str("keywords")));
        Assert.Equal(("2026-01-01", "2026-12-31", "2026-06-30"), (first.Str("validFrom"), first.Str("validUntil"), first.Str("reviewBy")));
        Assert.Equal("Draft", first.Str("status"));

        // A department edits only its own articles, and what it writes is its own.
        var housing = await Host.SignInAsync("housing");
        await (await housing.PostAsJsonAsync($"/api/knowledge/articles/{id}/status", new { status = "Expired", version = 2 })).ProblemAsync(HttpStatusCode.Forbidden);
        var own = await housing.PostAsJsonAsync("/api/knowledge/articles", new { title = "物业维修基金使用", body = "按《物业管理条例》申请使用。", ownerDepartmentId = "city-hrss" });
        var ownArticle = System.Text.Json.Nodes.JsonNode.Parse(await own.Content.ReadAsStringAsync())!;
        Assert.Equal("city-housing", ownArticle.Str("ownerDepartmentId"));

        var agent = await Host.SignInAsync("agent");
        await (await agent.PostAsJsonAsync("/api/knowledge/articles", new { title = "t", body = "b" })).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(1, (await agent.GetOkAsync("/api/knowledge/articles?status=Published"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task ArticlesDueForReview_AreListedForTheirOwners_UntilReviewedOrExpired()
    {
        // Today is 2026-11-23 (Beijing). Due: published and its review date has come, or its validity ended while published.
        var admin = await Host.SignInAsync("admin");
        async Task<(string Id, int Version)> PublishedAsync(string title, string? reviewBy = null, string? validUntil = null, bool publish = true)
        {
            var created = await admin.PostOkAsync("/api/knowledge/articles",
                new { title, body = "按现行规定办理。", ownerDepartmentId = "city-housing", reviewBy, validUntil });
            var article = publish
                ? await admin.PostOkAsync($"/api/knowledge/articles/{created.Str("id")}/status", new { status = "Published", version = 1 })
                : created;
            return (article.Str("id"), article["version"]!.GetValue<int>());
        }
        var reviewToday = await PublishedAsync("物业维修基金使用", reviewBy: "2026-11-23");
        var lapsed = await PublishedAsync("旧版公租房政策", validUntil: "2026-11-22");
        await PublishedAsync("居住证办理指南", reviewBy: "2026-11-24", validUntil: "2026-11-23");
        await PublishedAsync("草稿不提醒", reviewBy: "2026-01-01", publish: false);

        async Task<string[]> DueAsync(HttpClient client, string query = "") =>
            [.. (await client.GetOkAsync("/api/knowledge/articles?needsReview=true" + query))["items"]!.AsArray().Select(a => a!.Str("title")).Order()];
        Assert.Equal(["旧版公租房政策", "物业维修基金使用"], await DueAsync(admin));
        var housing = await Host.SignInAsync("housing");
        Assert.Equal(["旧版公租房政策", "物业维修基金使用"], await DueAsync(housing, "&department=city-housing"));
        Assert.Empty(await DueAsync(housing, "&department=city-hrss"));
        var export = await admin.GetStringAsync("/api/knowledge/articles/export?format=jsonl&needsReview=true");
        Assert.Equal(2, export.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("旧版公租房政策", export, StringComparison.Ordinal);

        // Reviewed: the owner sets the next review date. Lapsed: expired. Neither is due any more.
        await admin.PutOkAsync($"/api/knowledge/articles/{reviewToday.Id}",
            new { title = "物业维修基金使用", body = "按现行规定办理。", ownerDepartmentId = "city-housing", reviewBy = "2027-05-23", version = reviewToday.Version });
        await admin.PostOkAsync($"/api/knowledge/articles/{lapsed.Id}/status", new { status = "Expired", version = lapsed.Version });
        Assert.Empty(await DueAsync(admin));
        await (await admin.GetAsync("/api/knowledge/articles?needsReview=maybe")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task BadArticles_AreRefused_WithChineseMessages()
    {
        var admin = await Host.SignInAsync("admin");
        var problem = await (await admin.PostAsJsonAsync("/api/knowledge/articles", new
        {
            title = "",
            body = new string('长', 50_001),
            validFrom = "2026-12-31",
            validUntil = "2026-01-01",
            reviewBy = "明年",
        })).ProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem["errors"]!.AsObject().Select(e => e.Key).Order().ToList();
        Assert.Equal(["body", "reviewBy", "title", "validUntil"], errors);
        await (await admin.GetAsync("/api/knowledge/articles?status=Whatever")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.GetAsync($"/api/knowledge/articles/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Search_FindsArticlesForAgents_AndOnlyPublishedOnesInForceForCitizens()
    {
        var admin = await Host.SignInAsync("admin");
        async Task<string> CreateAsync(string title, string body, string? validUntil = null)
        {
            var created = await admin.PostAsJsonAsync("/api/knowledge/articles", new { title, body, validUntil });
            return System.Text.Json.Nodes.JsonNode.Parse(await created.Content.ReadAsStringAsync())!.Str("id");
        }
        var published = await CreateAsync("居住证办理指南", "携带身份证和租房合同到街道便民服务中心办理居住证。");
        var draft = await CreateAsync("居住证签注说明", "居住证每年签注一次，逾期未签注的需重新申领。");
        var lapsed = await CreateAsync("旧版居住证政策", "旧版居住证政策已于2025年底废止。", validUntil: "2025-12-31");
        await admin.PostOkAsync($"/api/knowledge/articles/{published}/status", new { status = "Published", version = 1 });
        await admin.PostOkAsync($"/api/knowledge/articles/{lapsed}/status", new { status = "Published", version = 1 });

        var agent = await Host.SignInAsync("agent");
        var forAgents = (await agent.GetOkAsync("/api/knowledge/search?q=居住证怎么办理")).AsArray();
        Assert.Equal(3, forAgents.Count);
        Assert.Equal(published, forAgents[0]!.Str("id"));
        var fragments = forAgents[0]!["highlights"]!.AsObject().SelectMany(f => f.Value!.AsArray()).Select(v => v!.GetValue<string>()).ToList();
        Assert.Contains(fragments, f => f.Contains("<em>", StringComparison.Ordinal) && f.Contains("居住", StringComparison.Ordinal));
        Assert.Contains(forAgents, h => h!.Str("id") == draft && h!.Str("status") == "draft");
        // Agents see lapsed articles too, marked as such by the host's today (2026-11-23), with their validity.
        var old = forAgents.Single(h => h!.Str("id") == lapsed)!;
        Assert.Equal("2025-12-31", old.Str("validUntil"));
        Assert.Null(old["validFrom"]);
        Assert.False(old["inForce"]!.GetValue<bool>());
        Assert.True(forAgents[0]!["inForce"]!.GetValue<bool>());

        var forCitizens = (await Host.Anonymous().GetOkAsync("/api/citizen/knowledge/search?q=居住证怎么办理")).AsArray();
        Assert.Equal(published, Assert.Single(forCitizens)!.Str("id")); // not the draft, not the lapsed one
        // A citizen's hit says what to open, not who keeps the article, its status or the ranking score.
        Assert.Equal(["category", "highlights", "id", "title", "validUntil"], forCitizens[0]!.AsObject().Select(p => p.Key).Order());

        await admin.PostOkAsync($"/api/knowledge/articles/{published}/status", new { status = "Expired", version = 2 });
        Assert.Empty((await Host.Anonymous().GetOkAsync("/api/citizen/knowledge/search?q=居住证")).AsArray());
        Assert.Empty((await Host.Anonymous().GetOkAsync("/api/citizen/knowledge/search?q=")).AsArray());
        await (await Host.Anonymous().GetAsync("/api/citizen/knowledge/search?q=x&size=500")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ManyLapsedBetterMatches_DoNotHideTheArticleInForce_FromCitizens()
    {
        // 60 published articles whose validity ended, each a closer match than the one in force: the citizen's search must page
        // past them (pages of 50), not answer empty because its first page of hits was all lapsed.
        var csv = new System.Text.StringBuilder("title,body,status,validUntil\r\n");
        for (var i = 1; i <= 60; i++)
        {
            csv.Append($"居住证办理指南（{2000 + i} 年版）,居住证办理：携带身份证到街道办理居住证。第 {i} 版。,Published,2025-12-31\r\n");
        }
        csv.Append("流动人口登记须知,来本市居住半年以上的，可凭身份证申领居住证。,Published,\r\n");
        var admin = await Host.SignInAsync("admin");
        var imported = await admin.PostRawAsync("/api/knowledge/articles/import", csv.ToString(), "text/csv");
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);

        var forAgents = (await admin.GetOkAsync("/api/knowledge/search?q=居住证办理&size=50")).AsArray();
        Assert.Equal(50, forAgents.Count);
        Assert.DoesNotContain(forAgents, h => h!.Str("title") == "流动人口登记须知"); // the premise: a first page of lapsed ones

        var forCitizens = (await Host.Anonymous().GetOkAsync("/api/citizen/knowledge/search?q=居住证办理&size=3")).AsArray();
        Assert.Equal("流动人口登记须知", Assert.Single(forCitizens)!.Str("title"));
    }

    [Fact]
    public async Task CitizenArticle_IsReadableWhole_OnlyWhilePublishedAndInForce()
    {
        var admin = await Host.SignInAsync("admin");
        async Task<string> CreateAsync(string title, string body, string? validUntil = null)
        {
            var created = await admin.PostAsJsonAsync("/api/knowledge/articles",
                new { title, body, validUntil, ownerDepartmentId = "city-hrss", keywords = "内部关键词" });
            return System.Text.Json.Nodes.JsonNode.Parse(await created.Content.ReadAsStringAsync())!.Str("id");
        }
        var body = "携带身份证和租房合同到街道便民服务中心办理居住证，5 个工作日内领证。\n逾期未签注的需重新申领。";
        var published = await CreateAsync("居住证办理指南", body);
        var draft = await CreateAsync("居住证签注说明", "居住证每年签注一次。");
        var lapsed = await CreateAsync("旧版居住证政策", "旧版居住证政策已于2025年底废止。", validUntil: "2025-12-31");
        await admin.PostOkAsync($"/api/knowledge/articles/{published}/status", new { status = "Published", version = 1 });
        await admin.PostOkAsync($"/api/knowledge/articles/{lapsed}/status", new { status = "Published", version = 1 });

        var citizen = Host.Anonymous();
        var article = await citizen.GetOkAsync($"/api/citizen/knowledge/articles/{published}");
        Assert.Equal("居住证办理指南", article.Str("title"));
        Assert.Equal(body, article.Str("body"));
        Assert.Null(article["ownerDepartmentId"]);   // a citizen reads the answer, not who keeps it or its internal keywords
        Assert.DoesNotContain("内部关键词", article.ToJsonString());

        foreach (var hidden in new[] { draft, lapsed, Guid.NewGuid().ToString() })
        {
            var problem = await (await citizen.GetAsync($"/api/citizen/knowledge/articles/{hidden}")).ProblemAsync(HttpStatusCode.NotFound);
            Assert.True(Api.IsChinese(problem.Str("detail")));
        }
        await admin.PostOkAsync($"/api/knowledge/articles/{published}/status", new { status = "Expired", version = 2 });
        await (await citizen.GetAsync($"/api/citizen/knowledge/articles/{published}")).ProblemAsync(HttpStatusCode.NotFound);
    }
}
