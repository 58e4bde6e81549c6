using System.Security.Claims;
using Hotline.Knowledge.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Hotline.Knowledge.Articles;

public sealed record ArticleImportResult(int Created, int Updated, int Unchanged);

/// <summary>
/// Moving the knowledge base in and out as files: an installation starts from another city's export or a spreadsheet the
/// departments kept, and supervisors read exports in Excel. Export and import use the same columns, so an exported file imports
/// back unchanged. An import is all or nothing: one bad line and nothing is written, and the answer lists every bad line.
/// </summary>
public static class ArticleTransfer
{
    public const long MaxImportBytes = 64L * 1024 * 1024;

    /// <summary>At most this many lines are reported; the rest are still checked before anything is written.</summary>
    private const int MaxReportedErrors = 50;

    public static readonly IReadOnlyList<string> Columns =
        ["id", "title", "body", "category", "ownerDepartmentId", "keywords", "validFrom", "validUntil", "reviewBy", "status", "version", "updatedAt", "updatedBy"];

    internal static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> ExportAsync(
        string? format, string? status, string? department, bool? needsReview, KnowledgeDbContext db, IClock clock, CancellationToken ct)
    {
        if (TabularFile.FormatNamed(format ?? "jsonl") is not { } chosen)
        {
            return Invalid("format", "导出格式应为 jsonl 或 csv。");
        }
        var query = db.Articles.AsNoTracking();
        if (status is { Length: > 0 })
        {
            if (ParseStatus(status) is not { } s)
            {
                return Invalid("status", "状态应为 Draft、Published 或 Expired。");
            }
            query = query.Where(a => a.Status == s);
        }
        if (department is { Length: > 0 })
        {
            query = query.Where(a => a.OwnerDepartmentId == department);
        }
        if (needsReview == true)
        {
            query = query.DueForReview(ArticleSearch.Today(clock));
        }
        var rows = query.OrderBy(a => a.Id).AsAsyncEnumerable().Select(Row);
        var (contentType, extension) = chosen == TabularFormat.Csv
            ? ($"{TabularFile.CsvMediaType}; charset=utf-8", "csv")
            : ($"{TabularFile.JsonLinesMediaType}; charset=utf-8", "jsonl");
        return TypedResults.Stream(stream => TabularFile.WriteAsync(stream, chosen, Columns, rows, ct), contentType, $"knowledge-articles.{extension}");
    }

    internal static async Task<Results<Ok<ArticleImportResult>, ProblemHttpResult>> ImportAsync(
        HttpRequest request, ClaimsPrincipal user, KnowledgeDbContext db, ArticleIndexer indexer, IClock clock, CancellationToken ct)
    {
        if (ArticleEndpoints.EditorDepartment(user) is not { } editor)
        {
            return ArticleEndpoints.Forbidden();
        }
        if (TabularFile.FormatOf(request.ContentType) is not { } format)
        {
            return TypedResults.Problem(title: "文件格式不支持", statusCode: StatusCodes.Status415UnsupportedMediaType,
                detail: $"请以 {TabularFile.JsonLinesMediaType}（每行一个 JSON 对象）或 {TabularFile.CsvMediaType}（首行为表头）上传。");
        }

        var errors = new List<string>();
        var rows = new List<(TabularRow Row, Guid? Id)>();
        var seen = new HashSet<Guid>();
        try
        {
            await foreach (var row in TabularFile.ReadAsync(request.Body, format, ct))
            {
                if (row.Error is { } unreadable)
                {
                    errors.Add(unreadable);
                    continue;
                }
                Guid? id = null;
                if (row.Get("id") is { } text)
                {
                    if (!Guid.TryParse(text, out var parsed))
                    {
                        errors.Add($"第 {row.Line} 行：id「{Clip(text)}」不是有效的编号。");
                        continue;
                    }
                    if (!seen.Add(parsed))
                    {
                        errors.Add($"第 {row.Line} 行：id {parsed} 在文件中重复出现。");
                        continue;
                    }
                    id = parsed;
                }
                rows.Add((row, id));
            }
        }
        catch (DataFileException e)
        {
            errors.Add(e.Message);
        }

        var ids = rows.Where(r => r.Id is not null).Select(r => r.Id!.Value).ToList();
        var existing = ids.Count == 0 ? [] : await db.Articles.Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        var changed = new List<Article>();
        int created = 0, updated = 0, unchanged = 0;
        foreach (var (row, id) in rows)
        {
            var isNew = id is not { } known || !existing.ContainsKey(known);
            var article = isNew ? new Article { Id = id ?? Guid.CreateVersion7(), Status = ArticleStatus.Draft } : existing[id!.Value];
            if (!isNew && editor.Length > 0 && article.OwnerDepartmentId != editor)
            {
                errors.Add($"第 {row.Line} 行：知识 {article.Id} 属于其他单位，只能导入本单位的知识。");
                continue;
            }
            var before = ArticleVersion.Of(article);
            var lineErrors = ArticleEndpoints.Check(article, Request(row, article), editor);
            var status = row.Get("status") is { } statusText ? ParseStatus(statusText) : article.Status;
            if (status is null)
            {
                lineErrors["status"] = ["状态应为 Draft、Published、Expired（或 草稿、已发布、已失效）。"];
            }
            if (lineErrors.Count > 0)
            {
                errors.AddRange(lineErrors.SelectMany(e => e.Value.Select(message => $"第 {row.Line} 行（{e.Key}）：{message}")));
                continue;
            }
            article.Status = status!.Value;
            if (!isNew && SameContent(before, ArticleVersion.Of(article)))
            {
                unchanged++;
                continue;
            }
            if (!isNew && StaleEdit(row, before.Version) is { } stale)
            {
                errors.Add($"第 {row.Line} 行：{stale}");
                continue;
            }
            article.Version = isNew ? 1 : article.Version + 1;
            ArticleEndpoints.Stamp(article, user, clock);
            if (isNew)
            {
                db.Articles.Add(article);
                created++;
            }
            else
            {
                updated++;
            }
            db.ArticleVersions.Add(ArticleVersion.Of(article));
            changed.Add(article);
        }

        if (errors.Count > 0)
        {
            var reported = errors.Take(MaxReportedErrors).ToList();
            if (errors.Count > MaxReportedErrors)
            {
                reported.Add($"……另有 {errors.Count - MaxReportedErrors} 处错误未列出。");
            }
            return TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = 400,
                Title = "导入文件有误，未导入任何知识",
                Detail = $"共 {errors.Count} 处错误，请修改后重新上传整个文件。",
                Extensions = { ["errors"] = new Dictionary<string, string[]> { ["lines"] = [.. reported] } },
            });
        }
        if (changed.Count > 0)
        {
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Someone saved one of these articles between this import's read and its write (a changed version, or the
                // version row it would add already there; or an article with the file's new id created meanwhile): EF writes
                // all or nothing, so nothing was written. Any other failure is not a conflict, and is thrown.
                if (!await ChangedMeanwhileAsync(db, changed, ct))
                {
                    throw;
                }
                return TypedResults.Problem(title: "内容已被他人修改", statusCode: StatusCodes.Status409Conflict,
                    detail: "导入期间有知识被他人修改，本次未导入任何内容。请重新导出最新版本，修改后再导入。");
            }
            await indexer.IndexAsync(changed, ct);
        }
        return TypedResults.Ok(new ArticleImportResult(created, updated, unchanged));
    }

    /// <summary>
    /// The row as an edit of <paramref name="current"/>: a column the file does not have keeps what the article has (a file of
    /// id, title, body and status must not clear every article's validity, which alone keeps a lapsed one from citizens); a
    /// blank cell clears it.
    /// </summary>
    private static ArticleRequest Request(TabularRow row, Article current)
    {
        string? Field(string? kept, params string[] names) =>
            names.Any(row.Fields.ContainsKey) ? names.Select(row.Get).FirstOrDefault(v => v is not null) : kept;
        string? Date(LocalDate? kept, string name) => row.Fields.ContainsKey(name) ? row.Get(name) : ArticleEndpoints.IsoDate(kept);
        return new(Field(current.Title, "title"), Field(current.Body, "body"), Field(current.Category, "category"),
            Field(current.OwnerDepartmentId, "ownerDepartmentId", "department"), Field(current.Keywords, "keywords"),
            Date(current.ValidFrom, "validFrom"), Date(current.ValidUntil, "validUntil"), Date(current.ReviewBy, "reviewBy"), Version: null);
    }

    /// <summary>Whether an article this import changes was saved by someone else since it was read.</summary>
    private static async Task<bool> ChangedMeanwhileAsync(KnowledgeDbContext db, List<Article> changed, CancellationToken ct)
    {
        // The versions as read: a new article had none (Version is 1 now); an edited one had one less than it has now.
        var read = changed.ToDictionary(a => a.Id, a => a.Version - 1);
        db.ChangeTracker.Clear();
        var ids = read.Keys.ToList();
        var now = await db.Articles.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => new { a.Id, a.Version }).ToListAsync(ct);
        return now.Any(a => read[a.Id] != a.Version);
    }

    /// <summary>
    /// Why a changed row must not overwrite the article: the file says which version it was exported from (the <c>version</c>
    /// column), and the article has been edited since. An old export edited in a spreadsheet would otherwise silently undo
    /// those edits — the same rule as the editor's <c>version</c> on a single save. A file without the column (a spreadsheet a
    /// department kept) is not checked.
    /// </summary>
    private static string? StaleEdit(TabularRow row, int current)
    {
        if (row.Get("version") is not { } text)
        {
            return null;
        }
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) || version < 1)
        {
            return $"version「{Clip(text)}」应为导出时的版本号（正整数）。";
        }
        return version < current
            ? $"该知识导出后已被修改（文件中为第 {version} 版，当前为第 {current} 版），请重新导出最新版本后再修改，以免覆盖他人的修改。"
            : null;
    }

    private static ArticleStatus? ParseStatus(string text) => text.Trim() switch
    {
        "草稿" => ArticleStatus.Draft,
        "已发布" or "发布" => ArticleStatus.Published,
        "已失效" or "失效" => ArticleStatus.Expired,
        var other when Enum.TryParse<ArticleStatus>(other, ignoreCase: true, out var s) && Enum.IsDefined(s) && !int.TryParse(other, out _) => s,
        _ => null,
    };

    private static bool SameContent(ArticleVersion a, ArticleVersion b) =>
        a.Title == b.Title && a.Body == b.Body && a.Category == b.Category && a.OwnerDepartmentId == b.OwnerDepartmentId
        && a.Keywords == b.Keywords && a.ValidFrom == b.ValidFrom && a.ValidUntil == b.ValidUntil && a.ReviewBy == b.ReviewBy
        && a.Status == b.Status;

    private static IReadOnlyList<string?> Row(Article a) =>
    [
        a.Id.ToString(), a.Title, a.Body, a.Category, a.OwnerDepartmentId, a.Keywords,
        ArticleEndpoints.IsoDate(a.ValidFrom), ArticleEndpoints.IsoDate(a.ValidUntil), ArticleEndpoints.IsoDate(a.ReviewBy),
        a.Status.ToString(), a.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        NodaTime.Text.InstantPattern.ExtendedIso.Format(a.UpdatedAt), a.UpdatedBy,
    ];

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;

    private static ProblemHttpResult Invalid(string field, string message) => ArticleEndpoints.Invalid(field, message);
}
