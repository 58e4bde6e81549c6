using Hotline.Knowledge.Search;
using Hotline.Knowledge.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Hotline.Knowledge.Articles;

public sealed record ArticleHit(Guid Id, string Title, string? Category, string? OwnerDepartmentId, string Status, double Score,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Highlights);

/// <summary>
/// Keeps articles in the search index and searches them: agents see every status (with the status shown), citizens only
/// published articles in force today. The index also holds other kinds of documents (catalogue entries, past cases): every
/// article carries <c>kind = article</c> and every article search filters on it. The database is the truth; the index follows
/// each save and is rebuilt at start-up when the two disagree (a crash between the save and the index write).
/// </summary>
public static class ArticleSearch
{
    public const string Kind = "article";

    private static readonly SearchFilter Staff = new() { Metadata = new Dictionary<string, string> { ["kind"] = Kind } };

    private static readonly SearchFilter Citizens = new()
    {
        Metadata = new Dictionary<string, string>(SearchFilter.Published.Metadata) { ["kind"] = Kind },
    };

    public static async Task IndexAsync(ISearchIndex index, Article article, CancellationToken ct) =>
        await index.IndexAsync([Document(article)], ct);

    /// <summary>Rebuilds the index from the database when the counts differ.</summary>
    public static async Task ReconcileAsync(KnowledgeDbContext db, ISearchIndex index, CancellationToken ct)
    {
        var articles = await db.Articles.AsNoTracking().ToListAsync(ct);
        // Counted by kind: the index holds other kinds too, and articles indexed before kinds existed count as missing.
        if (await index.CountAsync(Staff, ct) != articles.Count)
        {
            await index.IndexAsync(articles.Select(Document), ct);
        }
    }

    public static RouteGroupBuilder MapStaffSearch(this RouteGroupBuilder knowledge)
    {
        knowledge.MapGet("/search", StaffSearchAsync).WithSummary("坐席检索知识（含草稿与失效，边输入边检索）");
        return knowledge;
    }

    public static RouteGroupBuilder MapCitizenSearch(this RouteGroupBuilder citizen)
    {
        citizen.MapGet("/knowledge/search", CitizenSearchAsync).WithSummary("市民自助查询（仅已发布且在有效期内的知识）");
        return citizen;
    }

    private static async Task<Results<Ok<ArticleHit[]>, ProblemHttpResult>> StaffSearchAsync(
        string? q, int? size, ISearchIndex index, CancellationToken ct) =>
        await SearchAsync(q, size, index, Staff, today: null, ct);

    private static async Task<Results<Ok<ArticleHit[]>, ProblemHttpResult>> CitizenSearchAsync(
        string? q, int? size, ISearchIndex index, IClock clock, CancellationToken ct) =>
        await SearchAsync(q, size, index, Citizens,
            clock.GetCurrentInstant().InZone(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).Date, ct);

    private static async Task<Results<Ok<ArticleHit[]>, ProblemHttpResult>> SearchAsync(string? q, int? size, ISearchIndex index,
        SearchFilter filter, LocalDate? today, CancellationToken ct)
    {
        var take = size ?? 10;
        if (take is < 1 or > 50 || (q?.Length ?? 0) > 2_000)
        {
            return TypedResults.Problem(title: "请求参数有误", detail: "检索词不超过 2000 字，条数为 1 到 50。", statusCode: StatusCodes.Status400BadRequest);
        }
        if (string.IsNullOrWhiteSpace(q))
        {
            return TypedResults.Ok(Array.Empty<ArticleHit>());
        }
        // Ask for a few more than shown: some may fall outside their validity today.
        var hits = await index.SearchAsync(new SearchRequest(q) { Filter = filter, Size = take * 2 }, ct);
        var shown = hits.Where(h => today is not { } day || InForce(h, day)).Take(take)
            .Select(h => new ArticleHit(Guid.Parse(h.Id), h.Title, h.Category, h.Department, h.Metadata.GetValueOrDefault("status", ""),
                Math.Round(h.Score, 4), h.Highlights))
            .ToArray();
        return TypedResults.Ok(shown);
    }

    private static bool InForce(SearchHit hit, LocalDate today) =>
        (!hit.Metadata.TryGetValue("validFrom", out var from) || string.CompareOrdinal(from, Iso(today)) <= 0)
        && (!hit.Metadata.TryGetValue("validUntil", out var until) || string.CompareOrdinal(Iso(today), until) <= 0);

    private static SearchDocument Document(Article a)
    {
        var metadata = new Dictionary<string, string> { ["kind"] = Kind, ["status"] = a.Status.ToString().ToLowerInvariant() };
        if (a.ValidFrom is { } from)
        {
            metadata["validFrom"] = Iso(from);
        }
        if (a.ValidUntil is { } until)
        {
            metadata["validUntil"] = Iso(until);
        }
        return new SearchDocument(a.Id.ToString(), a.Title, a.Keywords.Length > 0 ? a.Body + "\n" + a.Keywords : a.Body)
        {
            Category = a.Category,
            Department = a.OwnerDepartmentId,
            Metadata = metadata,
        };
    }

    private static string Iso(LocalDate date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
