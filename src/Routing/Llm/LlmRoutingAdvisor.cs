using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hotline.Routing.Llm;

/// <summary>
/// The optional language-model member of the routing ensemble: asks an <see cref="IChatClient"/> which of the candidate
/// departments should handle a ticket (with category, type, urgency, a confidence and a Chinese reason), and checks the
/// answer. It never throws at its caller for the model's sake: a timeout (<see cref="LlmOptions.TimeoutSeconds"/>), an
/// unreachable or failing server, a refusal, a truncated or malformed answer, or a department that was not offered all mean
/// "no answer", logged as a warning, and the offline ensemble decides alone. After repeated outages it stops asking for a while
/// (<see cref="LlmCircuitBreaker"/>). Registered only when <c>Hotline:Llm</c> is configured.
/// </summary>
public sealed class LlmRoutingAdvisor(IChatClient chat, LlmCircuitBreaker breaker, IOptions<LlmOptions> options,
    ILogger<LlmRoutingAdvisor> logger)
{
    /// <summary>The model's checked verdict, or null when it gave none (the reason is logged). See <see cref="ConsultAsync"/>.</summary>
    public async Task<LlmRoutingVerdict?> AdviseAsync(LlmRoutingQuestion question, CancellationToken ct) =>
        (await ConsultAsync(question, ct)).Verdict;

    /// <summary>
    /// Asks the model and says how it went. Only the caller's own cancellation escapes (as <see cref="OperationCanceledException"/>);
    /// every other failure is an <see cref="LlmConsultation"/> without a verdict.
    /// </summary>
    public async Task<LlmConsultation> ConsultAsync(LlmRoutingQuestion question, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (question.Departments.Count == 0)
        {
            return new LlmConsultation(LlmOutcome.NoCandidates, null, "no candidate departments were given");
        }
        if (breaker.PausedUntil is { } until)
        {
            return new LlmConsultation(LlmOutcome.Paused, null, $"the model is skipped until {until} after repeated failures");
        }

        var settings = options.Value;
        var (messages, chatOptions) = RoutingPrompt.Build(question, settings.MaxSimilarCases);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        ChatResponse response;
        try
        {
            response = await chat.GetResponseAsync(messages, chatOptions, timeout.Token);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            return Outage(LlmOutcome.TimedOut, $"no answer within {settings.TimeoutSeconds} s ({ex.GetType().Name})");
        }
        catch (ChatCompletionException ex)
        {
            return Outage(LlmOutcome.ServerError, ex.Message);
        }
        catch (HttpRequestException ex)
        {
            return Outage(LlmOutcome.Unreachable, ex.Message);
        }
        catch (Exception ex)
        {
            // Another IChatClient (the official OpenAI adapter, say) throws its own types; none of them may reach the engine.
            return Outage(LlmOutcome.ServerError, $"{ex.GetType().Name}: {ex.Message}");
        }

        breaker.RecordAnswer();
        var consultation = RoutingPrompt.Read(response, question);
        if (consultation.Verdict is null)
        {
            logger.LogWarning("The routing LLM's answer was not used ({Outcome}): {Detail}. Model {Model}, response {ResponseId}.",
                consultation.Outcome, consultation.Detail, response.ModelId, response.ResponseId);
        }
        else
        {
            logger.LogDebug("The routing LLM chose {Department} ({Confidence:0.00}). Model {Model}, response {ResponseId}, {Tokens} tokens.",
                consultation.Verdict.DepartmentId, consultation.Verdict.Confidence, response.ModelId, response.ResponseId,
                response.Usage?.TotalTokenCount);
        }
        return consultation;
    }

    private LlmConsultation Outage(LlmOutcome outcome, string detail)
    {
        var paused = breaker.RecordOutage();
        logger.LogWarning("The routing LLM gave no answer ({Outcome}): {Detail}.{Pause} The offline ensemble decides alone.",
            outcome, detail, paused ? $" Skipping it for {options.Value.PauseSeconds} s after {options.Value.FailuresBeforePause} failures in a row." : "");
        return new LlmConsultation(outcome, null, detail);
    }
}
