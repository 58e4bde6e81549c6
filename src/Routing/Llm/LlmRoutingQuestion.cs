using Hotline.Routing.Departments;
using Hotline.Routing.Tickets;

namespace Hotline.Routing.Llm;

/// <summary>
/// What the language model is asked about one ticket: its text, the departments it may choose from with their remits, the
/// categories, and similar closed cases. The citizen's phone number and name are not part of it; <see cref="KnownNames"/> only
/// tells the prompt which names to mask where the citizen wrote them into the text.
/// </summary>
/// <param name="Title">The ticket's title (may be empty).</param>
/// <param name="Content">What the citizen said or wrote.</param>
/// <param name="Type">The type registered by the agent or the citizen, if any; the model may propose another.</param>
/// <param name="AreaName">The area the matter is in (示范市东城区…), if known: it decides the 属地 department.</param>
/// <param name="Departments">The only departments the model may choose; an answer naming another is discarded.</param>
/// <param name="Categories">The first-level categories; an answer naming another is discarded.</param>
/// <param name="SimilarCases">Closed tickets like this one, most similar first; the prompt takes the first few.</param>
public sealed record LlmRoutingQuestion(
    string Title,
    string Content,
    TicketType? Type,
    string? AreaName,
    IReadOnlyList<CandidateDepartment> Departments,
    IReadOnlyList<CandidateCategory> Categories,
    IReadOnlyList<SimilarCase> SimilarCases)
{
    /// <summary>Names to mask in the text (the ticket's citizen name); never sent themselves.</summary>
    public IReadOnlyList<string> KnownNames { get; init; } = [];
}

/// <summary>A department the model may choose, with its remit (职责) as a dispatcher reads it.</summary>
public sealed record CandidateDepartment(string Id, string Name, string? Remit)
{
    public static CandidateDepartment From(Department department)
    {
        ArgumentNullException.ThrowIfNull(department);
        return new CandidateDepartment(department.Id.Value, department.Name, department.Remit);
    }
}

/// <summary>A first-level category, and the department that usually handles it (shown to the model as a hint).</summary>
public sealed record CandidateCategory(string Id, string Name, string? DefaultDepartmentId)
{
    public static CandidateCategory From(Category category)
    {
        ArgumentNullException.ThrowIfNull(category);
        return new CandidateCategory(category.Id, category.Name, category.DefaultDepartmentId?.Value);
    }
}

/// <summary>
/// A closed ticket like the one being routed, as precedent: what was asked, where it went and what the answer said. Built by
/// the retrieval of similar closed tickets; the prompt masks personal data in its text too.
/// </summary>
/// <param name="Text">The past ticket's title and content.</param>
/// <param name="CategoryName">Its final category.</param>
/// <param name="DepartmentName">The department that handled it.</param>
/// <param name="ReplySummary">The gist of the department's reply.</param>
/// <param name="Similarity">How similar it is (0–1), if the retrieval says.</param>
public sealed record SimilarCase(string Text, string? CategoryName, string? DepartmentName, string? ReplySummary, double? Similarity = null);

/// <summary>The model's answer, checked: the department and category are among those offered, the rest well formed.</summary>
/// <param name="CategoryId">One of <see cref="LlmRoutingQuestion.Categories"/>; null only when none were offered.</param>
/// <param name="DepartmentId">One of <see cref="LlmRoutingQuestion.Departments"/>.</param>
/// <param name="Type">The type the model reads in the text.</param>
/// <param name="Urgency">The urgency the model reads in the text.</param>
/// <param name="Confidence">The model's own confidence, 0–1. Not calibrated: see README, "Routing with an LLM".</param>
/// <param name="Reason">A short Chinese reason for a dispatcher.</param>
public sealed record LlmRoutingVerdict(string? CategoryId, string DepartmentId, TicketType Type, Urgency Urgency, double Confidence,
    string Reason)
{
    /// <summary>The model that answered, as the server names it (a snapshot such as <c>gpt-4o-mini-2024-07-18</c>).</summary>
    public string? Model { get; init; }

    /// <summary>The server's id for the answer (<c>chatcmpl-…</c>), to find it in the provider's logs.</summary>
    public string? ResponseId { get; init; }
}

/// <summary>How a consultation of the model ended.</summary>
public enum LlmOutcome
{
    Answered,     // a verdict
    Paused,       // skipped: the model failed several times in a row (circuit breaker)
    NoCandidates, // skipped: no department to choose from
    TimedOut,     // no answer within Hotline:Llm:TimeoutSeconds
    Unreachable,  // connection refused, DNS, TLS…
    ServerError,  // an HTTP error status (401 key, 404 model, 429 rate limit, 5xx…) or an answer that is not Chat Completions
    Refused,      // the model refused, or a content filter cut the answer
    Truncated,    // finish_reason "length": the answer was cut off
    Invalid,      // not the JSON asked for, or a department/category that was not offered
}

/// <summary>One consultation: a verdict when <see cref="Outcome"/> is <see cref="LlmOutcome.Answered"/>, else why not.</summary>
public sealed record LlmConsultation(LlmOutcome Outcome, LlmRoutingVerdict? Verdict, string Detail);
