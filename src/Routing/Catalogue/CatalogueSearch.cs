using Hotline.Knowledge.Search;
using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Routing.Catalogue;

/// <summary>
/// Keeps catalogue entries in the knowledge search index as documents of <c>kind = catalogue</c>, so dispatchers find a matter
/// by the words a citizen used. The database is the truth: the index follows each save and is rebuilt at start-up when the
/// number of catalogue documents differs from the number of entries.
/// </summary>
public static class CatalogueSearch
{
    public const string Kind = "catalogue";

    public static string DocumentId(Guid entryId) => $"catalogue:{entryId}";

    public static SearchFilter Filter(bool activeOnly) => new()
    {
        Metadata = activeOnly
            ? new Dictionary<string, string> { ["kind"] = Kind, ["active"] = "true" }
            : new Dictionary<string, string> { ["kind"] = Kind },
    };

    public static async Task IndexAsync(ISearchIndex index, RoutingDbContext db, IReadOnlyCollection<CatalogueEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0)
        {
            return;
        }
        var categories = await db.Categories.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        await index.IndexAsync(entries.Select(e => Document(e, categories.GetValueOrDefault(e.CategoryId), departments.GetValueOrDefault(e.DepartmentId))), ct);
    }

    public static async Task ReconcileAsync(RoutingDbContext db, ISearchIndex index, CancellationToken ct)
    {
        var entries = await db.Catalogue.AsNoTracking().ToListAsync(ct);
        if (await index.CountAsync(Filter(activeOnly: false), ct) != entries.Count)
        {
            await IndexAsync(index, db, entries, ct);
        }
    }

    private static SearchDocument Document(CatalogueEntry e, string? categoryName, string? departmentName) =>
        new(DocumentId(e.Id), e.Name, string.Join("\n", new[]
        {
            string.Join("、", e.Keywords),
            e.Remit ?? "",
            $"{CatalogueLabels.Of(e.Level)}事项，承办：{departmentName ?? e.DepartmentId.Value}",
        }.Where(s => s.Length > 0)))
        {
            Category = categoryName,
            Department = e.DepartmentId.Value,
            Metadata = new Dictionary<string, string>
            {
                ["kind"] = Kind,
                ["entryId"] = e.Id.ToString(),
                ["level"] = e.Level.ToString(),
                ["active"] = e.Active ? "true" : "false",
            },
        };
}
