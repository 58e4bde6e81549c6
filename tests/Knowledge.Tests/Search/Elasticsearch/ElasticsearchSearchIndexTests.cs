using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Hotline.Knowledge.Search;
using Microsoft.AspNetCore.Http;

namespace Hotline.Knowledge.Tests.Search.Elasticsearch;

/// <summary>
/// The Elasticsearch adapter's side of the wire, against <see cref="FakeElasticsearch"/>: the requests it makes (method, path,
/// NDJSON and query JSON, alias actions) and how it reads Elastic's own example answers (../shared/fixtures/elasticsearch).
/// The behaviour on a real cluster is <see cref="ElasticsearchLiveTests"/>.
/// </summary>
public sealed class ElasticsearchSearchIndexTests
{
    private const string Alias = FakeElasticsearch.Alias;
    private const string Acknowledged = """{"acknowledged":true}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SearchDocument Document(string id, string title = "路灯不亮怎么报修", string body = "夜间路灯不亮可拨打12345报修。") =>
        new(id, title, body)
        {
            Category = "城乡建设",
            Department = "city-admin",
            Metadata = new Dictionary<string, string> { ["status"] = "published", ["validUntil"] = "2026-12-31" },
        };

    /// <summary>
    /// A search answer in the shape of the spec's example (search.response.200.json) with Hotline's documents as its hits. The spec
    /// has no example with highlights; a hit's <c>highlight</c> is an object of field name to fragment array.
    /// </summary>
    private static string SearchAnswer(params JsonObject[] hits)
    {
        var answer = JsonNode.Parse(ElasticsearchFixtures.Read("search.response.200.json"))!;
        var array = answer["hits"]!["hits"]!.AsArray();
        array.Clear();
        foreach (var hit in hits)
        {
            array.Add(hit);
        }
        return answer.ToJsonString();
    }

    private static string Nodes(params string[][] pluginsPerNode)
    {
        var nodes = new JsonObject();
        for (var i = 0; i < pluginsPerNode.Length; i++)
        {
            nodes[$"node-{i}"] = new JsonObject
            {
                ["name"] = $"es-{i}",
                ["plugins"] = new JsonArray([.. pluginsPerNode[i].Select(p => (JsonNode)new JsonObject { ["name"] = p, ["version"] = "9.1.0" })]),
                ["modules"] = new JsonArray(new JsonObject { ["name"] = "analysis-common" }),
            };
        }
        return new JsonObject { ["_nodes"] = new JsonObject { ["total"] = pluginsPerNode.Length }, ["cluster_name"] = "hotline", ["nodes"] = nodes }
            .ToJsonString();
    }

    [Fact]
    public async Task FirstUse_WithoutAlias_CreatesTheFirstIndexBehindTheAlias()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithoutAlias()
            .Answer("GET", "/_nodes/plugins", 200, Nodes(["analysis-icu"]))
            .Answer("PUT", $"/{Alias}-000001", 200, ElasticsearchFixtures.Read("indices.create.response.200.json"))
            .Answer("POST", $"/{Alias}/_count", 200, ElasticsearchFixtures.Read("count.response.200.json"));
        using var index = new ElasticsearchSearchIndex(es.Options(ChineseAnalyzer.Auto), null);

        Assert.Equal(1, await index.CountAsync(cancellationToken: Ct));
        Assert.Equal(1, await index.CountAsync(cancellationToken: Ct));

        Assert.Equal(
            ["GET /_alias/hotline-knowledge", "GET /_nodes/plugins", "PUT /hotline-knowledge-000001", "POST /hotline-knowledge/_count",
                "POST /hotline-knowledge/_count"],
            es.Calls);
        var create = es.Requests[2];
        Assert.StartsWith("application/json", create.ContentType, StringComparison.Ordinal);
        var definition = create.Json;
        Assert.Equal(1, definition["settings"]!["number_of_shards"]!.GetValue<int>());
        Assert.Equal(0, definition["settings"]!["number_of_replicas"]!.GetValue<int>());
        Assert.True(definition["aliases"]![Alias]!["is_write_index"]!.GetValue<bool>());
        var mappings = definition["mappings"]!;
        Assert.Equal("strict", mappings["dynamic"]!.GetValue<string>());
        var properties = mappings["properties"]!;
        foreach (var text in new[] { "title", "body" })
        {
            Assert.Equal("text", properties[text]!["type"]!.GetValue<string>());
            Assert.Equal("cjk", properties[text]!["analyzer"]!.GetValue<string>());
        }
        Assert.Equal("keyword", properties["category"]!["type"]!.GetValue<string>());
        Assert.Equal("keyword", properties["department"]!["type"]!.GetValue<string>());
        foreach (var key in new[] { "status", "validFrom", "validUntil", "reviewDate", "kind" })
        {
            Assert.Equal("keyword", properties["metadata"]!["properties"]![key]!["type"]!.GetValue<string>());
        }
        var template = mappings["dynamic_templates"]![0]!["metadata_as_keywords"]!;
        Assert.Equal("metadata.*", template["path_match"]!.GetValue<string>());
        Assert.Equal("keyword", template["mapping"]!["type"]!.GetValue<string>());
        Assert.False(mappings["date_detection"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData(new[] { "analysis-ik" }, new[] { "analysis-ik" }, "ik_max_word", "ik_smart")]
    [InlineData(new[] { "analysis-smartcn" }, new[] { "analysis-smartcn", "repository-s3" }, "smartcn", null)]
    [InlineData(new[] { "analysis-smartcn", "analysis-ik" }, new[] { "analysis-ik", "analysis-smartcn" }, "ik_max_word", "ik_smart")]
    [InlineData(new[] { "analysis-ik" }, new string[0], "cjk", null)] // a plugin on some nodes only cannot be used
    [InlineData(new string[0], new string[0], "cjk", null)]
    public async Task FirstUse_DetectsAChineseAnalyzerEveryNodeHas(string[] first, string[] second, string analyzer, string? searchAnalyzer)
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithoutAlias()
            .Answer("GET", "/_nodes/plugins", 200, Nodes(first, second))
            .Answer("PUT", $"/{Alias}-000001", 200, ElasticsearchFixtures.Read("indices.create.response.200.json"))
            .Answer("POST", $"/{Alias}/_count", 200, ElasticsearchFixtures.Read("count.response.200.json"));
        using var index = new ElasticsearchSearchIndex(es.Options(ChineseAnalyzer.Auto), null);

        await index.CountAsync(cancellationToken: Ct);

        var body = es.Requests.Single(r => r.Method == "PUT").Json["mappings"]!["properties"]!["body"]!;
        Assert.Equal(analyzer, body["analyzer"]!.GetValue<string>());
        Assert.Equal(searchAnalyzer, body["search_analyzer"]?.GetValue<string>());
    }

    [Fact]
    public async Task FirstUse_NotAllowedToListPlugins_FallsBackToCjk()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithoutAlias()
            .Answer("GET", "/_nodes/plugins", 403, """
                {"error":{"root_cause":[{"type":"security_exception","reason":"action [cluster:monitor/nodes/info] is unauthorized"}],
                "type":"security_exception","reason":"action [cluster:monitor/nodes/info] is unauthorized"},"status":403}
                """)
            .Answer("PUT", $"/{Alias}-000001", 200, ElasticsearchFixtures.Read("indices.create.response.200.json"))
            .Answer("POST", $"/{Alias}/_count", 200, ElasticsearchFixtures.Read("count.response.200.json"));
        using var index = new ElasticsearchSearchIndex(es.Options(ChineseAnalyzer.Auto), null);

        await index.CountAsync(cancellationToken: Ct);

        Assert.Equal("cjk", es.Requests.Single(r => r.Method == "PUT").Json["mappings"]!["properties"]!["title"]!["analyzer"]!.GetValue<string>());
    }

    [Fact]
    public async Task FirstUse_ConfiguredAnalyzer_IsUsedWithoutAskingTheCluster()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithoutAlias()
            .Answer("PUT", $"/{Alias}-000001", 200, ElasticsearchFixtures.Read("indices.create.response.200.json"))
            .Answer("POST", $"/{Alias}/_count", 200, ElasticsearchFixtures.Read("count.response.200.json"));
        using var index = new ElasticsearchSearchIndex(es.Options(ChineseAnalyzer.Smartcn), null);

        await index.CountAsync(cancellationToken: Ct);

        Assert.DoesNotContain("GET /_nodes/plugins", es.Calls);
        Assert.Equal("smartcn", es.Requests.Single(r => r.Method == "PUT").Json["mappings"]!["properties"]!["title"]!["analyzer"]!.GetValue<string>());
    }

    [Fact]
    public async Task Index_SendsNdjsonBulkEndingInNewline_ThroughTheAlias()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithAlias().Answer("POST", $"/{Alias}/_bulk", 200, ElasticsearchFixtures.Read("bulk.response.200.success.json"));
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        await index.IndexAsync([Document("streetlight"), new SearchDocument("bare", "", "只有正文")], Ct);

        var bulk = es.Requests.Single(r => r.Path == $"/{Alias}/_bulk");
        Assert.Equal("POST", bulk.Method);
        Assert.Equal("?refresh=wait_for&require_alias=true", bulk.Query); // never creates an index without the alias and mappings
        Assert.StartsWith("application/x-ndjson", bulk.ContentType, StringComparison.Ordinal);
        Assert.EndsWith("\n", bulk.Body, StringComparison.Ordinal);
        var lines = bulk.Lines;
        Assert.Equal(4, lines.Count);
        Assert.Equal("""{"index":{"_id":"streetlight"}}""", lines[0].ToJsonString());
        var source = lines[1];
        Assert.Equal("路灯不亮怎么报修", source["title"]!.GetValue<string>());
        Assert.Equal("夜间路灯不亮可拨打12345报修。", source["body"]!.GetValue<string>());
        Assert.Equal("城乡建设", source["category"]!.GetValue<string>());
        Assert.Equal("city-admin", source["department"]!.GetValue<string>());
        Assert.Equal("published", source["metadata"]!["status"]!.GetValue<string>());
        Assert.Equal("2026-12-31", source["metadata"]!["validUntil"]!.GetValue<string>());
        Assert.Equal("""{"index":{"_id":"bare"}}""", lines[2].ToJsonString());
        Assert.Equal(["title", "body", "metadata"], lines[3].AsObject().Select(p => p.Key)); // no null category or department
    }

    [Fact]
    public async Task Index_ItemErrors_AreAnExceptionNamingTheFailedIds()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        // Items 5 and 6 failed (404 document_missing_exception), item 7 was created: errors is true although the status is 200.
        es.WithAlias().Answer("POST", $"/{Alias}/_bulk", 200, ElasticsearchFixtures.Read("bulk.response.200.item-errors.json"));
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        var e = await Assert.ThrowsAsync<ElasticsearchException>(() => index.IndexAsync([Document("5"), Document("6"), Document("7")], Ct));

        Assert.Equal(["5", "6"], e.FailedIds);
        Assert.Equal("document_missing_exception", e.ErrorType);
        Assert.Equal("[5]: document missing", e.Reason);
        Assert.Contains("2 of 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("5 (404 document_missing_exception: [5]: document missing)", e.Message, StringComparison.Ordinal);
        Assert.Contains("6 (404 document_missing_exception: [6]: document missing)", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(" 7 (", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Index_BadDocument_SendsNothing()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        using var index = new ElasticsearchSearchIndex(es.Options(), null);
        var bad = new SearchDocument("bad", "", "内容") { Metadata = new Dictionary<string, string> { ["a.b"] = "x" } };

        await Assert.ThrowsAsync<ArgumentException>(() => index.IndexAsync([Document("ok"), bad], Ct));

        Assert.Empty(es.Requests);
    }

    [Fact]
    public async Task Index_ManyDocuments_AreSentInBulkRequestsOfFiveHundred()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithAlias().Answer("POST", $"/{Alias}/_bulk", 200, ElasticsearchFixtures.Read("bulk.response.200.success.json"));
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        await index.IndexAsync(Enumerable.Range(0, 1_201).Select(i => Document($"d{i}")), Ct);

        var bulks = es.Requests.Where(r => r.Path == $"/{Alias}/_bulk").ToList();
        Assert.Equal([1_000, 1_000, 402], bulks.Select(b => b.Lines.Count));
        Assert.Equal("d1200", bulks[2].Lines[^2]["index"]!["_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_SendsBulkDeletes_AndCountsDeletedNotNotFound()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        // The shape of the fixture's delete item (bulk.response.200.success.json), once found and once not.
        es.WithAlias().Answer("POST", $"/{Alias}/_bulk", 200, """
            {"took":3,"errors":false,"items":[
              {"delete":{"_index":"hotline-knowledge-000001","_id":"water","_version":2,"result":"deleted","status":200}},
              {"delete":{"_index":"hotline-knowledge-000001","_id":"no-such-id","_version":1,"result":"not_found","status":404}}]}
            """);
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        Assert.Equal(1, await index.DeleteAsync(["water", "no-such-id"], Ct));

        var bulk = es.Requests.Single(r => r.Path == $"/{Alias}/_bulk");
        Assert.Equal(["""{"delete":{"_id":"water"}}""", """{"delete":{"_id":"no-such-id"}}"""], bulk.Lines.Select(l => l.ToJsonString()));
    }

    [Fact]
    public async Task Delete_NotFoundInTheRealSuccessExample_IsNotAnError()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        // Its one delete item is "result": "not_found" with status 404, and "errors" is false.
        es.WithAlias().Answer("POST", $"/{Alias}/_bulk", 200, ElasticsearchFixtures.Read("bulk.response.200.success.json"));
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        Assert.Equal(0, await index.DeleteAsync(["2"], Ct));
    }

    [Fact]
    public async Task Search_SendsABoolQuery_WithTitleWeighted_TermFilters_PagingAndHtmlHighlights()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithAlias().Answer("POST", $"/{Alias}/_search", 200, SearchAnswer());
        using var index = new ElasticsearchSearchIndex(es.Options(), null);
        var filter = new SearchFilter
        {
            Category = "城乡建设",
            Department = "water",
            Metadata = new Dictionary<string, string> { ["status"] = "published" },
        };

        await index.SearchAsync(new SearchRequest("尊敬的领导：咨询停水\n我们小区停水两天了，什么时候恢复？") { Filter = filter, From = 10, Size = 5 }, Ct);

        var request = es.Requests.Single(r => r.Path == $"/{Alias}/_search");
        Assert.Equal("POST", request.Method);
        var body = request.Json;
        Assert.Equal(10, body["from"]!.GetValue<int>());
        Assert.Equal(5, body["size"]!.GetValue<int>());
        var query = body["query"]!["bool"]!;
        var must = Assert.Single(query["must"]!.AsArray())!["combined_fields"]!;
        Assert.Equal("，，：咨询停水\n我们小区停水两天了，什么时候恢复？", must["query"]!.GetValue<string>()); // courtesy formulas cut out
        Assert.Equal(["title^3", "body"], must["fields"]!.AsArray().Select(f => f!.GetValue<string>()));
        var subject = Assert.Single(query["should"]!.AsArray())!["combined_fields"]!;
        Assert.Equal("，，：咨询停水", subject["query"]!.GetValue<string>());
        Assert.Equal(2, subject["boost"]!.GetValue<int>());
        Assert.Equal(
            ["""{"term":{"category":"城乡建设"}}""", """{"term":{"department":"water"}}""", """{"term":{"metadata.status":"published"}}"""],
            query["filter"]!.AsArray().Select(f => f!.ToJsonString(ElasticsearchClient.Json)));
        var highlight = body["highlight"]!;
        Assert.Equal("html", highlight["encoder"]!.GetValue<string>());
        Assert.Equal("<em>", Assert.Single(highlight["pre_tags"]!.AsArray())!.GetValue<string>());
        Assert.Equal("</em>", Assert.Single(highlight["post_tags"]!.AsArray())!.GetValue<string>());
        Assert.Equal(0, highlight["fields"]!["title"]!["number_of_fragments"]!.GetValue<int>());
        Assert.Equal(1, highlight["fields"]!["body"]!["number_of_fragments"]!.GetValue<int>());
        Assert.DoesNotContain("body", body["_source"]!.AsArray().Select(f => f!.GetValue<string>())); // bodies can be long
    }

    [Fact]
    public async Task Search_OneLineWithoutHighlight_HasNoSubjectClauseAndNoHighlighter()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithAlias().Answer("POST", $"/{Alias}/_search", 200, SearchAnswer());
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        await index.SearchAsync(new SearchRequest("路灯不亮") { Highlight = false }, Ct);

        var body = es.Requests.Single(r => r.Path == $"/{Alias}/_search").Json;
        Assert.Empty(body["query"]!["bool"]!["should"]!.AsArray());
        Assert.Empty(body["query"]!["bool"]!["filter"]!.AsArray());
        Assert.Null(body["highlight"]);
        Assert.Equal(0, body["from"]!.GetValue<int>());
        Assert.Equal(10, body["size"]!.GetValue<int>());
    }

    [Fact]
    public async Task Search_ReadsHitsScoresSourcesAndHighlights()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithAlias().Answer("POST", $"/{Alias}/_search", 200, SearchAnswer(
            new JsonObject
            {
                ["_index"] = $"{Alias}-000001",
                ["_id"] = "streetlight",
                ["_score"] = 7.25,
                ["_source"] = new JsonObject
                {
                    ["title"] = "路灯不亮怎么报修",
                    ["category"] = "城乡建设",
                    ["department"] = "city-admin",
                    ["metadata"] = new JsonObject { ["status"] = "draft", ["validUntil"] = "2026-12-31" },
                },
                ["highlight"] = new JsonObject
                {
                    ["title"] = new JsonArray("<em>路灯不亮</em>怎么报修"),
                    ["body"] = new JsonArray("夜间<em>路灯不亮</em>可拨打12345&#x2F;城管热线报修"),
                },
            },
            new JsonObject { ["_index"] = $"{Alias}-000001", ["_id"] = "water", ["_score"] = 1.5, ["_source"] = new JsonObject { ["title"] = "停水" } }));
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        var hits = await index.SearchAsync(new SearchRequest("路灯不亮"), Ct);

        Assert.Equal(["streetlight", "water"], hits.Select(h => h.Id));
        Assert.Equal([7.25, 1.5], hits.Select(h => h.Score));
        var first = hits[0];
        Assert.Equal("路灯不亮怎么报修", first.Title);
        Assert.Equal("城乡建设", first.Category);
        Assert.Equal("city-admin", first.Department);
        Assert.Equal("draft", first.Metadata["status"]);
        Assert.Equal("2026-12-31", first.Metadata["validUntil"]);
        Assert.Equal(["<em>路灯不亮</em>怎么报修"], first.Highlights["title"]);
        Assert.Equal(["夜间<em>路灯不亮</em>可拨打12345&#x2F;城管热线报修"], first.Highlights["body"]);
        Assert.Empty(hits[1].Highlights);
        Assert.Null(hits[1].Category);
        Assert.Empty(hits[1].Metadata);
    }

    [Fact]
    public async Task Search_TheSpecsExampleAnswer_IsRead()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithAlias().Answer("POST", $"/{Alias}/_search", 200, ElasticsearchFixtures.Read("search.response.200.json"));
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        var hit = Assert.Single(await index.SearchAsync(new SearchRequest("kimchy"), Ct));

        Assert.Equal("0", hit.Id);
        Assert.Equal(1.3862942, hit.Score, 7);
        Assert.Equal("", hit.Title); // a document of another application: none of Hotline's fields
        Assert.Empty(hit.Highlights);
        Assert.Empty(hit.Metadata);
    }

    [Theory]
    [InlineData("")]
    [InlineData("😀😀🙏🏻👍")]
    [InlineData("尊敬的领导，您好！谢谢！")]
    public async Task Search_NothingToSearchFor_SendsNoRequest(string text)
    {
        await using var es = await FakeElasticsearch.StartAsync();
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        Assert.Empty(await index.SearchAsync(new SearchRequest(text), Ct));

        Assert.Empty(es.Requests);
    }

    [Fact]
    public async Task Search_LongQuery_SendsOnlyItsBeginning()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithAlias().Answer("POST", $"/{Alias}/_search", 200, SearchAnswer());
        using var index = new ElasticsearchSearchIndex(es.Options(), null);
        var text = "路灯不亮" + string.Concat(Enumerable.Repeat("这是一段很长的重复文字，用来测试超长输入。", 500));

        await index.SearchAsync(new SearchRequest(text), Ct);

        var sent = es.Requests.Single(r => r.Path == $"/{Alias}/_search").Json["query"]!["bool"]!["must"]![0]!["combined_fields"]!["query"]!.GetValue<string>();
        Assert.Equal(text[..ElasticsearchSearchIndex.MaxQueryCharacters], sent);
    }

    [Fact]
    public async Task Count_SendsTermFilters_AndReadsTheCount()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithAlias().Answer("POST", $"/{Alias}/_count", 200, ElasticsearchFixtures.Read("count.response.200.json"));
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        Assert.Equal(1, await index.CountAsync(SearchFilter.Published, Ct));
        Assert.Equal(1, await index.CountAsync(null, Ct));

        var counts = es.Requests.Where(r => r.Path == $"/{Alias}/_count").ToList();
        Assert.Equal("""{"query":{"bool":{"filter":[{"term":{"metadata.status":"published"}}]}}}""", counts[0].Json.ToJsonString());
        Assert.Equal("""{"query":{"bool":{"filter":[]}}}""", counts[1].Json.ToJsonString());
    }

    [Fact]
    public async Task Error400_IsAnExceptionWithTypeReasonAndCause()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithAlias().Answer("POST", $"/{Alias}/_search", 400, ElasticsearchFixtures.Read("error.400.search-illegal-argument.json"));
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        var e = await Assert.ThrowsAsync<ElasticsearchException>(() => index.SearchAsync(new SearchRequest("路灯"), Ct));

        Assert.Equal(400, e.Status);
        Assert.Equal("illegal_argument_exception", e.ErrorType);
        Assert.Equal("Failed to parse int parameter [size] with value [surprise_me]", e.Reason);
        Assert.Contains($"POST /{Alias}/_search", e.Message, StringComparison.Ordinal);
        Assert.Contains("caused by number_format_exception: For input string: \"surprise_me\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error409_IsAnExceptionWithTypeAndReason()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithAlias().Answer("POST", $"/{Alias}/_count", 409, ElasticsearchFixtures.Read("error.409.streams_enable.json"));
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        var e = await Assert.ThrowsAsync<ElasticsearchException>(() => index.CountAsync(null, Ct));

        Assert.Equal(409, e.Status);
        Assert.Equal("status_exception", e.ErrorType);
        Assert.Equal("Cannot enable logs streams: indices named 'logs.otel' or starting with 'logs.otel.' already exist.", e.Reason);
    }

    [Fact]
    public async Task Error_WithoutElasticsearchsShape_KeepsTheStatusAndTheBody()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithAlias().Answer("POST", $"/{Alias}/_count", async context =>
        {
            context.Response.StatusCode = 401;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html>401 Authorization Required</html>", context.RequestAborted);
        });
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        var e = await Assert.ThrowsAsync<ElasticsearchException>(() => index.CountAsync(null, Ct));

        Assert.Equal(401, e.Status);
        Assert.Equal("http_401", e.ErrorType);
        Assert.Contains("401 Authorization Required", e.Message, StringComparison.Ordinal);
        Assert.Contains("ApiKey", e.Message, StringComparison.Ordinal); // says what to check
    }

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    public async Task ClusterOverloadedOrDown_IsUnavailable(int status)
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithAlias().Answer("POST", $"/{Alias}/_search", status,
            $$"""{"error":{"root_cause":[],"type":"master_not_discovered_exception","reason":null},"status":{{status}}}""");
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        var e = await Assert.ThrowsAsync<SearchIndexUnavailableException>(() => index.SearchAsync(new SearchRequest("路灯"), Ct));

        var inner = Assert.IsType<ElasticsearchException>(e.InnerException);
        Assert.Equal(status, inner.Status);
        Assert.Equal("master_not_discovered_exception", inner.ErrorType);
        Assert.Null(inner.Reason);
    }

    [Fact]
    public async Task ConnectionRefused_IsUnavailable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now
        using var index = new ElasticsearchSearchIndex(new ElasticsearchOptions { Url = $"http://127.0.0.1:{port}" }, null);

        var e = await Assert.ThrowsAsync<SearchIndexUnavailableException>(() => index.CountAsync(null, Ct));

        Assert.Contains("cannot be reached", e.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoAnswerWithinTheTimeout_IsUnavailable()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.Answer("GET", $"/_alias/{Alias}", async context => await Task.Delay(Timeout.Infinite, context.RequestAborted));
        var options = es.Options();
        options.TimeoutSeconds = 0.2;
        using var index = new ElasticsearchSearchIndex(options, null);

        var e = await Assert.ThrowsAsync<SearchIndexUnavailableException>(() => index.CountAsync(null, Ct));

        Assert.Contains("did not answer GET /_alias/hotline-knowledge within 0.2 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallersCancellation_IsACancellation_NotUnavailability()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        es.Answer("GET", $"/_alias/{Alias}", async context =>
        {
            await cancel.CancelAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => index.CountAsync(null, cancel.Token));
    }

    [Theory]
    [InlineData("VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==", null, null,
        "ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==")]
    [InlineData(null, "hotline", "s3cret", "Basic aG90bGluZTpzM2NyZXQ=")]
    [InlineData(null, null, null, "")]
    public async Task Credentials_AreSentOnEveryRequest(string? apiKey, string? user, string? password, string expected)
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithAlias().Answer("POST", $"/{Alias}/_count", 200, ElasticsearchFixtures.Read("count.response.200.json"));
        var options = es.Options();
        (options.ApiKey, options.UserName, options.Password) = (apiKey, user, password);
        using var index = new ElasticsearchSearchIndex(options, null);

        await index.CountAsync(null, Ct);

        Assert.All(es.Requests, r => Assert.Equal(expected, r.Authorization));
    }

    [Fact]
    public async Task Reindex_FillsTheNextIndex_SwapsTheAliasAtomically_ThenDeletesTheOldIndex()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithAlias()
            .Answer("PUT", $"/{Alias}-000002", 200, ElasticsearchFixtures.Read("indices.create.response.200.json"))
            .Answer("POST", $"/{Alias}-000002/_bulk", 200, ElasticsearchFixtures.Read("bulk.response.200.success.json"))
            .Answer("POST", $"/{Alias}-000002/_refresh", 200, """{"_shards":{"total":1,"successful":1,"failed":0}}""")
            .Answer("POST", "/_aliases", 200, Acknowledged)
            .Answer("DELETE", $"/{Alias}-000001", 200, Acknowledged);
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        var result = await index.ReindexAsync([Document("a"), Document("b")], Ct);

        Assert.Equal(new ReindexResult($"{Alias}-000001", $"{Alias}-000002", 2, ChineseAnalyzer.Cjk, PreviousIndexDeleted: true), result);
        Assert.Equal(
        [
            "GET /_alias/hotline-knowledge", "PUT /hotline-knowledge-000002", "POST /hotline-knowledge-000002/_bulk",
            "POST /hotline-knowledge-000002/_refresh", "POST /_aliases", "DELETE /hotline-knowledge-000001",
        ], es.Calls);
        Assert.Null(es.Requests[1].Json["aliases"]); // the new index gets the alias only when it is full
        var bulk = es.Requests[2];
        Assert.Equal("", bulk.Query); // no refresh per request while filling: one refresh at the end
        Assert.Equal(["a", "b"], bulk.Lines.Where(l => l["index"] is not null).Select(l => l["index"]!["_id"]!.GetValue<string>()));
        Assert.Equal(
            """{"actions":[{"remove":{"index":"hotline-knowledge-000001","alias":"hotline-knowledge","must_exist":true}},{"add":{"index":"hotline-knowledge-000002","alias":"hotline-knowledge","is_write_index":true}}]}""",
            es.Requests[4].Json.ToJsonString());
    }

    [Fact]
    public async Task Reindex_WithoutDocuments_CopiesTheCurrentIndexOnTheCluster()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithAlias($"{Alias}-000007")
            .Answer("PUT", $"/{Alias}-000008", 200, ElasticsearchFixtures.Read("indices.create.response.200.json"))
            // _reindex answers like _delete_by_query (both are a BulkByScrollResponse: total, failures, timed_out…).
            .Answer("POST", "/_reindex", 200, ElasticsearchFixtures.Read("delete_by_query.response.200.json"))
            .Answer("POST", $"/{Alias}-000008/_refresh", 200, """{"_shards":{"total":1,"successful":1,"failed":0}}""")
            .Answer("POST", "/_aliases", 200, Acknowledged)
            .Answer("DELETE", $"/{Alias}-000007", 200, Acknowledged);
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        var result = await index.ReindexAsync(null, Ct);

        Assert.Equal($"{Alias}-000008", result.Index);
        Assert.Equal(119, result.Documents);
        var copy = es.Requests.Single(r => r.Path == "/_reindex");
        Assert.Equal("?wait_for_completion=true", copy.Query);
        Assert.Equal("""{"source":{"index":"hotline-knowledge-000007"},"dest":{"index":"hotline-knowledge-000008"}}""", copy.Json.ToJsonString());
    }

    [Fact]
    public async Task Reindex_FillFails_DeletesTheNewIndex_AndLeavesTheAlias()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithAlias()
            .Answer("PUT", $"/{Alias}-000002", 200, ElasticsearchFixtures.Read("indices.create.response.200.json"))
            .Answer("POST", $"/{Alias}-000002/_bulk", 200, ElasticsearchFixtures.Read("bulk.response.200.item-errors.json"))
            .Answer("DELETE", $"/{Alias}-000002", 200, Acknowledged);
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        var e = await Assert.ThrowsAsync<ElasticsearchException>(() => index.ReindexAsync([Document("5"), Document("6"), Document("7")], Ct));

        Assert.Equal(["5", "6"], e.FailedIds);
        Assert.Equal("DELETE /hotline-knowledge-000002", es.Calls[^1]);
        Assert.DoesNotContain("POST /_aliases", es.Calls);
        Assert.DoesNotContain("DELETE /hotline-knowledge-000001", es.Calls);
    }

    [Fact]
    public async Task Reindex_NameLeftBehindByAFailedRebuild_IsSkipped()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithAlias()
            .Answer("PUT", $"/{Alias}-000002", 400, """
                {"error":{"root_cause":[{"type":"resource_already_exists_exception","reason":"index [hotline-knowledge-000002/abc] already exists"}],
                "type":"resource_already_exists_exception","reason":"index [hotline-knowledge-000002/abc] already exists"},"status":400}
                """)
            .Answer("PUT", $"/{Alias}-000003", 200, ElasticsearchFixtures.Read("indices.create.response.200.json"))
            .Answer("POST", $"/{Alias}-000003/_bulk", 200, ElasticsearchFixtures.Read("bulk.response.200.success.json"))
            .Answer("POST", $"/{Alias}-000003/_refresh", 200, """{"_shards":{"total":1,"successful":1,"failed":0}}""")
            .Answer("POST", "/_aliases", 200, Acknowledged)
            .Answer("DELETE", $"/{Alias}-000001", 200, Acknowledged);
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        var result = await index.ReindexAsync([Document("a")], Ct);

        Assert.Equal($"{Alias}-000003", result.Index);
    }

    /// <summary>
    /// The alias swap answered 504 (a gateway timeout): whether the cluster applied it is only known by asking. The first read of
    /// the alias (before the rebuild) shows the old index; every later one shows what <paramref name="moved"/> says.
    /// </summary>
    private static async Task<FakeElasticsearch> SwapAnswerLostAsync(bool moved)
    {
        var es = await FakeElasticsearch.StartAsync();
        var reads = 0;
        es.Answer("GET", $"/_alias/{Alias}", async context =>
        {
            var index = Interlocked.Increment(ref reads) > 1 && moved ? $"{Alias}-000002" : $"{Alias}-000001";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(new JsonObject { [index] = new JsonObject { ["aliases"] = new JsonObject { [Alias] = new JsonObject() } } }.ToJsonString());
        })
            .Answer("PUT", $"/{Alias}-000002", 200, ElasticsearchFixtures.Read("indices.create.response.200.json"))
            .Answer("POST", $"/{Alias}-000002/_bulk", 200, ElasticsearchFixtures.Read("bulk.response.200.success.json"))
            .Answer("POST", $"/{Alias}-000002/_refresh", 200, """{"_shards":{"total":1,"successful":1,"failed":0}}""")
            .Answer("POST", "/_aliases", 504, """{"error":{"type":"timeout","reason":"gateway timeout"},"status":504}""")
            .Answer("DELETE", $"/{Alias}-000001", 200, Acknowledged)
            .Answer("DELETE", $"/{Alias}-000002", 200, Acknowledged);
        return es;
    }

    [Fact]
    public async Task Reindex_SwapAnswerLost_ButTheAliasMoved_KeepsTheNewIndex_AndSucceeds()
    {
        await using var es = await SwapAnswerLostAsync(moved: true);
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        var result = await index.ReindexAsync([Document("a")], Ct);

        Assert.Equal(($"{Alias}-000001", $"{Alias}-000002"), (result.PreviousIndex, result.Index));
        Assert.DoesNotContain($"DELETE /{Alias}-000002", es.Calls); // the index the alias points at is not deleted
        Assert.Contains($"DELETE /{Alias}-000001", es.Calls);
    }

    [Fact]
    public async Task Reindex_SwapAnswerLost_AndTheAliasHasNotMovedYet_FailsButKeepsBothIndices()
    {
        // Not moved yet may mean queued on a busy master: deleting the new index could delete what the alias is about to point at.
        await using var es = await SwapAnswerLostAsync(moved: false);
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        await Assert.ThrowsAsync<SearchIndexUnavailableException>(() => index.ReindexAsync([Document("a")], Ct));

        Assert.DoesNotContain(es.Calls, c => c.StartsWith("DELETE ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reindex_WithoutAlias_CreatesTheFirstIndexAndAddsTheAlias()
    {
        await using var es = await FakeElasticsearch.StartAsync();
        es.WithoutAlias()
            .Answer("PUT", $"/{Alias}-000001", 200, ElasticsearchFixtures.Read("indices.create.response.200.json"))
            .Answer("POST", $"/{Alias}-000001/_bulk", 200, ElasticsearchFixtures.Read("bulk.response.200.success.json"))
            .Answer("POST", $"/{Alias}-000001/_refresh", 200, """{"_shards":{"total":1,"successful":1,"failed":0}}""")
            .Answer("POST", "/_aliases", 200, Acknowledged)
            .Answer("POST", $"/{Alias}/_count", 200, ElasticsearchFixtures.Read("count.response.200.json"));
        using var index = new ElasticsearchSearchIndex(es.Options(), null);

        var result = await index.ReindexAsync([Document("a")], Ct);
        await index.CountAsync(null, Ct);

        Assert.Equal(new ReindexResult(null, $"{Alias}-000001", 1, ChineseAnalyzer.Cjk, PreviousIndexDeleted: true), result);
        Assert.Equal("""{"actions":[{"add":{"index":"hotline-knowledge-000001","alias":"hotline-knowledge","is_write_index":true}}]}""",
            es.Requests.Single(r => r.Path == "/_aliases").Json.ToJsonString());
        Assert.Equal(1, es.Calls.Count(c => c == "GET /_alias/hotline-knowledge")); // the alias is known to exist afterwards
    }

    [Theory]
    [InlineData("", "must be an absolute http(s) URL")]
    [InlineData("ftp://es:9200", "must be an absolute http(s) URL")]
    [InlineData("http://elastic:changeme@es:9200", "must not carry credentials")]
    public void Options_BadUrl_IsRefused(string url, string problem)
    {
        var options = new ElasticsearchOptions { Url = url };

        Assert.Contains(options.Validate(), p => p.Contains(problem, StringComparison.Ordinal));
        var e = Assert.Throws<ArgumentException>(() => new ElasticsearchSearchIndex(options, null));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_OtherMistakes_AreEachNamed()
    {
        var options = new ElasticsearchOptions
        {
            Url = "http://127.0.0.1:9200",
            Index = "Hotline Knowledge",
            ApiKey = "key",
            UserName = "user",
            TimeoutSeconds = 0,
            Replicas = -1,
        };

        var problems = options.Validate().ToList();

        Assert.Equal(5, problems.Count);
        Assert.Contains(problems, p => p.Contains(":Index", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("either ApiKey or UserName", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("UserName and Password go together", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("TimeoutSeconds", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Replicas", StringComparison.Ordinal));
        Assert.Empty(new ElasticsearchOptions { Url = "https://es.city.gov.cn:9200", UserName = "u", Password = "p" }.Validate());
        Assert.Empty(new SearchOptions { Elasticsearch = options }.Validate()); // not checked while the provider is Sqlite
    }
}
