using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hotline.Knowledge.Search;

/// <summary>
/// <see cref="ISearchIndex"/> on an Elasticsearch cluster (8.x or 9.x), for installations that run one: a translation of the
/// contract into Elasticsearch's query language over <see cref="ElasticsearchClient"/>, with no ranking of its own.
/// <para>
/// Hotline reads and writes through an alias (<see cref="ElasticsearchOptions.Index"/>, <c>hotline-knowledge</c>) in front of a
/// versioned index (<c>hotline-knowledge-000001</c>). On first use the alias is looked up; when it is missing the first index is
/// created with it, with one shard, <c>title</c> and <c>body</c> as text in the Chinese analyzer (<see cref="ChineseAnalyzer"/>),
/// and <c>category</c>, <c>department</c> and every <c>metadata.*</c> as keywords. <see cref="ReindexAsync"/> fills the next
/// index and moves the alias in one atomic <c>POST /_aliases</c>, so searches never see a half-filled index.
/// </para>
/// <para>
/// A search is a <c>bool</c> query: <c>combined_fields</c> over <c>title^3</c> and <c>body</c> (BM25F: a title occurrence counts
/// like three in the body), a second one over the message's first line when it has several (its subject, weighed more), and a
/// <c>term</c> filter per <see cref="SearchFilter"/> condition. Highlights come from the unified highlighter with
/// <c>encoder: html</c>, so the fragments are HTML-escaped text with <c>&lt;em&gt;</c> around matches, as the contract says.
/// Writes wait for the next refresh (<c>refresh=wait_for</c>), so a search right after a write sees it.
/// </para>
/// </summary>
public sealed class ElasticsearchSearchIndex : ISearchIndex, IDisposable
{
    /// <summary>
    /// Only this many characters of a query are sent: each bigram becomes a clause, and Elasticsearch refuses queries of more than
    /// about a thousand clauses (<c>indices.query.bool.max_clause_count</c>).
    /// </summary>
    public const int MaxQueryCharacters = 800;

    /// <summary>Characters in a body fragment, as in the embedded index; titles are highlighted whole.</summary>
    public const int FragmentCharacters = Highlighter.FragmentCharacters;

    /// <summary>A bulk request carries at most this many documents or <see cref="BulkBytes"/> of text.</summary>
    private const int BulkDocuments = 500;

    private const int BulkBytes = 5 * 1024 * 1024;

    private readonly ElasticsearchOptions _options;
    private readonly ElasticsearchClient _client;
    private readonly SemaphoreSlim _setupLock = new(1, 1);
    private volatile bool _ready;

    /// <summary>An index behind the alias <see cref="ElasticsearchOptions.Index"/> on the cluster at <see cref="ElasticsearchOptions.Url"/>.</summary>
    public ElasticsearchSearchIndex(ElasticsearchOptions options) : this(options, null)
    {
    }

    /// <summary>Tests hand in their own handler.</summary>
    internal ElasticsearchSearchIndex(ElasticsearchOptions options, HttpMessageHandler? handler)
    {
        _options = options;
        _client = new ElasticsearchClient(options, handler);
    }

    /// <summary>The alias every read and write goes through.</summary>
    public string Alias => _options.Index;

    public async Task IndexAsync(IEnumerable<SearchDocument> documents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        // Everything is checked before anything is sent: a bad document fails the batch with nothing written.
        var batch = documents.ToList();
        batch.ForEach(SearchContract.ValidateDocument);
        if (batch.Count == 0)
        {
            return;
        }
        await EnsureIndexAsync(cancellationToken);
        // require_alias: with the alias deleted by hand, Elasticsearch would otherwise create a plain index under its name, with
        // default mappings (no Chinese analyzer), which searches would then quietly use and which blocks the rebuild's alias.
        // Refused instead, the write is retried by the catch-up, and searches say the index needs rebuilding.
        await BulkIndexAsync($"/{Alias}/_bulk?refresh=wait_for&require_alias=true", batch, cancellationToken);
    }

    public async Task<int> DeleteAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var list = ids.ToList();
        if (list.Any(id => id is null))
        {
            throw new ArgumentException("An id to delete is null.", nameof(ids));
        }
        if (list.Count == 0)
        {
            return 0;
        }
        await EnsureIndexAsync(cancellationToken);
        var deleted = 0;
        foreach (var chunk in list.Chunk(BulkDocuments))
        {
            // A missing id comes back as "not_found" with status 404, which is not an error: the contract ignores unknown ids.
            var items = await _client.BulkAsync($"/{Alias}/_bulk?refresh=wait_for",
                chunk.Select(id => new BulkOperation(new JsonObject { ["delete"] = new JsonObject { ["_id"] = id } }, null)), cancellationToken);
            deleted += items.Count(i => i.Result == "deleted");
        }
        return deleted;
    }

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default)
    {
        SearchContract.ValidateRequest(request);
        if (QueryText(request.Text) is not { } query)
        {
            return [];
        }
        await EnsureIndexAsync(cancellationToken);
        var response = await _client.SendAsync(HttpMethod.Post, $"/{Alias}/_search", SearchBody(request, query.Text, query.Title), cancellationToken);
        return ReadHits(response.Body);
    }

    public async Task<long> CountAsync(SearchFilter? filter = null, CancellationToken cancellationToken = default)
    {
        foreach (var key in filter?.Metadata.Keys ?? [])
        {
            SearchContract.ValidateKey(key);
        }
        await EnsureIndexAsync(cancellationToken);
        var body = new JsonObject { ["query"] = new JsonObject { ["bool"] = new JsonObject { ["filter"] = Filters(filter) } } };
        var response = await _client.SendAsync(HttpMethod.Post, $"/{Alias}/_count", body, cancellationToken);
        return response.Body.TryGetProperty("count", out var count) && count.TryGetInt64(out var n)
            ? n
            : throw new ElasticsearchException(response.Status, "invalid_response", $"A _count answer has no count: {response.Body}");
    }

    /// <summary>
    /// Rebuilds the index with no downtime: creates the next versioned index (<c>{alias}-00000N</c>) with the current analyzer
    /// choice, fills it from <paramref name="documents"/> — or, when none are given, copies the current index with <c>_reindex</c>
    /// — refreshes it, moves the alias to it in one atomic <c>POST /_aliases</c> (remove + add) and deletes the old index.
    /// Searches and writes use the old index until the alias moves. A failure before the move deletes the new index and leaves
    /// the alias where it was.
    /// </summary>
    /// <remarks>
    /// Writes made while the new index fills go to the old one and are not in the new one: the caller re-sends what changed
    /// meanwhile (<c>ArticleIndexer</c> re-indexes the articles saved since the rebuild started).
    /// </remarks>
    public async Task<ReindexResult> ReindexAsync(IEnumerable<SearchDocument>? documents, CancellationToken cancellationToken = default)
    {
        var batch = documents?.ToList();
        batch?.ForEach(SearchContract.ValidateDocument);
        var current = await CurrentIndicesAsync(cancellationToken);
        if (current.Count > 1)
        {
            throw new InvalidOperationException(
                $"The alias {Alias} points at several indices ({string.Join(", ", current)}); point it at one before reindexing.");
        }
        var previous = current.SingleOrDefault();
        var analyzer = await ChooseAnalyzerAsync(cancellationToken);
        var next = await CreateNextIndexAsync(previous, analyzer, cancellationToken);
        long copied;
        try
        {
            copied = batch is not null ? await BulkIndexAsync($"/{next}/_bulk", batch, cancellationToken)
                : previous is not null ? await CopyAsync(previous, next, cancellationToken)
                : 0;
            await _client.SendAsync(HttpMethod.Post, $"/{next}/_refresh", null, cancellationToken, _client.BulkTimeout);
        }
        catch
        {
            await DeleteQuietlyAsync(next);
            throw;
        }
        // One request, applied atomically: readers see the old index or the new one, never neither. must_exist makes a
        // concurrent rebuild that moved the alias first fail this one instead of leaving the alias on two indices.
        var actions = new JsonArray();
        if (previous is not null)
        {
            actions.Add(new JsonObject { ["remove"] = new JsonObject { ["index"] = previous, ["alias"] = Alias, ["must_exist"] = true } });
        }
        actions.Add(new JsonObject { ["add"] = new JsonObject { ["index"] = next, ["alias"] = Alias, ["is_write_index"] = true } });
        try
        {
            // master_timeout below the client's timeout: a swap the master has not taken up by then is dropped, not left queued
            // to land after this rebuild has reported its failure.
            await _client.SendAsync(HttpMethod.Post, $"/_aliases?master_timeout={Math.Max(1, _options.TimeoutSeconds / 2)}s",
                new JsonObject { ["actions"] = actions }, cancellationToken);
        }
        catch (Exception e) when (e is not ElasticsearchException { Status: >= 400 and < 500 })
        {
            // Lost answers are not lost swaps: a timeout or a 5xx can come after the cluster applied the actions, or while they
            // still wait in the master's queue. Deleting the new index then would delete the one the alias points at, or soon
            // will — the whole index gone. So the alias is read: moved means the rebuild succeeded; anything else leaves the new
            // index where it is (the next rebuild skips its name) and reports the failure.
            if (await AliasPointsAtAsync(next) is not true)
            {
                throw;
            }
        }
        catch
        {
            await DeleteQuietlyAsync(next); // refused (a 4xx: another rebuild moved the alias first): nothing points at it
            throw;
        }
        _ready = true;
        var previousDeleted = previous is null || await DeleteQuietlyAsync(previous);
        return new ReindexResult(previous, next, copied, analyzer, previousDeleted);
    }

    /// <summary>Deletes every index behind the alias (and so the alias): for tests that made their own.</summary>
    internal async Task DeleteIndicesAsync(CancellationToken cancellationToken)
    {
        foreach (var index in await CurrentIndicesAsync(cancellationToken))
        {
            await _client.SendAsync(HttpMethod.Delete, $"/{index}", null, cancellationToken, null, 404);
        }
        _ready = false;
    }

    /// <summary>Whether the alias now points at <paramref name="index"/>; null when the cluster cannot say.</summary>
    private async Task<bool?> AliasPointsAtAsync(string index)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(5, _options.TimeoutSeconds)));
            return (await CurrentIndicesAsync(timeout.Token)).Contains(index);
        }
        catch (Exception e) when (e is SearchIndexUnavailableException or ElasticsearchException or OperationCanceledException or HttpRequestException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _setupLock.Dispose();
    }

    /// <summary>
    /// The text to send for a query, and its first line when it reads as a title; null when there is nothing to search for
    /// (empty, punctuation, emoji, only courtesy formulas), which the contract answers with no hits and no request.
    /// </summary>
    internal static (string Text, string Title)? QueryText(string text)
    {
        if (text.Length > MaxQueryCharacters)
        {
            text = text[..(char.IsHighSurrogate(text[MaxQueryCharacters - 1]) ? MaxQueryCharacters - 1 : MaxQueryCharacters)];
        }
        var cleaned = TextAnalysis.RemoveCourtesy(text);
        if (!ChineseText.Bigrams(cleaned).Any())
        {
            return null;
        }
        return (cleaned, TextAnalysis.SplitTitle(cleaned).Title);
    }

    internal static JsonObject SearchBody(SearchRequest request, string text, string title)
    {
        var must = new JsonArray(Match(text, boost: null));
        var should = new JsonArray();
        if (title.Length > 0 && ChineseText.Bigrams(title).Any())
        {
            // With the whole text, the subject's terms count three times, as the embedded index weighs a query's title.
            should.Add(Match(title, boost: 2));
        }
        var body = new JsonObject
        {
            ["from"] = request.From,
            ["size"] = request.Size,
            ["track_total_hits"] = false,
            ["_source"] = new JsonArray("title", "category", "department", "metadata"),
            ["query"] = new JsonObject
            {
                ["bool"] = new JsonObject { ["must"] = must, ["should"] = should, ["filter"] = Filters(request.Filter) },
            },
        };
        if (request.Highlight)
        {
            body["highlight"] = new JsonObject
            {
                ["type"] = "unified",
                ["encoder"] = "html",
                ["pre_tags"] = new JsonArray("<em>"),
                ["post_tags"] = new JsonArray("</em>"),
                ["fields"] = new JsonObject
                {
                    ["title"] = new JsonObject { ["number_of_fragments"] = 0 },
                    ["body"] = new JsonObject { ["fragment_size"] = FragmentCharacters, ["number_of_fragments"] = 1 },
                },
            };
        }
        return body;

        static JsonObject Match(string query, int? boost)
        {
            var match = new JsonObject { ["query"] = query, ["fields"] = new JsonArray("title^3", "body") };
            if (boost is { } b)
            {
                match["boost"] = b;
            }
            return new JsonObject { ["combined_fields"] = match };
        }
    }

    internal static JsonArray Filters(SearchFilter? filter)
    {
        var filters = new JsonArray();
        if (filter is null)
        {
            return filters;
        }
        if (filter.Category is { } category)
        {
            filters.Add(Term("category", category));
        }
        if (filter.Department is { } department)
        {
            filters.Add(Term("department", department));
        }
        foreach (var (key, value) in filter.Metadata)
        {
            filters.Add(Term("metadata." + key, value));
        }
        return filters;

        static JsonObject Term(string field, string value) => new() { ["term"] = new JsonObject { [field] = value } };
    }

    /// <summary>
    /// The body of <c>PUT /{index}</c>: settings, mappings, and the alias when the index is the first. Keyword fields are exact
    /// values (filters); <c>title</c> and <c>body</c> share one analyzer, which <c>combined_fields</c> requires, and keep offsets
    /// so highlighting does not re-analyse long bodies.
    /// </summary>
    internal static JsonObject IndexDefinition(ChineseAnalyzer analyzer, int replicas, string? alias)
    {
        JsonObject Text()
        {
            var field = new JsonObject { ["type"] = "text", ["index_options"] = "offsets" };
            switch (analyzer)
            {
                case ChineseAnalyzer.Ik:
                    field["analyzer"] = "ik_max_word"; // every word the dictionary knows, overlapping, for recall
                    field["search_analyzer"] = "ik_smart"; // the coarsest segmentation, for precise queries
                    break;
                case ChineseAnalyzer.Smartcn:
                    field["analyzer"] = "smartcn";
                    break;
                case ChineseAnalyzer.Cjk or ChineseAnalyzer.Auto:
                    field["analyzer"] = "cjk";
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(analyzer), analyzer, null);
            }
            return field;
        }
        static JsonObject Keyword() => new() { ["type"] = "keyword" };

        var definition = new JsonObject
        {
            ["settings"] = new JsonObject { ["number_of_shards"] = 1, ["number_of_replicas"] = replicas },
            ["mappings"] = new JsonObject
            {
                // An unexpected field is an error rather than a guess; metadata keys are open, always keywords, never dates.
                ["dynamic"] = "strict",
                ["date_detection"] = false,
                ["dynamic_templates"] = new JsonArray(new JsonObject
                {
                    ["metadata_as_keywords"] = new JsonObject { ["path_match"] = "metadata.*", ["mapping"] = Keyword() },
                }),
                ["properties"] = new JsonObject
                {
                    ["title"] = Text(),
                    ["body"] = Text(),
                    ["category"] = Keyword(),
                    ["department"] = Keyword(),
                    ["metadata"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["dynamic"] = true,
                        ["properties"] = new JsonObject
                        {
                            ["status"] = Keyword(),
                            ["validFrom"] = Keyword(),
                            ["validUntil"] = Keyword(),
                            ["reviewDate"] = Keyword(),
                            ["kind"] = Keyword(),
                        },
                    },
                },
            },
        };
        if (alias is not null)
        {
            definition["aliases"] = new JsonObject { [alias] = new JsonObject { ["is_write_index"] = true } };
        }
        return definition;
    }

    /// <summary>Creates the first index with the alias unless the alias exists; once per process (and after a reindex).</summary>
    private async Task EnsureIndexAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }
        await _setupLock.WaitAsync(cancellationToken);
        try
        {
            if (_ready)
            {
                return;
            }
            if ((await CurrentIndicesAsync(cancellationToken)).Count == 0)
            {
                var analyzer = await ChooseAnalyzerAsync(cancellationToken);
                try
                {
                    await _client.SendAsync(HttpMethod.Put, "/" + IndexName(1), IndexDefinition(analyzer, _options.Replicas, Alias), cancellationToken,
                        _client.BulkTimeout);
                }
                catch (ElasticsearchException e) when (e.ErrorType == "resource_already_exists_exception")
                {
                    // Another host created it at the same moment, or an earlier attempt left it without the alias.
                    if ((await CurrentIndicesAsync(cancellationToken)).Count == 0)
                    {
                        throw new InvalidOperationException(
                            $"The index {IndexName(1)} exists but the alias {Alias} does not point at it; add the alias or delete the index.", e);
                    }
                }
            }
            _ready = true;
        }
        finally
        {
            _setupLock.Release();
        }
    }

    /// <summary>The indices behind the alias (<c>GET /_alias/{alias}</c>: an object keyed by index name; 404 when there is none).</summary>
    private async Task<List<string>> CurrentIndicesAsync(CancellationToken cancellationToken)
    {
        var response = await _client.SendAsync(HttpMethod.Get, $"/_alias/{Alias}", null, cancellationToken, null, 404);
        return response.Status == 404 || response.Body.ValueKind != JsonValueKind.Object
            ? []
            : [.. response.Body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The configured analyzer, or with <see cref="ChineseAnalyzer.Auto"/> the best one every node has: IK (a dictionary that
    /// can be extended with local place names), then smartcn, else the built-in <c>cjk</c>. A role without the <c>monitor</c>
    /// privilege cannot list plugins; it gets <c>cjk</c>.
    /// </summary>
    private async Task<ChineseAnalyzer> ChooseAnalyzerAsync(CancellationToken cancellationToken)
    {
        if (_options.Analyzer != ChineseAnalyzer.Auto)
        {
            return _options.Analyzer;
        }
        var response = await _client.SendAsync(HttpMethod.Get, "/_nodes/plugins", null, cancellationToken, null, 401, 403);
        if (response.Status is 401 or 403 || !response.Body.TryGetProperty("nodes", out var nodes) || nodes.ValueKind != JsonValueKind.Object)
        {
            return ChineseAnalyzer.Cjk;
        }
        var perNode = nodes.EnumerateObject()
            .Select(node => node.Value.TryGetProperty("plugins", out var plugins) && plugins.ValueKind == JsonValueKind.Array
                ? plugins.EnumerateArray().Select(p => ElasticsearchClient.Text(p, "name")).OfType<string>().ToHashSet(StringComparer.Ordinal)
                : [])
            .ToList();
        bool OnEveryNode(string plugin) => perNode.Count > 0 && perNode.TrueForAll(names => names.Contains(plugin));
        return OnEveryNode("analysis-ik") ? ChineseAnalyzer.Ik
            : OnEveryNode("analysis-smartcn") ? ChineseAnalyzer.Smartcn
            : ChineseAnalyzer.Cjk;
    }

    private async Task<string> CreateNextIndexAsync(string? previous, ChineseAnalyzer analyzer, CancellationToken cancellationToken)
    {
        var number = previous is not null && previous.StartsWith(Alias + "-", StringComparison.Ordinal)
            && int.TryParse(previous.AsSpan(Alias.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n + 1 : 1;
        // A name may be taken by what a failed rebuild left behind: skip past it.
        for (var attempt = 0; ; attempt++, number++)
        {
            try
            {
                await _client.SendAsync(HttpMethod.Put, "/" + IndexName(number), IndexDefinition(analyzer, _options.Replicas, alias: null),
                    cancellationToken, _client.BulkTimeout);
                return IndexName(number);
            }
            catch (ElasticsearchException e) when (e.ErrorType == "resource_already_exists_exception" && attempt < 20)
            {
            }
        }
    }

    /// <summary>Copies one index into another on the cluster (<c>_reindex</c>, waiting for it to finish); returns how many documents.</summary>
    private async Task<long> CopyAsync(string from, string to, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["source"] = new JsonObject { ["index"] = from }, ["dest"] = new JsonObject { ["index"] = to } };
        var response = await _client.SendAsync(HttpMethod.Post, "/_reindex?wait_for_completion=true", body, cancellationToken,
            TimeSpan.FromMinutes(30));
        var answer = response.Body;
        if (answer.TryGetProperty("failures", out var failures) && failures.ValueKind == JsonValueKind.Array && failures.GetArrayLength() > 0)
        {
            var first = failures[0];
            var (type, reason) = first.TryGetProperty("cause", out var cause) ? ElasticsearchException.TypeAndReason(cause) : ("error", first.ToString());
            throw new ElasticsearchException(response.Status, type,
                $"Copying {from} into {to} failed for {failures.GetArrayLength()} documents; the first: {type}: {reason}", reason: reason,
                failedIds: [.. failures.EnumerateArray().Select(f => ElasticsearchClient.Text(f, "id")).OfType<string>()]);
        }
        if (answer.TryGetProperty("timed_out", out var timedOut) && timedOut.ValueKind == JsonValueKind.True)
        {
            throw new SearchIndexUnavailableException($"Copying {from} into {to} timed out on the cluster.");
        }
        return answer.TryGetProperty("total", out var total) && total.TryGetInt64(out var count) ? count : 0;
    }

    private async Task<long> BulkIndexAsync(string path, List<SearchDocument> documents, CancellationToken cancellationToken)
    {
        var chunk = new List<BulkOperation>();
        var bytes = 0L;
        foreach (var document in documents)
        {
            var operation = new BulkOperation(new JsonObject { ["index"] = new JsonObject { ["_id"] = document.Id } }, Source(document));
            chunk.Add(operation);
            bytes += 2L * (document.Title.Length + document.Body.Length) + 256;
            if (chunk.Count >= BulkDocuments || bytes >= BulkBytes)
            {
                await _client.BulkAsync(path, chunk, cancellationToken);
                (chunk, bytes) = ([], 0);
            }
        }
        await _client.BulkAsync(path, chunk, cancellationToken);
        return documents.Count;
    }

    private static JsonObject Source(SearchDocument document)
    {
        var metadata = new JsonObject();
        foreach (var (key, value) in document.Metadata)
        {
            metadata[key] = value;
        }
        var source = new JsonObject { ["title"] = document.Title, ["body"] = document.Body, ["metadata"] = metadata };
        if (document.Category is { } category)
        {
            source["category"] = category;
        }
        if (document.Department is { } department)
        {
            source["department"] = department;
        }
        return source;
    }

    /// <summary>The hits of a search answer: <c>hits.hits[]</c> with <c>_id</c>, <c>_score</c>, <c>_source</c> and <c>highlight</c>.</summary>
    internal static List<SearchHit> ReadHits(JsonElement answer)
    {
        if (answer.ValueKind != JsonValueKind.Object || !answer.TryGetProperty("hits", out var outer) || !outer.TryGetProperty("hits", out var hits)
            || hits.ValueKind != JsonValueKind.Array)
        {
            throw new ElasticsearchException(200, "invalid_response", "A search answer has no hits.hits array.");
        }
        var result = new List<SearchHit>(hits.GetArrayLength());
        foreach (var hit in hits.EnumerateArray())
        {
            var source = hit.TryGetProperty("_source", out var s) ? s : default;
            var highlights = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            if (hit.TryGetProperty("highlight", out var highlight) && highlight.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in highlight.EnumerateObject().Where(f => f.Value.ValueKind == JsonValueKind.Array))
                {
                    highlights[field.Name] = [.. field.Value.EnumerateArray().Select(f => f.GetString() ?? "")];
                }
            }
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (source.ValueKind == JsonValueKind.Object && source.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in m.EnumerateObject())
                {
                    metadata[entry.Name] = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : entry.Value.GetRawText();
                }
            }
            var score = hit.TryGetProperty("_score", out var sc) && sc.ValueKind == JsonValueKind.Number ? sc.GetDouble() : 0;
            result.Add(new SearchHit(ElasticsearchClient.Text(hit, "_id") ?? "", score, ElasticsearchClient.Text(source, "title") ?? "", highlights)
            {
                Category = ElasticsearchClient.Text(source, "category"),
                Department = ElasticsearchClient.Text(source, "department"),
                Metadata = metadata,
            });
        }
        return result;
    }

    private string IndexName(int number) => string.Create(CultureInfo.InvariantCulture, $"{Alias}-{number:000000}");

    private async Task<bool> DeleteQuietlyAsync(string index)
    {
        try
        {
            await _client.SendAsync(HttpMethod.Delete, "/" + index, null, CancellationToken.None, null, 404);
            return true;
        }
        catch (Exception e) when (e is ElasticsearchException or SearchIndexUnavailableException)
        {
            return false;
        }
    }
}

/// <summary>What <see cref="ElasticsearchSearchIndex.ReindexAsync"/> did.</summary>
/// <param name="PreviousIndex">The index the alias pointed at before, if any.</param>
/// <param name="Index">The index it points at now.</param>
/// <param name="Documents">How many documents went in.</param>
/// <param name="Analyzer">The analyzer the new index uses.</param>
/// <param name="PreviousIndexDeleted">False when deleting the old index failed after the alias moved (delete it by hand).</param>
public sealed record ReindexResult(string? PreviousIndex, string Index, long Documents, ChineseAnalyzer Analyzer, bool PreviousIndexDeleted);
