namespace Hotline.Knowledge.Search;

/// <summary>
/// The knowledge search index: articles, catalogue entries and closed tickets go in as <see cref="SearchDocument"/>s and come back
/// ranked for a Chinese query, with highlighted snippets. Two implementations share this contract: <see cref="SqliteSearchIndex"/>
/// (embedded, the default) and <see cref="ElasticsearchSearchIndex"/> (a cluster, chosen by <see cref="SearchOptions.Provider"/>). Its shape follows what Elasticsearch does natively — bulk upsert by id,
/// delete by id, term filters on keyword fields, highlight fragments per field — so the second implementation is a translation,
/// not a redesign. Implementations are safe to share between threads.
/// </summary>
public interface ISearchIndex
{
    /// <summary>
    /// Adds the documents, replacing any already indexed under the same <see cref="SearchDocument.Id"/> (bulk upsert). Every
    /// document is checked before anything is written. The batch is applied in one transaction where the store has them (SQLite):
    /// a failure leaves the index as it was; Elasticsearch has none, so a failure names the documents that failed and repeating the
    /// batch is safe.
    /// </summary>
    Task IndexAsync(IEnumerable<SearchDocument> documents, CancellationToken cancellationToken = default);

    /// <summary>Removes the documents with these ids; ids not in the index are ignored. Returns how many were removed.</summary>
    Task<int> DeleteAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default);

    /// <summary>
    /// The documents best matching <see cref="SearchRequest.Text"/> among those passing <see cref="SearchRequest.Filter"/>, best
    /// first. A query with nothing to search for (empty, punctuation, emoji) returns no hits, never an error.
    /// </summary>
    Task<IReadOnlyList<SearchHit>> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default);

    /// <summary>How many documents pass <paramref name="filter"/> (all of them without one).</summary>
    Task<long> CountAsync(SearchFilter? filter = null, CancellationToken cancellationToken = default);
}

/// <summary>
/// Another module's documents in the shared index (the catalogue's entries and past cases, from Routing). A rebuild on
/// Elasticsearch copies the index with <c>_reindex</c> and then moves the alias; a document written through the alias while the
/// copy ran went to the old index only, so after the swap each source sends its documents again from its own tables.
/// </summary>
public interface ISearchDocumentSource
{
    /// <summary>Sends this source's documents again; returns how many.</summary>
    Task<int> ResendAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The index's store cannot be reached or is overloaded right now (connection refused, timeout, 429/502/503/504): nothing is
/// wrong with the request, and the same call may succeed later. Search endpoints answer 503; writes leave the index to be
/// brought in line with the articles table once the store is back.
/// </summary>
public sealed class SearchIndexUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>Which failures of a search mean "the index cannot answer now", for the callers that carry on without it.</summary>
public static class SearchFailure
{
    /// <summary>
    /// Unreachable or overloaded (<see cref="SearchIndexUnavailableException"/>), or refused by the cluster
    /// (<see cref="ElasticsearchException"/>: an index or alias deleted by hand, a failed shard). Either way the reader gets a
    /// 503 or an answer without the index, never a 500: nothing in the request itself was wrong.
    /// </summary>
    public static bool IsOutage(Exception e) => e is SearchIndexUnavailableException or ElasticsearchException;

    /// <summary>
    /// What the reader of a 503 is told, in Chinese: waiting helps with an unreachable cluster, not with a missing index (an alias
    /// or index deleted by hand), which stays missing until an admin rebuilds it.
    /// </summary>
    public static string Explain(Exception e) => e is ElasticsearchException { ErrorType: "index_not_found_exception" }
        ? "检索索引不存在（可能被手工删除），请管理员在「知识库管理」中重建检索索引"
        : TryLater;

    /// <summary>The text for a reader who can do nothing about the cause (a citizen).</summary>
    public const string TryLater = "检索服务暂时不可用，请稍后重试";
}

/// <summary>One searchable document: a knowledge article, a catalogue entry, or a closed ticket with its reply.</summary>
/// <param name="Id">The caller's id; indexing the same id again replaces the document.</param>
/// <param name="Title">The title (may be empty); it weighs more than the body.</param>
/// <param name="Body">The text.</param>
public sealed record SearchDocument(string Id, string Title, string Body)
{
    /// <summary>The first-level category (城乡建设, 交通运输…), filterable.</summary>
    public string? Category { get; init; }

    /// <summary>The owning department's code, filterable.</summary>
    public string? Department { get; init; }

    /// <summary>
    /// Further keyword fields, filterable by exact value and returned with each hit: <c>status</c> (draft, published, expired),
    /// <c>validFrom</c>/<c>validUntil</c> (ISO dates), <c>reviewDate</c>, <c>kind</c>. Keys are ASCII letters, digits, '_' and '-'.
    /// </summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata;

    internal static readonly IReadOnlyDictionary<string, string> EmptyMetadata = new Dictionary<string, string>();
}

/// <summary>Exact-value conditions a hit must meet, all of them (Elasticsearch: <c>term</c> filters in a <c>bool.filter</c>).</summary>
public sealed record SearchFilter
{
    public string? Category { get; init; }

    public string? Department { get; init; }

    /// <summary>Metadata values that must match exactly, e.g. <c>status = published</c> for citizens.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = SearchDocument.EmptyMetadata;

    /// <summary>Only published documents: what citizens' self-service search uses.</summary>
    public static SearchFilter Published { get; } = new() { Metadata = new Dictionary<string, string> { ["status"] = "published" } };
}

/// <summary>A query.</summary>
/// <param name="Text">
/// What the person typed or the citizen wrote. Courtesy formulas are ignored; when the text has several lines, the first line is
/// read as its title (a message's subject) and weighs more. Only the first <see cref="SqliteSearchIndex.MaxQueryCharacters"/>
/// characters are analysed.
/// </param>
public sealed record SearchRequest(string Text)
{
    public SearchFilter? Filter { get; init; }

    /// <summary>How many hits to return (1–100).</summary>
    public int Size { get; init; } = 10;

    /// <summary>How many of the best hits to skip, for paging.</summary>
    public int From { get; init; }

    /// <summary>Whether to compute <see cref="SearchHit.Highlights"/> (agents' lists want them; evaluation does not).</summary>
    public bool Highlight { get; init; } = true;
}

/// <summary>One ranked document.</summary>
/// <param name="Id">The document's id.</param>
/// <param name="Score">Relevance; comparable only within one result list.</param>
/// <param name="Title">The document's title, as indexed.</param>
/// <param name="Highlights">
/// Per field (<c>title</c>, <c>body</c>), fragments of HTML-escaped text with the matched terms in <c>&lt;em&gt;</c>, ready to
/// insert into a page; a field without matches is absent.
/// </param>
public sealed record SearchHit(string Id, double Score, string Title, IReadOnlyDictionary<string, IReadOnlyList<string>> Highlights)
{
    public string? Category { get; init; }

    public string? Department { get; init; }

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = SearchDocument.EmptyMetadata;
}

/// <summary>The argument checks every <see cref="ISearchIndex"/> makes, so bad input fails the same way whatever the store.</summary>
internal static class SearchContract
{
    /// <summary>At most this many hits can be paged through (<see cref="SearchRequest.From"/> + <see cref="SearchRequest.Size"/>).</summary>
    public const int MaxWindow = 1_000;

    public static void ValidateDocument(SearchDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (string.IsNullOrEmpty(document.Id) || document.Title is null || document.Body is null || document.Metadata is null)
        {
            throw new ArgumentException("A document needs an id, a title (may be empty), a body and metadata (may be empty).");
        }
        foreach (var key in document.Metadata.Keys)
        {
            ValidateKey(key);
        }
    }

    public static void ValidateKey(string key)
    {
        if (key.Length is 0 or > 64 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new ArgumentException($"Metadata key \"{key}\" must be 1–64 ASCII letters, digits, '_' or '-'.");
        }
    }

    public static void ValidateRequest(SearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Text, nameof(request.Text));
        if (request.Size is < 1 or > 100 || request.From < 0 || request.From + request.Size > MaxWindow)
        {
            throw new ArgumentOutOfRangeException(nameof(request), $"Size must be 1–100 and From + Size at most {MaxWindow}.");
        }
        foreach (var key in request.Filter?.Metadata.Keys ?? [])
        {
            ValidateKey(key);
        }
    }
}
