using System.Security.Claims;
using Hotline.Knowledge;
using Hotline.Knowledge.Search;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Hotline.Routing.Cases;

/// <summary>
/// A closed ticket like the one at hand: what it was about, who handled it, what they replied. <c>Similarity</c> is the cosine
/// of the two texts' character-bigram sets (0–1, comparable across searches); <c>Score</c> the search index's relevance
/// (comparable only within one list); <c>Highlights</c> the case's title and message with the shared words in <c>&lt;em&gt;</c>
/// (personal data removed).
/// </summary>
public sealed record SimilarCase(Guid TicketId, string Title, double Similarity, double Score, string? CategoryId, string? Category,
    string? DepartmentId, string? DepartmentName, string? Reply, string? ClosedOn, string? AreaId,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Highlights);

/// <summary>
/// Finds past cases: the search index proposes candidates among <c>kind = case</c> documents, and each is scored by a similarity
/// a person can read (shared character bigrams of the two texts, 0–1), so "similar" means the same thing whatever the index.
/// </summary>
public sealed class SimilarCaseFinder(RoutingDbContext db, ISearchIndex index)
{
    /// <summary>
    /// At or above this similarity a case counts as evidence for the department (within the category the model chose); below
    /// it a case is still listed for the agent but does not vote. Measured on the TipDM data as a category vote (two or more
    /// agreeing cases forming a majority among the 5 nearest of other folds, or one at 0.8): on titles it votes on 25 % of
    /// tickets and is right on 91 % of them (0.2: 59 % and 87 %; 0.4: 9 % and 94 %); on full messages, whose bigram sets are
    /// large, only on 4–5 % at any value from 0.2 to 0.6, right on 98–99 %. Department choices could not be measured (the data
    /// has categories only); 0.3 keeps a vote to texts that share most of their words.
    /// </summary>
    public const double SimilarThreshold = 0.3;

    // Courtesy formulas and words every hotline message has: shared, they say nothing about the matter.
    private static readonly HashSet<string> Generic =
        ["您好", "你好", "请问", "谢谢", "尊敬", "敬的", "领导", "反映", "希望", "相关", "部门", "处理", "解决", "问题", "情况", "有关", "一下", "我们", "你们"];

    public async Task<IReadOnlyList<SimilarCase>> FindAsync(string title, string content, TicketId? exclude, int size, CancellationToken ct)
    {
        var query = $"{title}\n{content}".Trim();
        if (query.Length == 0)
        {
            return [];
        }
        var hits = await index.SearchAsync(new SearchRequest(query) { Filter = CaseSearch.Filter, Size = Math.Clamp(size * 2 + 1, 1, 100) }, ct);
        var candidates = hits.Where(h => h.Metadata.TryGetValue("ticketId", out var id) && Guid.TryParse(id, out var g) && g != exclude?.Value)
            .ToDictionary(h => Guid.Parse(h.Metadata["ticketId"]));
        if (candidates.Count == 0)
        {
            return [];
        }
        var ids = candidates.Keys.Select(g => new TicketId(g)).ToList();
        var texts = await db.Tickets.AsNoTracking().Where(t => ids.Contains(t.Id)).Select(t => new { t.Id, t.Title, t.Content })
            .ToDictionaryAsync(t => t.Id.Value, t => t.Title + "\n" + t.Content, ct);
        var departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id.Value, d => d.Name, ct);
        var mine = Bigrams(query);
        return [.. candidates.Where(c => texts.ContainsKey(c.Key))
            .Select(c =>
            {
                var hit = c.Value;
                var department = hit.Department;
                return new SimilarCase(c.Key, hit.Title, Math.Round(Cosine(mine, Bigrams(texts[c.Key])), 3), Math.Round(hit.Score, 4),
                    hit.Metadata.GetValueOrDefault("categoryId"), hit.Category, department,
                    department is null ? null : departments.GetValueOrDefault(department), hit.Metadata.GetValueOrDefault("reply"),
                    hit.Metadata.GetValueOrDefault("closedAt"), hit.Metadata.GetValueOrDefault("areaId"), hit.Highlights);
            })
            .OrderByDescending(c => c.Similarity).ThenByDescending(c => c.Score)
            .Take(size)];
    }

    public static HashSet<string> Bigrams(string text) =>
        [.. ChineseText.Bigrams(text).Where(b => b.Length == 2 && ChineseText.IsIdeograph(b[0]) && !Generic.Contains(b))];

    public static double Cosine(HashSet<string> a, HashSet<string> b) =>
        a.Count == 0 || b.Count == 0 ? 0 : a.Count(b.Contains) / Math.Sqrt((double)a.Count * b.Count);
}

/// <summary>GET /api/tickets/{id}/similar: past cases like a ticket, for the centre's staff (not departments).</summary>
public static class SimilarCaseEndpoints
{
    public static RouteGroupBuilder MapSimilarCases(this RouteGroupBuilder tickets)
    {
        tickets.MapGet("/{id:guid}/similar", SimilarAsync).WithSummary("相似的已办结工单（含承办单位与答复）");
        return tickets;
    }

    private static async Task<Results<Ok<SimilarCase[]>, ProblemHttpResult>> SimilarAsync(
        Guid id, int? size, ClaimsPrincipal user, TicketWorkflow workflow, SimilarCaseFinder finder, ILoggerFactory logs, CancellationToken ct)
    {
        var actor = StaffPrincipal.ToActor(user);
        if (!actor.IsAnyOf(StaffRole.Agent, StaffRole.Dispatcher, StaffRole.Supervisor, StaffRole.Admin))
        {
            return new NotPermitted("相似案例来自其他单位办理的工单，仅热线中心人员可以查看。").ToProblem();
        }
        if (size is < 1 or > 20)
        {
            return ValidationFailed.One("size", "条数为 1 到 20。").ToProblem();
        }
        var ticket = await workflow.LoadVisibleAsync(new TicketId(id), actor, ct);
        if (ticket is null)
        {
            return new NotFound("工单不存在，或您无权查看。").ToProblem();
        }
        try
        {
            return TypedResults.Ok((await finder.FindAsync(ticket.Title, ticket.Content, ticket.Id, size ?? 5, ct)).ToArray());
        }
        catch (Exception ex) when (SearchFailure.IsOutage(ex))
        {
            logs.CreateLogger<SimilarCaseFinder>().LogWarning("Similar cases answered 503: {Reason}", ex.Message);
            return TypedResults.Problem(title: "相似案例暂不可用", statusCode: StatusCodes.Status503ServiceUnavailable,
                detail: $"{SearchFailure.Explain(ex)}；工单的办理不受影响。");
        }
    }
}
