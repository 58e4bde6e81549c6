using System.ComponentModel.DataAnnotations;

namespace Hotline.Routing.Llm;

/// <summary>
/// The optional large language model (大模型) the routing engine may consult, through any server that speaks OpenAI's
/// <c>POST /chat/completions</c> (OpenAI itself, or a local vLLM, Ollama, llama.cpp…). Without <see cref="Endpoint"/> and
/// <see cref="Model"/> it is off and nothing calls it; half set is a start-up error (<see cref="Validate"/>), so a typo cannot
/// silently turn it off.
/// </summary>
public sealed class LlmOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Hotline:Llm";

    /// <summary>The API's base, the part before <c>/chat/completions</c>: <c>https://api.openai.com/v1</c>, <c>http://127.0.0.1:8000/v1</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The model the server is asked for (<c>gpt-4o-mini</c>, <c>Qwen2.5-7B-Instruct</c>…).</summary>
    public string? Model { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer …</c> when set; local servers usually want none. A secret: never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long one ticket waits for the model before the offline ensemble decides alone.</summary>
    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 8;

    /// <summary>Consecutive outages (timeouts, refused connections, HTTP errors) after which the model is skipped for a while.</summary>
    [Range(1, 100)]
    public int FailuresBeforePause { get; set; } = 3;

    /// <summary>How long the model is skipped after <see cref="FailuresBeforePause"/> outages in a row.</summary>
    [Range(1, 3600)]
    public int PauseSeconds { get; set; } = 60;

    /// <summary>At most this many similar past cases go into one prompt (each costs tokens and time).</summary>
    [Range(0, 20)]
    public int MaxSimilarCases { get; set; } = 5;

    /// <summary>Whether the model is to be consulted: an endpoint and a model are both set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint) && !string.IsNullOrWhiteSpace(Model);

    /// <summary>The problems with these settings, one message per problem; none when the LLM is off or completely configured.</summary>
    public IEnumerable<string> Validate()
    {
        var anySet = new[] { Endpoint, Model, ApiKey }.Any(v => !string.IsNullOrWhiteSpace(v));
        if (!anySet)
        {
            yield break;
        }
        if (!IsConfigured)
        {
            yield return $"{SectionName} is only partly set: Endpoint and Model are both required (ApiKey when the server wants one).";
        }
        if (!string.IsNullOrWhiteSpace(Endpoint)
            && !(Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
        {
            yield return $"{SectionName}:Endpoint '{Endpoint}' must be an absolute http(s) URL such as https://api.openai.com/v1.";
        }
    }
}
