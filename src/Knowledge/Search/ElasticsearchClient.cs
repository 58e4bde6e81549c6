using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Hotline.Knowledge.Search;

/// <summary>
/// The part of Elasticsearch's REST API the knowledge index needs, over <see cref="HttpClient"/> and System.Text.Json (the
/// official .NET client is not in this registry). It knows the wire — JSON and NDJSON bodies, authentication, the error
/// shapes, which failures mean "try later" — and nothing about documents or queries (<see cref="ElasticsearchSearchIndex"/>).
/// </summary>
/// <remarks>
/// Failures become exceptions a person can act on: an error body (<c>{"error":{"type","reason",…},"status":N}</c>, or in
/// edge cases <c>{"error":"…"}</c>) is an <see cref="ElasticsearchException"/> with its type and reason; a bulk answer with
/// <c>"errors":true</c> is one naming the ids that failed; a refused connection, a timeout, 429, 502, 503 and 504 are a
/// <see cref="SearchIndexUnavailableException"/>.
/// </remarks>
internal sealed class ElasticsearchClient : IDisposable
{
    /// <summary>Chinese stays readable in request bodies; what must be escaped in JSON still is.</summary>
    internal static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    private readonly HttpClient _http;
    private readonly Uri _baseUrl;
    private readonly TimeSpan _timeout;

    public ElasticsearchClient(ElasticsearchOptions options, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate().FirstOrDefault() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }
        _baseUrl = new Uri(options.Url!.TrimEnd('/') + "/");
        _timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        // One long-lived client for the process; connections are recycled so a DNS change of the cluster is picked up.
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan, // per request instead, so bulk loads and reindexing may take longer
        };
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", options.ApiKey);
        }
        else if (!string.IsNullOrEmpty(options.UserName))
        {
            var credentials = Encoding.UTF8.GetBytes($"{options.UserName}:{options.Password}");
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(credentials));
        }
    }

    /// <summary>The per-request limit for ordinary requests (<see cref="ElasticsearchOptions.TimeoutSeconds"/>).</summary>
    public TimeSpan Timeout => _timeout;

    /// <summary>
    /// Sends <paramref name="body"/> as JSON (or nothing) and returns the answer's JSON. A status outside 2xx throws, unless it is
    /// one of <paramref name="alsoAccepted"/> (such as 404 for "no such alias"), which is returned like a success.
    /// </summary>
    public async Task<ElasticsearchResponse> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken,
        TimeSpan? timeout = null, params int[] alsoAccepted)
    {
        var content = body is null ? null : new StringContent(body.ToJsonString(Json), Encoding.UTF8, "application/json");
        return await SendAsync(method, path, content, timeout ?? _timeout, alsoAccepted, cancellationToken);
    }

    /// <summary>
    /// <c>POST {path}</c> (a <c>_bulk</c> endpoint) with one action line and optionally one source line per operation, as NDJSON
    /// ending in a newline. Throws an <see cref="ElasticsearchException"/> naming every id whose item failed.
    /// </summary>
    public async Task<IReadOnlyList<BulkItem>> BulkAsync(string path, IEnumerable<BulkOperation> operations, CancellationToken cancellationToken)
    {
        var ndjson = new StringBuilder();
        var count = 0;
        foreach (var operation in operations)
        {
            ndjson.Append(operation.Action.ToJsonString(Json)).Append('\n');
            if (operation.Source is { } source)
            {
                ndjson.Append(source.ToJsonString(Json)).Append('\n');
            }
            count++;
        }
        if (count == 0)
        {
            return [];
        }
        var content = new StringContent(ndjson.ToString(), Encoding.UTF8, "application/x-ndjson");
        var response = await SendAsync(HttpMethod.Post, path, content, BulkTimeout, [], cancellationToken);
        var items = ReadBulkItems(response.Body);
        // 200 with "errors": true is how Elasticsearch reports failed items; each carries its own status and error.
        var failed = items.Where(i => i.ErrorType is not null).ToList();
        if (failed.Count > 0 || (response.Body.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.True))
        {
            throw ElasticsearchException.ForBulk(path, count, failed);
        }
        return items;
    }

    /// <summary>Bulk requests and reindexing move much more than a search: they get a minute, or six ordinary timeouts.</summary>
    public TimeSpan BulkTimeout => TimeSpan.FromSeconds(Math.Max(60, 6 * _timeout.TotalSeconds));

    public void Dispose() => _http.Dispose();

    private async Task<ElasticsearchResponse> SendAsync(HttpMethod method, string path, HttpContent? content, TimeSpan timeout,
        int[] alsoAccepted, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_baseUrl, path.TrimStart('/'))) { Content = content };
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        string text;
        int status;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, limit.Token);
            status = (int)response.StatusCode;
            text = await response.Content.ReadAsStringAsync(limit.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SearchIndexUnavailableException(
                $"Elasticsearch at {_baseUrl} did not answer {method} {path} within {timeout.TotalSeconds:0.#} s.", e);
        }
        catch (HttpRequestException e)
        {
            throw new SearchIndexUnavailableException($"Elasticsearch at {_baseUrl} cannot be reached ({method} {path}): {e.Message}", e);
        }

        if (status is >= 200 and < 300 || alsoAccepted.Contains(status))
        {
            return new ElasticsearchResponse(status, Parse(text, method, path, status));
        }
        var error = ElasticsearchException.FromResponse(method.Method, path, status, text);
        if (status is 429 or 502 or 503 or 504)
        {
            throw new SearchIndexUnavailableException(error.Message, error);
        }
        throw error;
    }

    private static JsonElement Parse(string text, HttpMethod method, string path, int status)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return default;
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ElasticsearchException(status, "invalid_response",
                $"{method} {path} answered {status} with a body that is not JSON: {Excerpt(text)}", e);
        }
    }

    private static List<BulkItem> ReadBulkItems(JsonElement body)
    {
        var items = new List<BulkItem>();
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("items", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new ElasticsearchException(0, "invalid_response", "A bulk answer has no \"items\" array.");
        }
        // Each item is { "<action>": { "_id", "status", "result" | "error" } }.
        foreach (var item in array.EnumerateArray())
        {
            foreach (var action in item.EnumerateObject())
            {
                var value = action.Value;
                var (type, reason) = value.TryGetProperty("error", out var error) ? ElasticsearchException.TypeAndReason(error) : (null, null);
                items.Add(new BulkItem(action.Name, Text(value, "_id") ?? "", value.TryGetProperty("status", out var s) && s.TryGetInt32(out var n) ? n : 0,
                    Text(value, "result"), type, reason));
            }
        }
        return items;
    }

    internal static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    internal static string Excerpt(string text) => text.Length <= 300 ? text : text[..300] + "…";
}

/// <summary>An answer: its status and its JSON body (<see cref="JsonValueKind.Undefined"/> when it had none).</summary>
internal sealed record ElasticsearchResponse(int Status, JsonElement Body);

/// <summary>One operation of a bulk request: its action line (<c>{"index":{"_id":…}}</c>) and, for index and create, the document.</summary>
internal sealed record BulkOperation(JsonObject Action, JsonNode? Source);

/// <summary>What a bulk answer says about one operation.</summary>
/// <param name="Action"><c>index</c>, <c>create</c>, <c>update</c> or <c>delete</c>.</param>
/// <param name="Id">The document's id.</param>
/// <param name="Status">Its own HTTP status (a delete of a missing id is 404 without being an error).</param>
/// <param name="Result"><c>created</c>, <c>updated</c>, <c>deleted</c>, <c>not_found</c>, <c>noop</c>; null when it failed.</param>
/// <param name="ErrorType">The error's type when it failed, such as <c>document_missing_exception</c>.</param>
/// <param name="ErrorReason">The error's reason.</param>
internal sealed record BulkItem(string Action, string Id, int Status, string? Result, string? ErrorType, string? ErrorReason);

/// <summary>
/// Elasticsearch refused a request: its HTTP status, the error's <see cref="ErrorType"/> and <see cref="Reason"/> as the cluster
/// gave them, and for a bulk request the ids of the documents that failed.
/// </summary>
public sealed class ElasticsearchException : Exception
{
    internal ElasticsearchException(int status, string errorType, string message, Exception? innerException = null,
        string? reason = null, IReadOnlyList<string>? failedIds = null) : base(message, innerException)
    {
        Status = status;
        ErrorType = errorType;
        Reason = reason;
        FailedIds = failedIds ?? [];
    }

    /// <summary>The HTTP status (for a bulk request, 200: the failures are per item).</summary>
    public int Status { get; }

    /// <summary>Elasticsearch's error type, such as <c>illegal_argument_exception</c>.</summary>
    public string ErrorType { get; }

    /// <summary>Elasticsearch's reason, as it gave it.</summary>
    public string? Reason { get; }

    /// <summary>For a bulk request, every id whose item failed.</summary>
    public IReadOnlyList<string> FailedIds { get; }

    internal static ElasticsearchException FromResponse(string method, string path, int status, string body)
    {
        string type;
        string? reason;
        string? cause = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("error", out var error))
            {
                throw new JsonException("no error property");
            }
            (type, reason) = TypeAndReason(error);
            if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("caused_by", out var causedBy))
            {
                var (causeType, causeReason) = TypeAndReason(causedBy);
                cause = $"{causeType}: {causeReason}";
            }
        }
        catch (JsonException)
        {
            // Not Elasticsearch's error shape: a proxy's page, or nothing at all.
            (type, reason) = ($"http_{status}", string.IsNullOrWhiteSpace(body) ? null : ElasticsearchClient.Excerpt(body.Trim()));
        }
        var message = new StringBuilder().Append(CultureInfo.InvariantCulture, $"Elasticsearch refused {method} {path}: {status} {type}");
        if (reason is not null)
        {
            message.Append(": ").Append(reason);
        }
        if (cause is not null)
        {
            message.Append(" (caused by ").Append(cause).Append(')');
        }
        if (status is 401 or 403)
        {
            message.Append(". Check ").Append(ElasticsearchOptions.SectionName).Append(":ApiKey, or UserName and Password, and the role's privileges.");
        }
        return new ElasticsearchException(status, type, message.ToString(), reason: reason);
    }

    internal static ElasticsearchException ForBulk(string path, int operations, IReadOnlyList<BulkItem> failed)
    {
        const int Shown = 10;
        var message = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"Elasticsearch refused {failed.Count} of {operations} operations of a bulk request to {path}: ");
        message.AppendJoin("; ", failed.Take(Shown).Select(i => $"{i.Action} {i.Id} ({i.Status} {i.ErrorType}: {i.ErrorReason})"));
        if (failed.Count > Shown)
        {
            message.Append(CultureInfo.InvariantCulture, $"; and {failed.Count - Shown} more");
        }
        message.Append(". The other operations were applied; repeating the whole request is safe.");
        var first = failed.Count > 0 ? failed[0] : null;
        return new ElasticsearchException(200, first?.ErrorType ?? "bulk_errors", message.ToString(), reason: first?.ErrorReason,
            failedIds: [.. failed.Select(i => i.Id)]);
    }

    /// <summary>An <c>ErrorCause</c>'s type and reason; the spec allows a bare string in edge cases (the HTTP routing layer).</summary>
    internal static (string Type, string? Reason) TypeAndReason(JsonElement error) => error.ValueKind switch
    {
        JsonValueKind.String => ("error", error.GetString()),
        JsonValueKind.Object => (ElasticsearchClient.Text(error, "type") ?? "error", ElasticsearchClient.Text(error, "reason")),
        _ => ("error", error.ToString()),
    };
}
