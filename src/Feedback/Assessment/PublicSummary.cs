using System.Collections.Concurrent;
using System.Globalization;
using Hotline.Routing;
using Hotline.Routing.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Hotline.Feedback.Assessment;

public sealed record PublicDepartmentLine(string Department, string Kind, bool IncludesSubordinates, int Assigned, int Replied,
    double? OnTimeCompletionRate, int Ratings, double? SatisfactionRate, int BadReviews, int Rectified, double? RectifiedOnTimeRate);

public sealed record PublicSummaryView(string From, string To, IReadOnlyList<PublicDepartmentLine> Departments, string Note);

/// <summary>
/// The periodic public summary 51号 asks for (评价结果定期公开): per department, the tickets it was given, its replies, ratings,
/// satisfaction, bad reviews and their rectification — counts and rates only, no ticket, no citizen. Anyone may read it; only
/// finished months and quarters are published (a period still running would change under the reader), and each is computed
/// once and kept for ten minutes, so the page cannot be used to load the database.
/// </summary>
public static class PublicSummary
{
    private static readonly Duration KeepFor = Duration.FromMinutes(10);

    /// <summary>How far back the public summary goes, so anonymous readers cannot make the host compute arbitrary periods.</summary>
    public const int MaxYearsBack = 3;

    public static IEndpointRouteBuilder MapPublicSummary(this IEndpointRouteBuilder app, string? rateLimitPolicy)
    {
        var route = app.MapGet("/api/public/summary", SummaryAsync).WithTags("信息公开").AllowAnonymous()
            .WithSummary("好差评与办理情况定期公开（按月或季度，已结束的时段）");
        if (rateLimitPolicy is not null)
        {
            route.RequireRateLimiting(rateLimitPolicy);
        }
        return app;
    }

    private static async Task<Results<Ok<PublicSummaryView>, ProblemHttpResult>> SummaryAsync(string? period, string? date,
        AssessmentCalculator calculator, PublicSummaryCache cache, RoutingDbContext db, IClock clock, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var today = now.InZone(AssessmentPeriod.Zone).Date;
        if (period is { Length: > 0 } && !string.Equals(period, "month", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(period, "quarter", StringComparison.OrdinalIgnoreCase))
        {
            return ValidationFailed.One("period", "公开统计按月（month）或按季度（quarter）发布。").ToProblem();
        }
        var (parsed, error) = AssessmentPeriod.Parse(period ?? "month", date ?? today.PlusMonths(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null, null, today);
        if (error is not null)
        {
            return error.ToProblem();
        }
        if (parsed!.First < today.PlusYears(-MaxYearsBack))
        {
            return ValidationFailed.One("date", $"公开统计可查询最近 {MaxYearsBack} 年。").ToProblem();
        }
        if (parsed.Last >= today)
        {
            return new RuleViolated($"{parsed.First:yyyy-MM-dd} 至 {parsed.Last:yyyy-MM-dd} 尚未结束，结束后公开。").ToProblem();
        }
        var key = $"{parsed.Kind}:{parsed.First:yyyy-MM-dd}";
        if (cache.Views.TryGetValue(key, out var kept) && now - kept.At < KeepFor)
        {
            return TypedResults.Ok(kept.View);
        }
        var departments = await db.Departments.AsNoTracking().Where(d => d.Active).ToListAsync(ct);
        var figures = await calculator.FiguresAsync(parsed, departments, ct);
        var children = departments.Where(d => d.ParentId is not null).Select(d => d.ParentId!.Value).ToHashSet();
        var lines = departments
            .Select(d => (Department: d, Figures: figures[d.Id]))
            .Where(l => l.Figures[Metric.ReturnRate].Counted > 0 || l.Figures[Metric.SatisfactionRate].Counted > 0)
            .OrderBy(l => l.Department.Kind).ThenBy(l => l.Department.Id.Value, StringComparer.Ordinal)
            .Select(l => new PublicDepartmentLine(l.Department.Name, Kind(l.Department.Kind), children.Contains(l.Department.Id),
                l.Figures[Metric.ReturnRate].Counted, l.Figures[Metric.OnTimeCompletionRate].Met.Count + l.Figures[Metric.OnTimeCompletionRate].Missed.Count,
                Round(l.Figures[Metric.OnTimeCompletionRate].Rate), l.Figures[Metric.SatisfactionRate].Counted, Round(l.Figures[Metric.SatisfactionRate].Rate),
                l.Figures[Metric.BadReviews].Met.Count, l.Figures[Metric.RectifiedOnTime].Counted, Round(l.Figures[Metric.RectifiedOnTime].Rate)))
            .ToList();
        var view = new PublicSummaryView(parsed.First.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), parsed.Last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            lines, "满意率 = （非常满意 + 满意 + 基本满意）÷ 全部评价；经申诉复核成立的差评不计入。区、街道的数字含其下属单位。");
        foreach (var stale in cache.Views.Where(v => now - v.Value.At >= KeepFor).Select(v => v.Key).ToList())
        {
            cache.Views.TryRemove(stale, out _); // at most one entry per month and quarter of the last years stays
        }
        cache.Views[key] = (now, view);
        return TypedResults.Ok(view);
    }

    private static double? Round(double? rate) => rate is { } r ? Math.Round(r, 4) : null;

    private static string Kind(Routing.Departments.DepartmentKind kind) => kind switch
    {
        Routing.Departments.DepartmentKind.Centre => "热线中心（全市合计）",
        Routing.Departments.DepartmentKind.Functional => "职能部门",
        Routing.Departments.DepartmentKind.DistrictGovernment => "区（县）",
        Routing.Departments.DepartmentKind.StreetOffice => "街道（乡镇）",
        _ => "公共服务企业",
    };
}

/// <summary>The public summaries computed in the last minutes, per host (a singleton).</summary>
public sealed class PublicSummaryCache
{
    public ConcurrentDictionary<string, (Instant At, PublicSummaryView View)> Views { get; } = new();
}
