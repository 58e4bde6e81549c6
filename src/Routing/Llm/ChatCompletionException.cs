using System.Net;
using System.Text.Json;

namespace Hotline.Routing.Llm;

/// <summary>
/// A Chat Completions server answered with an error (<c>{"error":{"message","type","param","code"}}</c>, any of 400, 401, 404,
/// 429, 5xx…) or with something that is not a Chat Completions answer. An <see cref="HttpRequestException"/>, so code that
/// handles HTTP failures handles this too; <see cref="HttpRequestException.StatusCode"/> is the status (null for an unreadable
/// 2xx), and the message names the server's own explanation.
/// </summary>
public sealed class ChatCompletionException : HttpRequestException
{
    public ChatCompletionException(string message, HttpStatusCode? statusCode = null, Exception? inner = null)
        : base(statusCode is null ? HttpRequestError.InvalidResponse : HttpRequestError.Unknown, message, inner, statusCode)
    {
    }

    public ChatCompletionException()
        : this("The chat completions server failed.")
    {
    }

    public ChatCompletionException(string message)
        : this(message, null, null)
    {
    }

    public ChatCompletionException(string message, Exception inner)
        : this(message, null, inner)
    {
    }

    /// <summary><c>error.type</c>, e.g. <c>invalid_request_error</c>.</summary>
    public string? ErrorType { get; init; }

    /// <summary><c>error.code</c>, e.g. <c>invalid_api_key</c>; may be null.</summary>
    public string? ErrorCode { get; init; }

    /// <summary><c>error.param</c>, the request field at fault; may be null.</summary>
    public string? Param { get; init; }

    /// <summary>The <c>Retry-After</c> of a 429 or 503, when the server sent one in seconds.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Whether trying again later may succeed: rate limits, timeouts on the server's side, and server errors.</summary>
    public bool IsTransient => StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int?)StatusCode >= 500;

    internal static ChatCompletionException Unreadable(string detail, Exception? inner = null) =>
        new($"The chat completions server sent an unreadable answer: {detail}", null, inner);

    internal static ChatCompletionException FromErrorResponse(HttpStatusCode status, string body, TimeSpan? retryAfter)
    {
        string? message = null, type = null, code = null, param = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                message = Text(error, "message");
                type = Text(error, "type");
                code = Text(error, "code");
                param = Text(error, "param");
            }
        }
        catch (JsonException)
        {
            // A proxy's HTML page or a plain-text error: the excerpt below says what it was.
        }
        var what = message ?? (string.IsNullOrWhiteSpace(body) ? "no body" : OpenAiCompatibleChatClient.Excerpt(body));
        var details = string.Join(", ", new[] { type is null ? null : $"type {type}", code is null ? null : $"code {code}",
            param is null ? null : $"param {param}" }.OfType<string>());
        return new ChatCompletionException(
            $"The chat completions server answered {(int)status} {status}: {what}{(details.Length > 0 ? $" ({details})" : "")}", status)
        {
            ErrorType = type,
            ErrorCode = code,
            Param = param,
            RetryAfter = retryAfter,
        };
    }

    // The code can be a number on some compatible servers ("code": 400); keep its text.
    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;
}
