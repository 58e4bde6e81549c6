using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Hotline.Routing.Llm;

/// <summary>
/// An <see cref="IChatClient"/> over OpenAI's Chat Completions API (<c>POST {endpoint}/chat/completions</c>), which OpenAI and
/// most self-hosted servers (vLLM, Ollama, llama.cpp, LM Studio…) speak. Written here because neither
/// <c>Microsoft.Extensions.AI</c> nor its OpenAI adapter is in this registry; it is kept thin, so the official adapter can
/// replace it in one place (the <see cref="IChatClient"/> registration).
/// </summary>
/// <remarks>
/// <para>What is sent: the messages (text only; <see cref="ChatOptions.Instructions"/> become a leading system message), the
/// model (<see cref="ChatOptions.ModelId"/> or the configured one), <c>temperature</c>, <c>top_p</c>, <c>max_tokens</c>,
/// <c>seed</c>, <c>stop</c>, and <c>response_format</c>: <c>json_schema</c> (strict unless
/// <see cref="ChatOptions.AdditionalProperties"/> holds <c>strictJsonSchema = false</c>) for a
/// <see cref="ChatResponseFormatJson"/> with a schema, <c>json_object</c> for one without. <c>max_tokens</c> rather than
/// <c>max_completion_tokens</c> because every compatible server accepts it.</para>
/// <para>What comes back: the first choice only (nothing here asks for <c>n</c> &gt; 1); its <c>content</c> as text, its
/// <c>refusal</c> as an <see cref="ErrorContent"/> with <see cref="ErrorContent.ErrorCode"/> <c>Refusal</c> (as the official
/// adapter does), <c>finish_reason</c>, <c>usage</c>, <c>id</c>, <c>model</c> and <c>created</c>.</para>
/// <para>Failures throw: an HTTP error status or an unreadable answer is a <see cref="ChatCompletionException"/> carrying the
/// server's <c>error.message</c>, <c>type</c> and <c>code</c>; an unreachable server is the <see cref="HttpRequestException"/>
/// of <see cref="HttpClient"/>; a timeout is an <see cref="OperationCanceledException"/>. Tools, images and streaming are not
/// supported (<see cref="NotSupportedException"/>): routing needs one structured answer, and a stream would only have to be
/// reassembled before it could be parsed.</para>
/// </remarks>
public sealed partial class OpenAiCompatibleChatClient : IChatClient
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key that turns strict schema adherence off (a boolean).</summary>
    public const string StrictJsonSchemaKey = "strictJsonSchema";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Chinese text as UTF-8, not \uXXXX escapes: half the bytes, and the body stays readable in a proxy's log.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly HttpClient _http;
    private readonly Uri _completions;
    private readonly string _model;
    private readonly string? _apiKey;
    private readonly ChatClientMetadata _metadata;

    /// <param name="http">Sends the requests; its <see cref="HttpClient.Timeout"/> is a backstop, callers pass their own token.</param>
    /// <param name="endpoint">The API's base, e.g. <c>https://api.openai.com/v1</c>; <c>/chat/completions</c> is appended.</param>
    /// <param name="model">The model asked for when a request names none.</param>
    /// <param name="apiKey">Sent as a bearer token when not blank.</param>
    public OpenAiCompatibleChatClient(HttpClient http, Uri endpoint, string model, string? apiKey)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        _http = http;
        _completions = new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/chat/completions");
        _model = model;
        _apiKey = string.IsNullOrWhiteSpace(apiKey) ? null : apiKey;
        _metadata = new ChatClientMetadata("openai-compatible", endpoint, model);
    }

    /// <inheritdoc/>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var request = new HttpRequestMessage(HttpMethod.Post, _completions)
        {
            Content = new ByteArrayContent(RequestBody(messages, options, _model)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (_apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        }

        // ResponseContentRead: a body cut off mid-way fails here, as a network failure, rather than later as bad JSON.
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw ChatCompletionException.FromErrorResponse(response.StatusCode, body, RetryAfter(response));
        }
        return ReadResponse(body);
    }

    /// <summary>Not supported: routing needs one whole structured answer. Use <see cref="GetResponseAsync"/>.</summary>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("OpenAiCompatibleChatClient does not stream; call GetResponseAsync.");

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Nothing to release: the <see cref="HttpClient"/> belongs to whoever created it (the host's factory).</summary>
    public void Dispose()
    {
    }

    /// <summary>The JSON body of a Chat Completions request.</summary>
    internal static byte[] RequestBody(IEnumerable<ChatMessage> messages, ChatOptions? options, string defaultModel)
    {
        if (options?.Tools is { Count: > 0 })
        {
            throw new NotSupportedException("OpenAiCompatibleChatClient does not send tools.");
        }
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("model", string.IsNullOrWhiteSpace(options?.ModelId) ? defaultModel : options.ModelId);
            json.WriteStartArray("messages");
            if (!string.IsNullOrEmpty(options?.Instructions))
            {
                WriteMessage(json, "system", options.Instructions);
            }
            foreach (var message in messages)
            {
                WriteMessage(json, RoleOf(message), TextOf(message));
            }
            json.WriteEndArray();
            if (options?.Temperature is { } temperature)
            {
                json.WriteNumber("temperature", temperature);
            }
            if (options?.TopP is { } topP)
            {
                json.WriteNumber("top_p", topP);
            }
            if (options?.MaxOutputTokens is { } maxTokens)
            {
                json.WriteNumber("max_tokens", maxTokens);
            }
            if (options?.Seed is { } seed)
            {
                json.WriteNumber("seed", seed);
            }
            if (options?.StopSequences is { Count: > 0 } stop)
            {
                json.WriteStartArray("stop");
                foreach (var sequence in stop)
                {
                    json.WriteStringValue(sequence);
                }
                json.WriteEndArray();
            }
            WriteResponseFormat(json, options);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Maps a 2xx Chat Completions body; throws <see cref="ChatCompletionException"/> when it is not one.</summary>
    internal static ChatResponse ReadResponse(string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw ChatCompletionException.Unreadable($"the answer is not JSON ({ex.Message}): {Excerpt(body)}", ex);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw ChatCompletionException.Unreadable($"the answer is not a JSON object: {Excerpt(body)}");
            }
            // Some proxies answer 200 with an error body; it is an error all the same.
            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                throw ChatCompletionException.FromErrorResponse(HttpStatusCode.OK, body, retryAfter: null);
            }
            if (!root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0
                || !choices[0].TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
            {
                throw ChatCompletionException.Unreadable($"the answer has no choices[0].message: {Excerpt(body)}");
            }
            var choice = choices[0];
            var id = Text(root, "id");

            var contents = new List<AIContent>();
            if (Text(message, "reasoning_content") is { Length: > 0 } reasoning)
            {
                // vLLM's and DeepSeek's reasoning parsers put the thinking here, apart from the answer.
                contents.Add(new TextReasoningContent(reasoning));
            }
            if (Text(message, "content") is { } content)
            {
                contents.Add(new TextContent(content));
            }
            if (Text(message, "refusal") is { } refusal)
            {
                contents.Add(new ErrorContent(refusal) { ErrorCode = "Refusal" });
            }
            var role = Text(message, "role") is { Length: > 0 } roleName ? new ChatRole(roleName) : ChatRole.Assistant;
            var response = new ChatResponse(new ChatMessage(role, contents) { MessageId = id })
            {
                ResponseId = id,
                ModelId = Text(root, "model"),
                CreatedAt = CreatedAt(root),
                FinishReason = FinishReasonOf(Text(choice, "finish_reason")),
                Usage = root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object ? UsageOf(usage) : null,
                RawRepresentation = root.Clone(),
            };
            foreach (var name in (ReadOnlySpan<string>)["system_fingerprint", "service_tier"])
            {
                if (Text(root, name) is { } value)
                {
                    (response.AdditionalProperties ??= [])[name] = value;
                }
            }
            return response;
        }
    }

    private static void WriteMessage(Utf8JsonWriter json, string role, string text)
    {
        json.WriteStartObject();
        json.WriteString("role", role);
        json.WriteString("content", text);
        json.WriteEndObject();
    }

    private static string RoleOf(ChatMessage message) =>
        message.Role == ChatRole.Tool
            ? throw new NotSupportedException("OpenAiCompatibleChatClient does not send tool messages.")
            : message.Role.Value;

    private static string TextOf(ChatMessage message) =>
        message.Contents.All(c => c is TextContent)
            ? message.Text
            : throw new NotSupportedException("OpenAiCompatibleChatClient sends text only (no images, files or function calls).");

    private static void WriteResponseFormat(Utf8JsonWriter json, ChatOptions? options)
    {
        if (options?.ResponseFormat is not ChatResponseFormatJson format)
        {
            return; // text, the default
        }
        json.WriteStartObject("response_format");
        if (format.Schema is { } schema)
        {
            var strict = options.AdditionalProperties?.TryGetValue(StrictJsonSchemaKey, out bool value) != true || value;
            json.WriteString("type", "json_schema");
            json.WriteStartObject("json_schema");
            json.WriteString("name", SchemaName(format.SchemaName));
            if (!string.IsNullOrWhiteSpace(format.SchemaDescription))
            {
                json.WriteString("description", format.SchemaDescription);
            }
            json.WritePropertyName("schema");
            schema.WriteTo(json);
            json.WriteBoolean("strict", strict);
            json.WriteEndObject();
        }
        else
        {
            json.WriteString("type", "json_object");
        }
        json.WriteEndObject();
    }

    /// <summary>The API wants 1–64 of a-z A-Z 0-9 _ -.</summary>
    private static string SchemaName(string? name)
    {
        var cleaned = string.IsNullOrWhiteSpace(name) ? "response" : InvalidSchemaNameCharacters().Replace(name, "_");
        return cleaned.Length <= 64 ? cleaned : cleaned[..64];
    }

    private static ChatFinishReason? FinishReasonOf(string? value) => value switch
    {
        null or "" => null,
        "stop" => ChatFinishReason.Stop,
        "length" => ChatFinishReason.Length,
        "tool_calls" or "function_call" => ChatFinishReason.ToolCalls,
        "content_filter" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(value),
    };

    /// <summary>Lenient: older answers lack the <c>*_details</c> objects, and some servers leave out counts.</summary>
    private static UsageDetails UsageOf(JsonElement usage) => new()
    {
        InputTokenCount = Count(usage, "prompt_tokens"),
        OutputTokenCount = Count(usage, "completion_tokens"),
        TotalTokenCount = Count(usage, "total_tokens"),
        CachedInputTokenCount = usage.TryGetProperty("prompt_tokens_details", out var prompt) ? Count(prompt, "cached_tokens") : null,
        ReasoningTokenCount = usage.TryGetProperty("completion_tokens_details", out var completion) ? Count(completion, "reasoning_tokens") : null,
    };

    private static long? Count(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
        && value.TryGetInt64(out var count) ? count : null;

    /// <summary>
    /// OpenAI's <c>created</c> is Unix seconds; some compatible servers send milliseconds (read as such past the year 5138) or
    /// null. Only informative: anything else is left out rather than failing an answer that is otherwise fine.
    /// </summary>
    private static DateTimeOffset? CreatedAt(JsonElement root)
    {
        if (!root.TryGetProperty("created", out var created) || created.ValueKind != JsonValueKind.Number || !created.TryGetInt64(out var value))
        {
            return null;
        }
        var seconds = value > 100_000_000_000 ? value / 1000 : value;
        return seconds is >= 0 and <= 253_402_300_799 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() : null;

    /// <summary>OpenAI sends whole seconds; the HTTP-date form is left out rather than read against the wall clock here.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter?.Delta;

    internal static string Excerpt(string text) => text.Length <= 300 ? text : text[..300] + "…";

    [GeneratedRegex("[^a-zA-Z0-9_-]")]
    private static partial Regex InvalidSchemaNameCharacters();
}
