using Hotline.Routing.Departments;
using Hotline.Routing.Engine;
using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Hotline.Routing.Llm;

/// <summary>
/// The LLM as a member of the routing engine (<see cref="IRoutingAdvisor"/>): it is shown the ticket, every active handling unit
/// with its remit, the categories and the most similar closed tickets, and its verdict becomes an opinion the engine records and
/// shows. As the decision note "The LLM advises; the offline model dispatches" says, the opinion never moves a ticket: when it
/// names another department than the offline members, automatic dispatch is held back for a dispatcher
/// (<see cref="EnsembleRules.WithAdvisors"/>). It is asked only for new tickets, never while an agent types.
/// </summary>
internal sealed partial class LlmRoutingMember(LlmRoutingAdvisor llm, RoutingDbContext db, ILogger<LlmRoutingMember> logger)
    : IRoutingAdvisor
{
    private const int CasesShown = 5;

    public string Name => "llm";

    public async Task<AdvisorOpinion?> AdviseAsync(RoutingQuestion question, EnsembleDecision draft, IReadOnlyList<Cases.SimilarCase> similarCases,
        CancellationToken ct)
    {
        var departments = await db.Departments.AsNoTracking().Where(d => d.Active && d.Kind != DepartmentKind.Centre).ToListAsync(ct);
        var categories = await db.Categories.AsNoTracking().ToListAsync(ct);
        var area = question.AreaId is { } areaId ? await db.Areas.AsNoTracking().Where(a => a.Id == areaId).Select(a => a.Name).FirstOrDefaultAsync(ct) : null;
        var consultation = await llm.ConsultAsync(new LlmRoutingQuestion(question.Title, question.Content, Type: null, area,
            [.. departments.OrderBy(d => d.Id.Value, StringComparer.Ordinal).Select(CandidateDepartment.From)],
            [.. categories.OrderBy(c => c.Id, StringComparer.Ordinal).Select(CandidateCategory.From)],
            [.. similarCases.Take(CasesShown).Select(c => new SimilarCase(c.Title, c.Category, c.DepartmentName, c.Reply, c.Similarity))])
        {
            KnownNames = question.KnownNames,
        }, ct);
        if (consultation.Verdict is not { } verdict)
        {
            LogNoVerdict(logger, consultation.Outcome.ToString(), consultation.Detail);
            return null;
        }
        var name = departments.FirstOrDefault(d => d.Id.Value == verdict.DepartmentId)?.Name ?? verdict.DepartmentId;
        return new AdvisorOpinion($"大模型{(verdict.Model is { } model ? $"（{model}）" : "")}建议派「{name}」：{verdict.Reason}",
            verdict.CategoryId, verdict.DepartmentId, verdict.Confidence);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "LLM routing member gave no verdict ({Outcome}): {Detail}")]
    private static partial void LogNoVerdict(ILogger logger, string outcome, string detail);
}
