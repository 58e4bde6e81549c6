namespace Hotline.Routing.Engine;

/// <summary>What is being routed: a ticket's (or a draft's) text and where it is.</summary>
public sealed record RoutingQuestion(string Title, string Content, string? AreaId = null, string? Address = null)
{
    public string Text => $"{Title}\n{Content}";

    /// <summary>The citizen's name on a registered ticket: never sent to an outside advisor (an LLM), which masks it where the
    /// citizen wrote it into the text (我叫张三…).</summary>
    public IReadOnlyList<string> KnownNames { get; init; } = [];

    /// <summary>The category an agent chose when registering the ticket (not one a hint set). The agent heard the citizen: when
    /// the engine's category differs, a dispatcher settles it, however sure the engine is.</summary>
    public string? ChosenCategoryId { get; init; }
}

/// <summary>
/// An optional advisor's view of one ticket, in a sentence a person can read, with the category and department it would choose
/// (when it names them) and its own confidence (recorded, never compared with the threshold).
/// </summary>
public sealed record AdvisorOpinion(string Said, string? CategoryId = null, string? DepartmentId = null, double? Confidence = null);

/// <summary>
/// The seam for extra members of the routing engine (an LLM through <c>IChatClient</c>, in <c>src/Routing/Llm</c>). Register
/// implementations in DI; without any, the engine works as before. An advisor sees the question and the draft decision of the
/// built-in members; what it says is recorded with the decision and shown in the reason, and disagreement holds automatic
/// dispatch back (<see cref="EnsembleRules.WithAdvisors"/>). It cannot move a ticket by itself: the calibrated confidence stays
/// the text model's. An advisor that fails or times out should return null; the engine then decides without it.
/// </summary>
public interface IRoutingAdvisor
{
    /// <summary>A short stable name, recorded as the member's name (e.g. <c>llm</c>).</summary>
    string Name { get; }

    /// <param name="question">The ticket's text and place.</param>
    /// <param name="draft">What the built-in members decided.</param>
    /// <param name="similarCases">The past cases the engine found for it (searched once, shared with the advisors).</param>
    /// <param name="ct">Cancellation.</param>
    Task<AdvisorOpinion?> AdviseAsync(RoutingQuestion question, EnsembleDecision draft, IReadOnlyList<Cases.SimilarCase> similarCases, CancellationToken ct);
}
