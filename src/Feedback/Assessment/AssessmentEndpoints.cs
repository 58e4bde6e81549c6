using System.Globalization;
using System.Security.Claims;
using Hotline.Knowledge;
using Hotline.Routing;
using Hotline.Routing.Departments;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Feedback.Assessment;

public sealed record FigureView(string Label, int Met, int Counted, double? Rate);

public sealed record DepartmentLine(string Id, string Name, string Kind, string? ParentId, bool IncludesSubordinates, double? Score,
    int? Rank, int RankedAmong, double? PreviousScore, double? Change, IReadOnlyDictionary<int, int> RatingsByLevel,
    IReadOnlyDictionary<string, FigureView> Figures);

public sealed record PeriodView(string Kind, string From, string To);

public sealed record AssessmentReport(PeriodView Period, PeriodView Previous, IReadOnlyDictionary<string, double> Weights,
    IReadOnlyList<DepartmentLine> Departments);

public sealed record DrillTicket(Guid Id, string TrackingCode, string Title, string Type, string State, string? LeadDepartmentId, DateTimeOffset ReceivedAt);

public sealed record DrillDown(string Department, string Metric, string Label, string Outcome, int Total, IReadOnlyList<DrillTicket> Tickets);

/// <summary>
/// Assessment for supervisors and admins (every department) and for departments (their own line and the units under them):
/// the figures per period, the tickets behind any figure, and exports that Excel opens (CSV, UTF-8 with BOM) or programs read (JSON).
/// </summary>
public static class AssessmentEndpoints
{
    private const int MaxDrillTickets = 1_000;
    private static readonly int[] LevelsHighFirst = [5, 4, 3, 2, 1];

    public static RouteGroupBuilder MapAssessment(this RouteGroupBuilder api)
    {
        api.MapGet("/assessment", ReportAsync).WithSummary("考核统计：各单位各项指标、得分、排名与环比");
        api.MapGet("/assessment/tickets", TicketsAsync).WithSummary("考核指标下钻到工单");
        api.MapGet("/assessment/export", ExportAsync).WithSummary("导出考核统计（format=csv 或 json）");
        return api;
    }

    private static async Task<Results<Ok<AssessmentReport>, ProblemHttpResult>> ReportAsync(string? period, string? date, string? from, string? to,
        ClaimsPrincipal user, AssessmentCalculator calculator, RoutingDbContext db, IClock clock, IOptions<AssessmentOptions> options, CancellationToken ct)
    {
        var (report, error) = await BuildAsync(period, date, from, to, user, calculator, db, clock, options.Value, ct);
        return error is not null ? error.ToProblem() : TypedResults.Ok(report!);
    }

    private static async Task<Results<PushStreamHttpResult, Ok<AssessmentReport>, ProblemHttpResult>> ExportAsync(string? format, string? period,
        string? date, string? from, string? to, ClaimsPrincipal user, AssessmentCalculator calculator, RoutingDbContext db, IClock clock,
        IOptions<AssessmentOptions> options, CancellationToken ct)
    {
        var chosen = format?.Trim().ToLowerInvariant() ?? "csv";
        if (chosen is not ("csv" or "json"))
        {
            return ValidationFailed.One("format", "导出格式应为 csv 或 json。").ToProblem();
        }
        var (report, error) = await BuildAsync(period, date, from, to, user, calculator, db, clock, options.Value, ct);
        if (error is not null)
        {
            return error.ToProblem();
        }
        if (chosen == "json")
        {
            return TypedResults.Ok(report!);
        }
        var metrics = Enum.GetValues<Metric>();
        List<string> columns = ["单位编码", "单位名称", "类型", "含下级", "得分", "排名", "上期得分", "变化", "非常满意", "满意", "基本满意", "不满意", "非常不满意"];
        foreach (var metric in metrics)
        {
            columns.Add(Metrics.IsRate(metric) ? $"{Metrics.Label(metric)}(%)" : Metrics.Label(metric));
            if (Metrics.IsRate(metric))
            {
                columns.Add($"{Metrics.Label(metric)}-达标数");
                columns.Add($"{Metrics.Label(metric)}-统计数");
            }
        }
        var rows = report!.Departments.Select(d =>
        {
            List<string?> row = [d.Id, d.Name, d.Kind, d.IncludesSubordinates ? "是" : "否", Number(d.Score), d.Rank?.ToString(CultureInfo.InvariantCulture),
                Number(d.PreviousScore), Number(d.Change), .. LevelsHighFirst.Select(l => d.RatingsByLevel[l].ToString(CultureInfo.InvariantCulture))];
            foreach (var metric in metrics)
            {
                var figure = d.Figures[Metrics.Key(metric)];
                if (Metrics.IsRate(metric))
                {
                    row.Add(Number(figure.Rate * 100));
                    row.Add(figure.Met.ToString(CultureInfo.InvariantCulture));
                    row.Add(figure.Counted.ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    row.Add(figure.Met.ToString(CultureInfo.InvariantCulture));
                }
            }
            return (IReadOnlyList<string?>)row;
        }).ToAsyncEnumerable();
        var name = $"assessment-{report.Period.From}-{report.Period.To}.csv";
        return TypedResults.Stream(stream => TabularFile.WriteAsync(stream, TabularFormat.Csv, columns, rows, ct), "text/csv; charset=utf-8", name);
    }

    private static async Task<Results<Ok<DrillDown>, ProblemHttpResult>> TicketsAsync(string? department, string? metric, string? outcome,
        string? period, string? date, string? from, string? to, ClaimsPrincipal user, AssessmentCalculator calculator, RoutingDbContext db,
        IClock clock, CancellationToken ct)
    {
        if (!Metrics.TryParse(metric, out var chosen))
        {
            return ValidationFailed.One("metric", $"指标应为以下之一：{string.Join("、", Enum.GetValues<Metric>().Select(Metrics.Key))}。").ToProblem();
        }
        var which = outcome?.Trim().ToLowerInvariant() ?? "all";
        if (which is not ("met" or "missed" or "all"))
        {
            return ValidationFailed.One("outcome", "outcome 应为 met（达标）、missed（未达标）或 all（全部）。").ToProblem();
        }
        var (parsed, error) = AssessmentPeriod.Parse(period, date, from, to, Today(clock));
        if (error is not null)
        {
            return error.ToProblem();
        }
        var departments = await db.Departments.AsNoTracking().ToListAsync(ct);
        if (department is null || departments.FirstOrDefault(d => d.Id.Value == department) is not { } chosenDepartment
            || !Visible(user, departments).Contains(chosenDepartment.Id))
        {
            return new Routing.NotFound("单位不存在，或您无权查看其考核数据。").ToProblem();
        }
        var figures = await calculator.FiguresAsync(parsed!, departments, ct);
        var tally = figures[chosenDepartment.Id][chosen];
        var ids = (which switch { "met" => tally.Met, "missed" => tally.Missed, _ => tally.Met.Concat(tally.Missed) }).Distinct().ToList();
        var shown = ids.Take(MaxDrillTickets).ToList();
        var tickets = await db.Tickets.AsNoTracking().Where(t => shown.Contains(t.Id))
            .Select(t => new { t.Id, t.TrackingCode, t.Title, t.Type, t.State, t.LeadDepartmentId, t.ReceivedAt })
            .ToListAsync(ct);
        return TypedResults.Ok(new DrillDown(chosenDepartment.Id.Value, Metrics.Key(chosen), Metrics.Label(chosen), which, ids.Count,
            [.. tickets.OrderBy(t => t.ReceivedAt).Select(t => new DrillTicket(t.Id.Value, t.TrackingCode, t.Title, TicketLabels.Of(t.Type),
                TicketLabels.Of(t.State), t.LeadDepartmentId?.Value, t.ReceivedAt.ToDateTimeOffset()))]));
    }

    private static async Task<(AssessmentReport? Report, HotlineError? Error)> BuildAsync(string? period, string? date, string? from, string? to,
        ClaimsPrincipal user, AssessmentCalculator calculator, RoutingDbContext db, IClock clock, AssessmentOptions options, CancellationToken ct)
    {
        var (parsed, error) = AssessmentPeriod.Parse(period, date, from, to, Today(clock));
        if (error is not null)
        {
            return (null, error);
        }
        var visible = Visible(user, await db.Departments.AsNoTracking().ToListAsync(ct));
        var lines = (await calculator.AssessAsync(parsed!, ct)).Where(l => visible.Contains(l.Department.Id)).Select(Line).ToList();
        var previous = parsed!.Previous();
        return (new AssessmentReport(View(parsed), View(previous), options.Weights.ToDictionary(w => Metrics.Key(w.Key), w => w.Value), lines), null);
    }

    /// <summary>Supervisors and admins see every department; a department its own line and the units under it.</summary>
    private static HashSet<DepartmentId> Visible(ClaimsPrincipal user, IReadOnlyList<Department> departments)
    {
        if (user.IsInRole(StaffRoles.Supervisor) || user.IsInRole(StaffRoles.Admin))
        {
            return [.. departments.Select(d => d.Id)];
        }
        if (StaffClaims.DepartmentOf(user) is not { } own)
        {
            return [];
        }
        var visible = new HashSet<DepartmentId> { new(own) };
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var d in departments)
            {
                if (d.ParentId is { } parent && visible.Contains(parent) && visible.Add(d.Id))
                {
                    grew = true;
                }
            }
        }
        return visible;
    }

    private static DepartmentLine Line(DepartmentAssessment a) => new(a.Department.Id.Value, a.Department.Name, a.Department.Kind.ToString(),
        a.Department.ParentId?.Value, a.IncludesSubordinates, a.Score, a.Rank, a.RankedAmong, a.PreviousScore,
        a.Score is { } now && a.PreviousScore is { } before ? Math.Round(now - before, 2) : null,
        Enumerable.Range(1, 5).ToDictionary(l => l, l => a.Figures.RatingsByLevel[l]),
        Enum.GetValues<Metric>().ToDictionary(Metrics.Key, m => new FigureView(Metrics.Label(m), a.Figures[m].Met.Count, a.Figures[m].Counted,
            Metrics.IsRate(m) && a.Figures[m].Rate is { } rate ? Math.Round(rate, 4) : null)));

    private static PeriodView View(AssessmentPeriod p) =>
        new(p.Kind.ToString().ToLowerInvariant(), p.First.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), p.Last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    private static LocalDate Today(IClock clock) => clock.GetCurrentInstant().InZone(AssessmentPeriod.Zone).Date;

    private static string? Number(double? value) => value is { } v ? Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture) : null;
}
