using System.Security.Claims;
using Hotline.Knowledge.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Text;

namespace Hotline.Knowledge.Articles;

public sealed record ArticleRequest(string? Title, string? Body, string? Category, string? OwnerDepartmentId, string? Keywords,
    string? ValidFrom, string? ValidUntil, string? ReviewBy, int? Version);

public sealed record StatusRequest(string? Status, int? Version);

/// <summary>An article as staff read it, with how many direct answers cited it (引用作答) and when the last one did.</summary>
public sealed record ArticleView(Guid Id, string Title, string Body, string? Category, string? OwnerDepartmentId, string Keywords,
    string? ValidFrom, string? ValidUntil, string? ReviewBy, string Status, int Version, DateTimeOffset UpdatedAt, string UpdatedBy,
    int Citations, DateTimeOffset? LastCitedAt);

/// <summary>One saved version with everything it said, so an editor can read what an article used to tell citizens, see what
/// each save changed, and start a new version from an old one.</summary>
public sealed record ArticleVersionView(int Version, string Title, string Body, string? Category, string? OwnerDepartmentId,
    string Keywords, string? ValidFrom, string? ValidUntil, string? ReviewBy, string Status, DateTimeOffset SavedAt, string SavedBy);

public sealed record ArticlePage(IReadOnlyList<ArticleView> Items, int Total);

/// <summary>
/// The knowledge base for staff: every signed-in staff member reads; admins edit any article, a department's editors only their
/// department's. Each save is a new version (the article's <c>version</c> must match, so two editors cannot overwrite each other).
/// </summary>
public static class ArticleEndpoints
{
    public static RouteGroupBuilder MapArticles(this RouteGroupBuilder knowledge)
    {
        knowledge.MapGet("/articles", ListAsync).WithSummary("知识列表");
        knowledge.MapGet("/articles/{id:guid}", GetAsync).WithSummary("知识详情");
        knowledge.MapGet("/articles/{id:guid}/versions", VersionsAsync).WithSummary("知识的历史版本");
        knowledge.MapPost("/articles", CreateAsync).WithSummary("新建知识（草稿）");
        knowledge.MapPut("/articles/{id:guid}", UpdateAsync).WithSummary("修改知识（保存为新版本）");
        knowledge.MapPost("/articles/{id:guid}/status", StatusAsync).WithSummary("发布、失效或退回草稿");
        knowledge.MapGet("/articles/export", ArticleTransfer.ExportAsync).WithSummary("导出知识（format=jsonl 或 csv）");
        knowledge.MapPost("/articles/import", ArticleTransfer.ImportAsync).WithSummary("导入知识（JSONL 或 CSV，全部成功或全部不导入）")
            .WithMetadata(new RequestBodyLimit(ArticleTransfer.MaxImportBytes));
        return knowledge;
    }

    private static async Task<Results<Ok<ArticlePage>, ProblemHttpResult>> ListAsync(string? status, string? category,
        string? department, bool? needsReview, string? sort, int? page, int? pageSize, KnowledgeDbContext db, IClock clock, CancellationToken ct)
    {
        // Case is ignored, as for status: CITATIONS is not a different request.
        sort = sort?.ToLowerInvariant();
        if (sort is { Length: > 0 } and not ("updated" or "citations"))
        {
            return Invalid("sort", "排序应为 updated（最近修改）或 citations（引用作答次数）。");
        }
        var query = db.Articles.AsNoTracking();
        if (needsReview == true)
        {
            query = query.DueForReview(ArticleSearch.Today(clock));
        }
        if (status is { Length: > 0 })
        {
            if (!Enum.TryParse<ArticleStatus>(status, ignoreCase: true, out var s) || !Enum.IsDefined(s))
            {
                return Invalid("status", "状态应为 Draft、Published 或 Expired。");
            }
            query = query.Where(a => a.Status == s);
        }
        if (category is { Length: > 0 })
        {
            query = query.Where(a => a.Category == category);
        }
        if (department is { Length: > 0 })
        {
            query = query.Where(a => a.OwnerDepartmentId == department);
        }
        var size = pageSize ?? 20;
        var number = page ?? 1;
        if (size is < 1 or > 200 || number is < 1 or > 10_000)
        {
            return Invalid("page", "页码应在 1 到 10000 之间，每页 1 到 200 条。");
        }
        var total = await query.CountAsync(ct);
        var ordered = sort == "citations"
            ? query.OrderByDescending(a => db.ArticleCitations.Count(c => c.ArticleId == a.Id)).ThenByDescending(a => a.UpdatedAt)
            : query.OrderByDescending(a => a.UpdatedAt);
        var items = await ordered.ThenBy(a => a.Id).Skip((number - 1) * size).Take(size).ToListAsync(ct);
        var citations = await CitationsAsync(db, [.. items.Select(a => a.Id)], ct);
        return TypedResults.Ok(new ArticlePage([.. items.Select(a => View(a, citations.GetValueOrDefault(a.Id)))], total));
    }

    private static async Task<Results<Ok<ArticleView>, ProblemHttpResult>> GetAsync(Guid id, KnowledgeDbContext db, CancellationToken ct) =>
        await db.Articles.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct) is { } article
            ? TypedResults.Ok(await ViewAsync(db, article, ct))
            : NotFound();

    /// <summary>How many direct answers cited each of these articles, and when the last one did (articles never cited are absent).</summary>
    private static async Task<Dictionary<Guid, Citations>> CitationsAsync(KnowledgeDbContext db, List<Guid> ids, CancellationToken ct) =>
        await db.ArticleCitations.AsNoTracking().Where(c => ids.Contains(c.ArticleId))
            .GroupBy(c => c.ArticleId)
            .Select(g => new { g.Key, Count = g.Count(), Last = g.Max(c => c.CitedAt) })
            .ToDictionaryAsync(g => g.Key, g => new Citations(g.Count, g.Last), ct);

    private readonly record struct Citations(int Count, Instant Last);

    /// <summary>One article as staff read it, with its citations.</summary>
    private static async Task<ArticleView> ViewAsync(KnowledgeDbContext db, Article article, CancellationToken ct) =>
        View(article, (await CitationsAsync(db, [article.Id], ct)).GetValueOrDefault(article.Id));

    private static async Task<Results<Ok<ArticleVersionView[]>, ProblemHttpResult>> VersionsAsync(Guid id, KnowledgeDbContext db, CancellationToken ct)
    {
        var versions = await db.ArticleVersions.AsNoTracking().Where(v => v.ArticleId == id).OrderByDescending(v => v.Version).ToListAsync(ct);
        return versions.Count == 0
            ? NotFound()
            : TypedResults.Ok(versions.Select(v => new ArticleVersionView(v.Version, v.Title, v.Body, v.Category, v.OwnerDepartmentId,
                v.Keywords, IsoDate(v.ValidFrom), IsoDate(v.ValidUntil), IsoDate(v.ReviewBy), v.Status.ToString(), v.SavedAt.ToDateTimeOffset(),
                v.SavedBy)).ToArray());
    }

    private static async Task<Results<Created<ArticleView>, ProblemHttpResult>> CreateAsync(
        ArticleRequest request, ClaimsPrincipal user, KnowledgeDbContext db, ArticleIndexer indexer, IClock clock, CancellationToken ct)
    {
        if (EditorDepartment(user) is not { } editor)
        {
            return Forbidden();
        }
        var article = new Article { Status = ArticleStatus.Draft };
        if (Apply(article, request, editor) is { } invalid)
        {
            return invalid;
        }
        Stamp(article, user, clock);
        article.Version = 1;
        db.Articles.Add(article);
        db.ArticleVersions.Add(ArticleVersion.Of(article));
        await db.SaveChangesAsync(ct);
        await indexer.IndexAsync(article, ct);
        return TypedResults.Created($"/api/knowledge/articles/{article.Id}", View(article, default));
    }

    private static async Task<Results<Ok<ArticleView>, ProblemHttpResult>> UpdateAsync(
        Guid id, ArticleRequest request, ClaimsPrincipal user, KnowledgeDbContext db, ArticleIndexer indexer, IClock clock, CancellationToken ct) =>
        await ChangeAsync(id, request.Version, user, db, indexer, clock, article => Apply(article, request, EditorDepartment(user)!), ct);

    private static async Task<Results<Ok<ArticleView>, ProblemHttpResult>> StatusAsync(
        Guid id, StatusRequest request, ClaimsPrincipal user, KnowledgeDbContext db, ArticleIndexer indexer, IClock clock, CancellationToken ct) =>
        await ChangeAsync(id, request.Version, user, db, indexer, clock, article =>
        {
            if (!Enum.TryParse<ArticleStatus>(request.Status, ignoreCase: true, out var status) || !Enum.IsDefined(status))
            {
                return Invalid("status", "状态应为 Draft、Published 或 Expired。");
            }
            article.Status = status;
            return null;
        }, ct);

    private static async Task<Results<Ok<ArticleView>, ProblemHttpResult>> ChangeAsync(Guid id, int? version, ClaimsPrincipal user,
        KnowledgeDbContext db, ArticleIndexer indexer, IClock clock, Func<Article, ProblemHttpResult?> change, CancellationToken ct)
    {
        if (EditorDepartment(user) is not { } editor)
        {
            return Forbidden();
        }
        var article = await db.Articles.SingleOrDefaultAsync(a => a.Id == id, ct);
        if (article is null)
        {
            return NotFound();
        }
        if (editor.Length > 0 && article.OwnerDepartmentId != editor)
        {
            return Forbidden("只能修改本单位的知识。");
        }
        if (version is null || version != article.Version)
        {
            return TypedResults.Problem(title: "知识已被他人修改", detail: $"当前版本为 {article.Version}，请刷新后再修改。", statusCode: StatusCodes.Status409Conflict);
        }
        if (change(article) is { } invalid)
        {
            return invalid;
        }
        article.Version++;
        Stamp(article, user, clock);
        db.ArticleVersions.Add(ArticleVersion.Of(article));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return TypedResults.Problem(title: "知识已被他人修改", detail: "请刷新后再修改。", statusCode: StatusCodes.Status409Conflict);
        }
        await indexer.IndexAsync(article, ct);
        return TypedResults.Ok(await ViewAsync(db, article, ct));
    }

    /// <summary>"" for an admin (any department), the department for its editors, null for everyone else.</summary>
    internal static string? EditorDepartment(ClaimsPrincipal user) =>
        user.IsInRole(StaffClaims.AdminRole) ? ""
        : user.IsInRole(StaffClaims.DepartmentRole) ? StaffClaims.DepartmentOf(user)
        : null;

    private static ProblemHttpResult? Apply(Article article, ArticleRequest request, string editor)
    {
        var errors = Check(article, request, editor);
        return errors.Count == 0 ? null : TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = 400,
            Title = "请求参数有误",
            Detail = "请求中有字段不符合要求，请按提示修改后重试。",
            Extensions = { ["errors"] = errors },
        });
    }

    /// <summary>
    /// Validates <paramref name="request"/> and, when it is valid, writes it into <paramref name="article"/>; returns the errors by
    /// field (none: applied). The API's edits and the file import share it, so both accept exactly the same articles.
    /// </summary>
    internal static Dictionary<string, string[]> Check(Article article, ArticleRequest request, string editor)
    {
        var errors = new Dictionary<string, string[]>();
        var title = request.Title?.Trim() ?? "";
        var body = request.Body?.Trim() ?? "";
        if (title.Length is 0 or > 200)
        {
            errors["title"] = ["请填写标题（不超过 200 字）。"];
        }
        if (body.Length is 0 or > 50_000)
        {
            errors["body"] = ["请填写正文（不超过 50000 字）。"];
        }
        if ((request.Keywords?.Length ?? 0) > 500)
        {
            errors["keywords"] = ["关键词不超过 500 字。"];
        }
        if ((request.Category?.Trim().Length ?? 0) > 100)
        {
            errors["category"] = ["分类不超过 100 字。"];
        }
        if ((request.OwnerDepartmentId?.Trim().Length ?? 0) > 64)
        {
            errors["ownerDepartmentId"] = ["单位编码不超过 64 个字符。"];
        }
        var from = Date(request.ValidFrom, "validFrom", errors);
        var until = Date(request.ValidUntil, "validUntil", errors);
        var review = Date(request.ReviewBy, "reviewBy", errors);
        if (from is { } f && until is { } u && u < f)
        {
            errors["validUntil"] = ["失效日期不能早于生效日期。"];
        }
        if (errors.Count > 0)
        {
            return errors;
        }
        article.Title = title;
        article.Body = body;
        article.Category = string.IsNullOrWhiteSpace(request.Category) ? null : request.Category.Trim();
        // A department's editor always writes for their own department; an admin chooses.
        article.OwnerDepartmentId = editor.Length > 0 ? editor : string.IsNullOrWhiteSpace(request.OwnerDepartmentId) ? null : request.OwnerDepartmentId.Trim();
        article.Keywords = request.Keywords?.Trim() ?? "";
        article.ValidFrom = from;
        article.ValidUntil = until;
        article.ReviewBy = review;
        return errors;
    }

    private static LocalDate? Date(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var parsed = LocalDatePattern.Iso.Parse(text.Trim());
        if (!parsed.Success)
        {
            errors[field] = ["请以 yyyy-MM-dd 格式填写日期。"];
            return null;
        }
        // Year 0 parses but cannot be stored (the column is a date from year 1); a policy's dates lie well inside this range.
        if (parsed.Value.Year is < 1900 or > 2999)
        {
            errors[field] = ["日期应在 1900 年至 2999 年之间。"];
            return null;
        }
        return parsed.Value;
    }

    internal static void Stamp(Article article, ClaimsPrincipal user, IClock clock)
    {
        article.UpdatedAt = clock.GetCurrentInstant();
        article.UpdatedBy = StaffClaims.NameOf(user);
    }

    private static ArticleView View(Article a, Citations citations) => new(a.Id, a.Title, a.Body, a.Category, a.OwnerDepartmentId,
        a.Keywords, IsoDate(a.ValidFrom), IsoDate(a.ValidUntil), IsoDate(a.ReviewBy), a.Status.ToString(), a.Version,
        a.UpdatedAt.ToDateTimeOffset(), a.UpdatedBy, citations.Count, citations.Count == 0 ? null : citations.Last.ToDateTimeOffset());

    /// <summary>
    /// Still published, but its review date has come or its validity has ended: agents may be reading out a rule that changed.
    /// The owner checks it, then sets the next review date or expires it.
    /// </summary>
    internal static IQueryable<Article> DueForReview(this IQueryable<Article> articles, LocalDate today) =>
        articles.Where(a => a.Status == ArticleStatus.Published
            && ((a.ReviewBy != null && a.ReviewBy <= today) || (a.ValidUntil != null && a.ValidUntil < today)));

    /// <summary>A date as the API, the exports, the imports and the search index write it (ISO, whatever the host's culture).</summary>
    internal static string IsoDate(LocalDate date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    internal static string? IsoDate(LocalDate? date) => date is { } d ? IsoDate(d) : null;

    private static ProblemHttpResult NotFound() => TypedResults.Problem(title: "未找到", detail: "知识不存在。", statusCode: StatusCodes.Status404NotFound);

    internal static ProblemHttpResult Forbidden(string detail = "只有系统管理员和承办单位可以编辑知识。") =>
        TypedResults.Problem(title: "无权操作", detail: detail, statusCode: StatusCodes.Status403Forbidden);

    internal static ProblemHttpResult Invalid(string field, string message) => TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
    {
        Status = 400,
        Title = "请求参数有误",
        Detail = message,
        Extensions = { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } },
    });
}
