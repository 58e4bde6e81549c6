using Hotline.Knowledge.Search;
using Hotline.Knowledge.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Hotline.Knowledge.Articles;

public sealed record ArticleHit(Guid Id, string Title, string? Category, string? OwnerDepartmentId, string Status, double Score,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Highlights)
{
    /// <summary>The article's validity (yyyy-MM-dd, either end open), so an agent can tell a lapsed answer from one in force.</summary>
    public string? ValidFrom { get; init; }

    public string? ValidUntil { get; init; }

    /// <summary>Today (in the hotline's zone) lies within the validity; says nothing of the status.</summary>
    public bool InForce { get; init; }
}

/// <summary>A search hit as a citizen sees it: what to show and open, not who keeps the article, its status (always published
/// and in force here) or the ranking score, which are for staff.</summary>
public sealed record CitizenArticleHit(Guid Id, string Title, string? Category, IReadOnlyDictionary<string, IReadOnlyList<string>> Highlights,
    string? ValidUntil);

/// <summary>An article as a citizen reads it: no owner, keywords, review date or editor.</summary>
public sealed record CitizenArticleView(Guid Id, string Title, string Body, string? Category, DateTimeOffset UpdatedAt);

/// <summary>What a rebuild of the search index did, for the admin who asked.</summary>
public sealed record SearchRebuildView(string Provider, string? PreviousIndex, string? Index, string? Analyzer, int Articles,
    int ResentAfterSwap, bool PreviousIndexDeleted);

/// <summary>
/// Searches articles: agents see every status (with the status shown), citizens only published articles in force today. The
/// index also holds other kinds of documents (catalogue entries, past cases): every article carries <c>kind = article</c> and
/// every article search filters on it. The database is the truth; the index follows each save (<see cref="ArticleIndexer"/>)
/// and is rebuilt at start-up when the two disagree (a crash between the save and the index write). When the index is unavailable (an Elasticsearch cluster that is
/// down), searches answer 503 and the rest of the knowledge base keeps working.
/// </summary>
public static class ArticleSearch
{
    public const string Kind = "article";

    private static readonly SearchFilter Staff = new() { Metadata = new Dictionary<string, string> { ["kind"] = Kind } };

    private static readonly SearchFilter Citizens = new()
    {
        Metadata = new Dictionary<string, string>(SearchFilter.Published.Metadata) { ["kind"] = Kind },
    };

    /// <summary>Rebuilds the index from the database when the counts differ; returns whether it did.</summary>
    public static async Task<bool> ReconcileAsync(KnowledgeDbContext db, ISearchIndex index, CancellationToken ct)
    {
        var articles = await db.Articles.AsNoTracking().ToListAsync(ct);
        // Counted by kind: the index holds other kinds too, and articles indexed before kinds existed count as missing.
        if (await index.CountAsync(Staff, ct) == articles.Count)
        {
            return false;
        }
        await index.IndexAsync(articles.Select(Document), ct);
        return true;
    }

    public static RouteGroupBuilder MapStaffSearch(this RouteGroupBuilder knowledge)
    {
        knowledge.MapGet("/search", StaffSearchAsync).WithSummary("坐席检索知识（含草稿与失效，边输入边检索）");
        knowledge.MapPost("/search/reindex", ReindexAsync).RequireAuthorization(p => p.RequireRole(StaffClaims.AdminRole))
            .WithSummary("重建检索索引（Elasticsearch：建新索引后原子切换别名，检索不中断）");
        return knowledge;
    }

    public static RouteGroupBuilder MapCitizenSearch(this RouteGroupBuilder citizen)
    {
        citizen.MapGet("/knowledge/search", CitizenSearchAsync).WithSummary("市民自助查询（仅已发布且在有效期内的知识）");
        return citizen;
    }

    /// <summary>Apart from the search, which needs only the index: reading an article needs the database.</summary>
    public static RouteGroupBuilder MapCitizenArticles(this RouteGroupBuilder citizen)
    {
        citizen.MapGet("/knowledge/articles/{id:guid}", CitizenArticleAsync).WithSummary("市民阅读一条知识全文（仅已发布且在有效期内）");
        return citizen;
    }

    /// <summary>
    /// The whole text of a hit the citizen opened from the search: the search answers fragments only. Drafts, expired articles and
    /// those outside their validity today are "not found", the same answer as an unknown id. The database is taken
    /// <c>[FromServices]</c> explicitly: in a host that has not registered it (a test of the search alone), an inferred parameter
    /// would be read as a JSON body, which a GET refuses when the endpoints are built — failing every endpoint of the group.
    /// </summary>
    private static async Task<Results<Ok<CitizenArticleView>, ProblemHttpResult>> CitizenArticleAsync(Guid id, [FromServices] KnowledgeDbContext db,
        IClock clock, CancellationToken ct)
    {
        var article = await db.Articles.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);
        if (article is null || !article.IsInForce(Today(clock)))
        {
            return TypedResults.Problem(title: "未找到", detail: "这条知识不存在或已失效。", statusCode: StatusCodes.Status404NotFound);
        }
        return TypedResults.Ok(new CitizenArticleView(article.Id, article.Title, article.Body, article.Category,
            article.UpdatedAt.ToDateTimeOffset()));
    }

    private static async Task<Results<Ok<ArticleHit[]>, ProblemHttpResult>> StaffSearchAsync(
        string? q, int? size, ISearchIndex index, IClock clock, ILoggerFactory logs, CancellationToken ct) =>
        await SearchAsync(q, size, index, Staff, Today(clock), inForceOnly: false, h => h, logs, ct);

    private static async Task<Results<Ok<CitizenArticleHit[]>, ProblemHttpResult>> CitizenSearchAsync(
        string? q, int? size, ISearchIndex index, IClock clock, ILoggerFactory logs, CancellationToken ct) =>
        await SearchAsync(q, size, index, Citizens, Today(clock), inForceOnly: true,
            h => new CitizenArticleHit(h.Id, h.Title, h.Category, h.Highlights, h.ValidUntil), logs, ct);

    /// <summary>Today in the hotline's zone: validity and review dates are Beijing dates.</summary>
    public static LocalDate Today(IClock clock) => clock.GetCurrentInstant().InZone(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).Date;

    /// <summary>The search both audiences share; <paramref name="shape"/> cuts each hit down to what its reader may see.</summary>
    private static async Task<Results<Ok<T[]>, ProblemHttpResult>> SearchAsync<T>(string? q, int? size, ISearchIndex index,
        SearchFilter filter, LocalDate today, bool inForceOnly, Func<ArticleHit, T> shape, ILoggerFactory logs, CancellationToken ct)
    {
        var take = size ?? 10;
        if (take is < 1 or > 50 || (q?.Length ?? 0) > 2_000)
        {
            return TypedResults.Problem(title: "请求参数有误", detail: "检索词不超过 2000 字，条数为 1 到 50。", statusCode: StatusCodes.Status400BadRequest);
        }
        if (string.IsNullOrWhiteSpace(q))
        {
            return TypedResults.Ok(Array.Empty<T>());
        }
        // Validity is not an index filter (a date range the two stores would translate differently), so lapsed hits are dropped
        // here, page by page, until enough remain: one page could be all lapsed articles that outrank the one in force. Pages of
        // 50, at most 4 (200 hits) per request, so an anonymous search costs a bounded few queries; a hit seen on an earlier page
        // is not shown twice (the embedded index ranks each page's candidates afresh).
        const int Page = 50, MostHits = 200;
        var hits = new List<SearchHit>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var pageSize = inForceOnly ? Page : Math.Min(take * 2, 100); // staff see every hit: one page is enough
            for (var from = 0; from < MostHits; from += pageSize)
            {
                var page = await index.SearchAsync(new SearchRequest(q) { Filter = filter, Size = pageSize, From = from }, ct);
                hits.AddRange(page.Where(h => seen.Add(h.Id) && (!inForceOnly || InForce(h, today))));
                if (page.Count < pageSize || hits.Count >= take || !inForceOnly)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (SearchFailure.IsOutage(e))
        {
            logs.CreateLogger(typeof(ArticleSearch)).LogWarning("Knowledge search answered 503: {Reason}", e.Message);
            // Citizens are not told to ask an admin: the cause is the centre's to fix.
            return Unavailable(inForceOnly ? SearchFailure.TryLater : SearchFailure.Explain(e));
        }
        var shown = hits.Take(take)
            .Select(h => new ArticleHit(Guid.Parse(h.Id), h.Title, h.Category, h.Department, h.Metadata.GetValueOrDefault("status", ""),
                Math.Round(h.Score, 4), h.Highlights)
            {
                ValidFrom = h.Metadata.GetValueOrDefault("validFrom"),
                ValidUntil = h.Metadata.GetValueOrDefault("validUntil"),
                InForce = InForce(h, today),
            })
            .Select(shape)
            .ToArray();
        return TypedResults.Ok(shown);
    }

    private static async Task<Results<Ok<SearchRebuildView>, ProblemHttpResult>> ReindexAsync(ArticleIndexer indexer, CancellationToken ct)
    {
        try
        {
            var r = await indexer.RebuildAsync(ct);
            return TypedResults.Ok(new SearchRebuildView(r.Provider, r.PreviousIndex, r.Index, r.Analyzer, r.Articles, r.ResentAfterSwap,
                r.PreviousIndexDeleted));
        }
        catch (SearchIndexUnavailableException)
        {
            return Unavailable(SearchFailure.TryLater);
        }
        catch (ElasticsearchException e)
        {
            return TypedResults.Problem(title: "检索服务拒绝了重建请求", detail: $"Elasticsearch 返回 {e.Status} {e.ErrorType}：{e.Reason}",
                statusCode: StatusCodes.Status502BadGateway);
        }
        catch (InvalidOperationException e)
        {
            return TypedResults.Problem(title: "无法重建检索索引", detail: e.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }

    private static ProblemHttpResult Unavailable(string why) => TypedResults.Problem(title: "知识检索暂不可用",
        detail: $"{why}；知识的查看和编辑不受影响。", statusCode: StatusCodes.Status503ServiceUnavailable);

    private static bool InForce(SearchHit hit, LocalDate today) =>
        (!hit.Metadata.TryGetValue("validFrom", out var from) || string.CompareOrdinal(from, ArticleEndpoints.IsoDate(today)) <= 0)
        && (!hit.Metadata.TryGetValue("validUntil", out var until) || string.CompareOrdinal(ArticleEndpoints.IsoDate(today), until) <= 0);

    /// <summary>An article as the index holds it: status and validity as metadata, keywords searchable with the body.</summary>
    internal static SearchDocument Document(Article a)
    {
        var metadata = new Dictionary<string, string> { ["kind"] = Kind, ["status"] = a.Status.ToString().ToLowerInvariant() };
        if (a.ValidFrom is { } from)
        {
            metadata["validFrom"] = ArticleEndpoints.IsoDate(from);
        }
        if (a.ValidUntil is { } until)
        {
            metadata["validUntil"] = ArticleEndpoints.IsoDate(until);
        }
        return new SearchDocument(a.Id.ToString(), a.Title, a.Keywords.Length > 0 ? a.Body + "\n" + a.Keywords : a.Body)
        {
            Category = a.Category,
            Department = a.OwnerDepartmentId,
            Metadata = metadata,
        };
    }
}
