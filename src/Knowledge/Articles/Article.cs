using NodaTime;

namespace Hotline.Knowledge.Articles;

public enum ArticleStatus
{
    Draft,     // 草稿
    Published, // 已发布
    Expired,   // 已失效
}

/// <summary>
/// A knowledge-base article (知识): authoritative text an agent reads out or a citizen reads themselves, owned by a department,
/// valid for a period and reviewed by a date (国办发〔2020〕53号: 权威准确、标准统一、实时更新、共建共享). Every edit is kept as a
/// version; the article row holds the current one.
/// </summary>
public sealed class Article
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";
    public string? Category { get; set; }
    public string? OwnerDepartmentId { get; set; }
    public string Keywords { get; set; } = "";
    public LocalDate? ValidFrom { get; set; }
    public LocalDate? ValidUntil { get; set; }
    public LocalDate? ReviewBy { get; set; }
    public ArticleStatus Status { get; set; }
    public int Version { get; set; }
    public Instant UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";

    /// <summary>Published and within its validity on <paramref name="today"/>: what citizens may read.</summary>
    public bool IsInForce(LocalDate today) =>
        Status == ArticleStatus.Published && (ValidFrom is not { } from || from <= today) && (ValidUntil is not { } until || today <= until);
}

/// <summary>One saved version of an article, never changed afterwards.</summary>
public sealed class ArticleVersion
{
    public Guid ArticleId { get; init; }
    public int Version { get; init; }
    public string Title { get; init; } = "";
    public string Body { get; init; } = "";
    public string? Category { get; init; }
    public string? OwnerDepartmentId { get; init; }
    public string Keywords { get; init; } = "";
    public LocalDate? ValidFrom { get; init; }
    public LocalDate? ValidUntil { get; init; }
    public LocalDate? ReviewBy { get; init; }
    public ArticleStatus Status { get; init; }
    public Instant SavedAt { get; init; }
    public string SavedBy { get; init; } = "";

    public static ArticleVersion Of(Article a) => new()
    {
        ArticleId = a.Id,
        Version = a.Version,
        Title = a.Title,
        Body = a.Body,
        Category = a.Category,
        OwnerDepartmentId = a.OwnerDepartmentId,
        Keywords = a.Keywords,
        ValidFrom = a.ValidFrom,
        ValidUntil = a.ValidUntil,
        ReviewBy = a.ReviewBy,
        Status = a.Status,
        SavedAt = a.UpdatedAt,
        SavedBy = a.UpdatedBy,
    };
}

/// <summary>
/// One direct answer given on the basis of an article (引用作答), keyed by the ticket's timeline entry, so a repeated delivery of the
/// same answer counts once. The knowledge page shows how often and when last each article was cited: the articles agents lean on
/// most are the ones whose accuracy matters most.
/// </summary>
public sealed class ArticleCitation
{
    public Guid EntryId { get; init; }
    public Guid TicketId { get; init; }
    public Guid ArticleId { get; init; }
    public int ArticleVersion { get; init; }
    public Instant CitedAt { get; init; }
}
