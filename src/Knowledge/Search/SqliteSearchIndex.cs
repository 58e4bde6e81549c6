using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Hotline.Knowledge.Search;

/// <summary>
/// The embedded search index: one SQLite file (the path given), SQLite FTS5 for candidates, ranking in C#.
/// <para>
/// SQLite's tokenizers do not split Chinese, so text is analysed here: each field is stored in a contentless FTS5 table as
/// space-separated terms — ideograph bigrams, single ideographs and lower-cased letter/digit tokens (<see cref="ChineseText"/>) —
/// which FTS5's <c>unicode61</c> tokenizer takes as they are. The documents themselves live in an ordinary table beside it.
/// </para>
/// <para>
/// A search (1) analyses the query (courtesy formulas dropped, the first line read as a title), (2) asks FTS5 for the
/// <see cref="RankingOptions.Candidates"/> best documents by its own BM25 over the query's heaviest terms, (3) scores those by
/// BM25F over title, quoted passages and body with query-side weights FTS5 cannot express, and (4) re-ranks the best
/// <see cref="RankingOptions.RerankDepth"/> by a weighted sum of n-gram cosine, character cosine, coverage, place agreement and
/// length (<see cref="RerankWeights"/>). Term statistics (every term's document frequency, from FTS5's vocabulary) are cached in
/// memory and reloaded after any write, by this process or another, which a generation counter in the file reveals.
/// </para>
/// </summary>
public sealed class SqliteSearchIndex : ISearchIndex, IDisposable
{
    /// <summary>Only this many characters of a query are analysed: a pasted document costs no more than a long message.</summary>
    public const int MaxQueryCharacters = 10_000;

    /// <summary>Only this many characters of a document body are analysed for indexing and ranking (all of it is stored).</summary>
    public const int MaxAnalysedDocumentCharacters = 100_000;

    /// <summary>At most this many hits can be paged through (<see cref="SearchRequest.From"/> + <see cref="SearchRequest.Size"/>).</summary>
    public const int MaxWindow = SearchContract.MaxWindow;

    private const int SchemaVersion = 1;

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoHighlights =
        new Dictionary<string, IReadOnlyList<string>>();

    private readonly string _connectionString;
    private readonly RankingOptions _options;
    private readonly double[] _weights;
    private readonly SemaphoreSlim _statisticsLock = new(1, 1);
    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private volatile CollectionStatistics? _statistics;
    private volatile bool _schemaReady;

    /// <summary>An index in the SQLite file at <paramref name="path"/>, created on first use.</summary>
    public SqliteSearchIndex(string path, RankingOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _options = options ?? new RankingOptions();
        _options.Validate();
        _weights = _options.Weights.ToArray();
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
    }

    public async Task IndexAsync(IEnumerable<SearchDocument> documents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);

        using var find = Command(connection, transaction, "SELECT rowid FROM search_documents WHERE id = $id", "$id");
        using var removeTerms = Command(connection, transaction, "DELETE FROM search_fts WHERE rowid = $rowid", "$rowid");
        using var upsert = Command(connection, transaction, """
            INSERT INTO search_documents (id, title, body, quotes, category, department, metadata, title_length, quotes_length, body_length)
            VALUES ($id, $title, $body, $quotes, $category, $department, $metadata, $titleLength, $quotesLength, $bodyLength)
            ON CONFLICT (id) DO UPDATE SET title = excluded.title, body = excluded.body, quotes = excluded.quotes, category = excluded.category,
                department = excluded.department, metadata = excluded.metadata, title_length = excluded.title_length,
                quotes_length = excluded.quotes_length, body_length = excluded.body_length
            RETURNING rowid
            """, "$id", "$title", "$body", "$quotes", "$category", "$department", "$metadata", "$titleLength", "$quotesLength", "$bodyLength");
        using var addTerms = Command(connection, transaction,
            "INSERT INTO search_fts (rowid, title, quotes, body) VALUES ($rowid, $title, $quotes, $body)",
            "$rowid", "$title", "$quotes", "$body");

        foreach (var document in documents)
        {
            cancellationToken.ThrowIfCancellationRequested();
            SearchContract.ValidateDocument(document);
            find.Parameters["$id"].Value = document.Id;
            if (await find.ExecuteScalarAsync(cancellationToken) is long existing)
            {
                removeTerms.Parameters["$rowid"].Value = existing;
                await removeTerms.ExecuteNonQueryAsync(cancellationToken);
            }
            var body = document.Body.Length <= MaxAnalysedDocumentCharacters ? document.Body : document.Body[..MaxAnalysedDocumentCharacters];
            var quotes = TextAnalysis.Quotes(body);
            var (titleTerms, titleLength) = Terms(document.Title);
            var (quoteTerms, quotesLength) = Terms(quotes);
            var (bodyTerms, bodyLength) = Terms(body);

            upsert.Parameters["$id"].Value = document.Id;
            upsert.Parameters["$title"].Value = document.Title;
            upsert.Parameters["$body"].Value = document.Body;
            upsert.Parameters["$quotes"].Value = quotes;
            upsert.Parameters["$category"].Value = (object?)document.Category ?? DBNull.Value;
            upsert.Parameters["$department"].Value = (object?)document.Department ?? DBNull.Value;
            upsert.Parameters["$metadata"].Value = JsonSerializer.Serialize(document.Metadata);
            upsert.Parameters["$titleLength"].Value = titleLength;
            upsert.Parameters["$quotesLength"].Value = quotesLength;
            upsert.Parameters["$bodyLength"].Value = bodyLength;
            var rowid = (long)(await upsert.ExecuteScalarAsync(cancellationToken))!;

            addTerms.Parameters["$rowid"].Value = rowid;
            addTerms.Parameters["$title"].Value = titleTerms;
            addTerms.Parameters["$quotes"].Value = quoteTerms;
            addTerms.Parameters["$body"].Value = bodyTerms;
            await addTerms.ExecuteNonQueryAsync(cancellationToken);
        }
        await BumpGenerationAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        _statistics = null;
    }

    public async Task<int> DeleteAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        using var find = Command(connection, transaction, "SELECT rowid FROM search_documents WHERE id = $id", "$id");
        using var removeTerms = Command(connection, transaction, "DELETE FROM search_fts WHERE rowid = $rowid", "$rowid");
        using var remove = Command(connection, transaction, "DELETE FROM search_documents WHERE rowid = $rowid", "$rowid");
        var deleted = 0;
        foreach (var id in ids)
        {
            find.Parameters["$id"].Value = id ?? throw new ArgumentException("An id to delete is null.", nameof(ids));
            if (await find.ExecuteScalarAsync(cancellationToken) is not long rowid)
            {
                continue;
            }
            removeTerms.Parameters["$rowid"].Value = rowid;
            await removeTerms.ExecuteNonQueryAsync(cancellationToken);
            remove.Parameters["$rowid"].Value = rowid;
            deleted += await remove.ExecuteNonQueryAsync(cancellationToken);
        }
        if (deleted > 0)
        {
            await BumpGenerationAsync(connection, transaction, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        _statistics = null;
        return deleted;
    }

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default)
    {
        var retrieved = await RetrieveAsync(request, cancellationToken);
        if (retrieved is null)
        {
            return [];
        }
        var (query, statistics, candidates) = retrieved;
        return [.. candidates
            .Select((candidate, order) => (candidate, order, Score: Ranker.Score(candidate.Features, _weights)))
            .OrderByDescending(c => c.Score)
            .ThenBy(c => c.order)
            .Skip(request.From)
            .Take(request.Size)
            .Select(c => new SearchHit(c.candidate.Document.Id, c.Score, c.candidate.Document.Title,
                request.Highlight ? Highlighter.Highlight(c.candidate.Document, query, statistics) : NoHighlights)
            {
                Category = c.candidate.Document.Category,
                Department = c.candidate.Document.Department,
                Metadata = JsonSerializer.Deserialize<Dictionary<string, string>>(c.candidate.Document.MetadataJson) ?? [],
            })];
    }

    public async Task<long> CountAsync(SearchFilter? filter = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM search_documents d WHERE 1 = 1" + FilterSql(filter, command);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Merges FTS5's index segments into one, which makes queries faster after a bulk load (FTS5 merges gradually on its own).
    /// </summary>
    public async Task OptimizeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO search_fts (search_fts) VALUES ('optimize')";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Releases the pooled connections to the file, so it can be deleted.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _statisticsLock.Dispose();
        _schemaLock.Dispose();
    }

    /// <summary>
    /// The best <see cref="RankingOptions.RerankDepth"/> candidates (more when paging needs them) in BM25F order with their
    /// re-ranking features, or null when the query has nothing to search for. Searching and tuning (<see cref="RerankTuning"/>)
    /// both start here.
    /// </summary>
    internal async Task<RetrievedCandidates?> RetrieveAsync(SearchRequest request, CancellationToken cancellationToken)
    {
        SearchContract.ValidateRequest(request);
        var query = QueryModel.Parse(request.Text, _options);
        if (query is null)
        {
            return null;
        }
        await using var connection = await OpenAsync(cancellationToken);
        var statistics = await StatisticsAsync(connection, cancellationToken);
        var terms = query.MatchTerms(statistics, _options.MaxMatchTerms).ToList();
        if (terms.Count == 0)
        {
            return null;
        }

        var window = request.From + request.Size;
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT d.id, d.title, substr(d.body, 1, {MaxAnalysedDocumentCharacters}), d.quotes, d.category, d.department, d.metadata,
                d.title_length, d.quotes_length, d.body_length
            FROM search_fts JOIN search_documents d ON d.rowid = search_fts.rowid
            WHERE search_fts MATCH $match{FilterSql(request.Filter, command)}
            ORDER BY bm25(search_fts, {Real(_options.TitleWeight)}, {Real(_options.QuotesWeight)}, {Real(_options.BodyWeight)})
            LIMIT $limit
            """;
        command.Parameters.AddWithValue("$match", string.Join(" OR ", terms.Select(t => "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"")));
        command.Parameters.AddWithValue("$limit", Math.Max(_options.Candidates, window));
        var documents = new List<StoredDocument>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                documents.Add(new StoredDocument(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6),
                    reader.GetInt32(7), reader.GetInt32(8), reader.GetInt32(9)));
            }
        }
        if (documents.Count == 0)
        {
            return null;
        }

        var scratch = new Dictionary<int, double>();
        var ranked = documents
            .Select((document, order) => (Document: document, Order: order, Bm25F: Ranker.Bm25F(query, document, statistics, _options, scratch)))
            .OrderByDescending(c => c.Bm25F)
            .ThenBy(c => c.Order)
            .Take(Math.Max(_options.RerankDepth, window))
            .ToList();
        var best = ranked[0].Bm25F;
        var vectors = new QueryVectors(query, statistics);
        var featureScratch = new FeatureScratch();
        return new RetrievedCandidates(query, statistics, [.. ranked.Select(c => new Candidate(c.Document,
            Ranker.Features(query, vectors, c.Document, c.Bm25F, best, statistics, _options, featureScratch)))]);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        if (!_schemaReady)
        {
            await EnsureSchemaAsync(connection, cancellationToken);
        }
        return connection;
    }

    private async Task EnsureSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await _schemaLock.WaitAsync(cancellationToken);
        try
        {
            if (_schemaReady)
            {
                return;
            }
            await using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS search_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                INSERT OR IGNORE INTO search_meta (key, value) VALUES ('schema', 1), ('generation', 0);
                CREATE TABLE IF NOT EXISTS search_documents (
                    rowid INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    title TEXT NOT NULL,
                    body TEXT NOT NULL,
                    quotes TEXT NOT NULL,
                    category TEXT,
                    department TEXT,
                    metadata TEXT NOT NULL,
                    title_length INTEGER NOT NULL,
                    quotes_length INTEGER NOT NULL,
                    body_length INTEGER NOT NULL);
                CREATE INDEX IF NOT EXISTS ix_search_documents_category ON search_documents (category);
                CREATE INDEX IF NOT EXISTS ix_search_documents_department ON search_documents (department);
                CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5 (title, quotes, body,
                    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0');
                CREATE VIRTUAL TABLE IF NOT EXISTS search_vocab USING fts5vocab (search_fts, 'row');
                """;
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (SqliteException e) when (e.Message.Contains("fts5", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    "This SQLite build has no FTS5; the embedded search index needs it (the bundled e_sqlite3 has it).", e);
            }
            command.CommandText = "SELECT value FROM search_meta WHERE key = 'schema'";
            var version = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            if (version != SchemaVersion)
            {
                throw new InvalidOperationException(
                    $"The search index file has schema version {version}; this Hotline reads version {SchemaVersion}. Rebuild the index.");
            }
            _schemaReady = true;
        }
        finally
        {
            _schemaLock.Release();
        }
    }

    private async Task<CollectionStatistics> StatisticsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var generation = await GenerationAsync(connection, null, cancellationToken);
        if (_statistics is { } cached && cached.Generation == generation)
        {
            return cached;
        }
        await _statisticsLock.WaitAsync(cancellationToken);
        try
        {
            if (_statistics is { } loaded && loaded.Generation == generation)
            {
                return loaded;
            }
            // One read transaction: the counts, lengths and frequencies belong to the same state of the index.
            await using var transaction = connection.BeginTransaction(deferred: true);
            generation = await GenerationAsync(connection, transaction, cancellationToken);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                SELECT count(*), coalesce(avg(title_length), 0), coalesce(avg(quotes_length), 0), coalesce(avg(body_length), 0)
                FROM search_documents
                """;
            int count;
            double title, quotes, body;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                (count, title, quotes, body) = (reader.GetInt32(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3));
            }
            command.CommandText = "SELECT term, doc FROM search_vocab";
            var frequencies = new Dictionary<long, int>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    frequencies[TermKeys.Of(reader.GetString(0))] = reader.GetInt32(1);
                }
            }
            await transaction.CommitAsync(cancellationToken);
            var statistics = new CollectionStatistics(generation, count, title, quotes, body, frequencies);
            _statistics = statistics;
            return statistics;
        }
        finally
        {
            _statisticsLock.Release();
        }
    }

    private static async Task<long> GenerationAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT value FROM search_meta WHERE key = 'generation'";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task BumpGenerationAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE search_meta SET value = value + 1 WHERE key = 'generation'";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The terms of a field as FTS5 stores them, and how many of <see cref="ChineseText.Bigrams"/> there are (its BM25F length).</summary>
    private static (string Terms, int Length) Terms(string text)
    {
        if (text.Length == 0)
        {
            return ("", 0);
        }
        var terms = new StringBuilder(text.Length * 4);
        var length = 0;
        foreach (var term in ChineseText.Bigrams(text))
        {
            terms.Append(term).Append(' ');
            length++;
        }
        foreach (var term in ChineseText.Unigrams(text))
        {
            terms.Append(term).Append(' ');
        }
        return (terms.ToString(), length);
    }

    private static string FilterSql(SearchFilter? filter, SqliteCommand command)
    {
        if (filter is null)
        {
            return "";
        }
        var sql = new StringBuilder();
        if (filter.Category is not null)
        {
            sql.Append(" AND d.category = $category");
            command.Parameters.AddWithValue("$category", filter.Category);
        }
        if (filter.Department is not null)
        {
            sql.Append(" AND d.department = $department");
            command.Parameters.AddWithValue("$department", filter.Department);
        }
        var i = 0;
        foreach (var (key, value) in filter.Metadata)
        {
            SearchContract.ValidateKey(key);
            sql.Append(CultureInfo.InvariantCulture, $" AND json_extract(d.metadata, $path{i}) = $value{i}");
            command.Parameters.AddWithValue($"$path{i}", $"$.\"{key}\"");
            command.Parameters.AddWithValue($"$value{i}", value);
            i++;
        }
        return sql.ToString();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = parameter });
        }
        return command;
    }

    private static string Real(double value) => value.ToString("0.0###", CultureInfo.InvariantCulture);
}

/// <summary>One candidate of a search with its re-ranking features.</summary>
internal sealed record Candidate(StoredDocument Document, double[] Features);

/// <summary>A search's analysed query, the statistics it was ranked under, and its candidates in BM25F order.</summary>
internal sealed record RetrievedCandidates(QueryModel Query, CollectionStatistics Statistics, IReadOnlyList<Candidate> Candidates);
