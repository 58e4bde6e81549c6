using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Hotline.Knowledge.Search;

/// <summary>A query with the ids of the documents that answer it (none when unknown).</summary>
public sealed record RetrievalQuery(string Id, string Text, IReadOnlyList<string> Relevant);

/// <summary>Retrieval quality over the queries that have relevance judgements.</summary>
public sealed record RetrievalMetrics(int Queries, double RecallAt1, double RecallAt5, double RecallAt10, double MrrAt10)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"recall@1 {RecallAt1:0.000}  recall@5 {RecallAt5:0.000}  recall@10 {RecallAt10:0.000}  MRR@10 {MrrAt10:0.000}  ({Queries} queries)");
}

/// <summary>Search latencies in milliseconds.</summary>
public sealed record LatencySummary(int Searches, double P50, double P95, double P99, double Max)
{
    public static LatencySummary Of(IReadOnlyCollection<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        return sorted.Length == 0
            ? new LatencySummary(0, 0, 0, 0, 0)
            : new LatencySummary(sorted.Length, Percentile(0.50), Percentile(0.95), Percentile(0.99), sorted[^1]);

        // Nearest rank: the smallest value with at least p of all values at or below it.
        double Percentile(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"p50 {P50:0.0} ms  p95 {P95:0.0} ms  p99 {P99:0.0} ms  max {Max:0.0} ms  ({Searches} searches)");
}

/// <summary>Which part of a labelled query set a command works on.</summary>
public enum QueryHalf
{
    /// <summary>Every query.</summary>
    All,

    /// <summary>The queries the ranking was tuned on (an FNV-1a hash of the id is even).</summary>
    Tuning,

    /// <summary>The other queries, never used for tuning: report these.</summary>
    HeldOut,
}

/// <summary>
/// <c>hotline knowledge evaluate</c>, <c>bench</c> and <c>tune</c>: index a JSONL corpus in a throw-away embedded index, run
/// queries against it and measure. The commands only parse arguments and print; everything else is here.
/// </summary>
public static class RetrievalEvaluation
{
    /// <summary>The size of the benchmark corpus the issue's latency target is stated for.</summary>
    public const int BenchmarkDocuments = 10_000;

    /// <summary>Reads lines <c>{"id","title","body"}</c> (<c>category</c>, <c>department</c> optional).</summary>
    public static IEnumerable<SearchDocument> ReadDocuments(string path)
    {
        foreach (var (number, root) in ReadJsonLines(path))
        {
            yield return new SearchDocument(RequiredString(root, "id", path, number), OptionalString(root, "title") ?? "",
                RequiredString(root, "body", path, number))
            {
                Category = OptionalString(root, "category"),
                Department = OptionalString(root, "department"),
            };
        }
    }

    /// <summary>Reads lines <c>{"id","text"}</c> with an optional <c>"relevant": [ids]</c>.</summary>
    public static IEnumerable<RetrievalQuery> ReadQueries(string path)
    {
        foreach (var (number, root) in ReadJsonLines(path))
        {
            var relevant = new List<string>();
            if (root.TryGetProperty("relevant", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                relevant.AddRange(list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!));
            }
            yield return new RetrievalQuery(RequiredString(root, "id", path, number), RequiredString(root, "text", path, number), relevant);
        }
    }

    /// <summary>Whether a query id falls in <paramref name="half"/>: a fixed hash, so the split is the same on every machine.</summary>
    public static bool InHalf(string id, QueryHalf half)
    {
        if (half == QueryHalf.All)
        {
            return true;
        }
        var hash = 2166136261u;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return (hash & 1) == 0 == (half == QueryHalf.Tuning);
    }

    /// <summary>
    /// Indexes <paramref name="documentsPath"/> into a temporary embedded index, runs the queries, writes <c>{"id","hits"}</c>
    /// lines with the best <paramref name="top"/> ids to <paramref name="outputPath"/>, and prints timing and — when the queries
    /// carry relevance — recall@1/5/10 and MRR@10 to <paramref name="output"/>.
    /// </summary>
    public static async Task<RetrievalMetrics?> EvaluateAsync(string documentsPath, string queriesPath, string outputPath, int top,
        QueryHalf half, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(top, 100);
        ArgumentNullException.ThrowIfNull(output);
        var queries = ReadQueries(queriesPath).Where(q => InHalf(q.Id, half)).ToList();
        using var index = new TemporaryIndex();
        var documents = await index.LoadAsync(ReadDocuments(documentsPath), output, cancellationToken);

        var size = Math.Max(top, 10);
        var latencies = new List<double>(queries.Count);
        var metrics = new MetricsAccumulator();
        var total = Stopwatch.StartNew();
        await using (var writer = new StreamWriter(outputPath, append: false))
        {
            foreach (var query in queries)
            {
                var watch = Stopwatch.StartNew();
                var hits = await index.Index.SearchAsync(new SearchRequest(query.Text) { Size = size, Highlight = false }, cancellationToken);
                latencies.Add(watch.Elapsed.TotalMilliseconds);
                var ids = hits.Select(h => h.Id).ToList();
                await writer.WriteLineAsync(JsonSerializer.Serialize(new HitsLine(query.Id, ids.Take(top).ToList()), HitsLine.Json));
                if (query.Relevant.Count > 0)
                {
                    metrics.Add(RanksOf(ids, query.Relevant), query.Relevant.Count);
                }
            }
        }
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"searched {queries.Count} queries{HalfNote(half)} in {total.Elapsed.TotalSeconds:0.0} s; latency {LatencySummary.Of(latencies)}"));
        await output.WriteLineAsync($"hits written to {outputPath} ({documents} documents indexed)");
        if (metrics.Count == 0)
        {
            return null;
        }
        var result = metrics.Result();
        await output.WriteLineAsync(result.ToString());
        return result;
    }

    /// <summary>
    /// Search latency and memory at the issue's scale: the documents, repeated under new ids until there are
    /// <paramref name="documentCount"/> of them, are indexed; then every query (up to <paramref name="limit"/>) is searched as
    /// written and as its first line alone (what an agent types), one at a time, after a short warm-up.
    /// </summary>
    public static async Task BenchAsync(string documentsPath, string queriesPath, int documentCount, int limit, TextWriter output,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var originals = ReadDocuments(documentsPath).ToList();
        if (originals.Count == 0)
        {
            throw new FormatException($"{documentsPath} holds no documents.");
        }
        var documents = new List<SearchDocument>(Math.Max(documentCount, originals.Count));
        documents.AddRange(originals);
        for (var copy = 2; documents.Count < documentCount; copy++)
        {
            documents.AddRange(originals.Take(documentCount - documents.Count).Select(d => d with { Id = $"{d.Id}~{copy}" }));
        }
        if (documents.Count > originals.Count)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{documentsPath} has {originals.Count} documents; repeated under new ids to {documents.Count} for the benchmark."));
        }
        var queries = ReadQueries(queriesPath).Take(limit).ToList();
        using var index = new TemporaryIndex();
        await index.LoadAsync(documents, output, cancellationToken);
        documents = null;
        originals = null;

        var full = new List<double>();
        var typed = new List<double>();
        foreach (var query in queries.Take(20))
        {
            await index.Index.SearchAsync(new SearchRequest(query.Text), cancellationToken);
        }
        foreach (var query in queries)
        {
            full.Add(await TimeAsync(query.Text));
            typed.Add(await TimeAsync(TextAnalysis.SplitTitle(query.Text) is ({ Length: > 0 } title, _) ? title : query.Text));
        }
        await output.WriteLineAsync($"search, whole messages:        {LatencySummary.Of(full)}");
        await output.WriteLineAsync($"search, first lines (typed):   {LatencySummary.Of(typed)}");
        using var process = Process.GetCurrentProcess();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"peak memory (process working set): {process.PeakWorkingSet64 / 1048576.0:0} MB; managed heap now {GC.GetTotalMemory(false) / 1048576.0:0} MB"));

        async Task<double> TimeAsync(string text)
        {
            var watch = Stopwatch.StartNew();
            await index.Index.SearchAsync(new SearchRequest(text), cancellationToken);
            return watch.Elapsed.TotalMilliseconds;
        }
    }

    /// <summary>
    /// Fits the re-ranking weights on the queries of <paramref name="half"/> (features of each query's candidates from a temporary
    /// index of the documents), prints the fitted weights, their figures on those queries and a two-fold cross-validation within
    /// them. Paste the weights into <see cref="RerankWeights.Default"/> only when fitted on queries you will not report.
    /// </summary>
    public static async Task<RerankWeights> TuneAsync(string documentsPath, string queriesPath, QueryHalf half, TextWriter output,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var queries = ReadQueries(queriesPath).Where(q => InHalf(q.Id, half) && q.Relevant.Count > 0).ToList();
        using var index = new TemporaryIndex();
        await index.LoadAsync(ReadDocuments(documentsPath), output, cancellationToken);
        var labelled = new List<LabelledCandidates>(queries.Count);
        foreach (var query in queries)
        {
            var retrieved = await index.Index.RetrieveAsync(new SearchRequest(query.Text), cancellationToken);
            var candidates = retrieved?.Candidates ?? [];
            labelled.Add(new LabelledCandidates([.. candidates.Select(c => c.Features)],
                [.. candidates.Select(c => query.Relevant.Contains(c.Document.Id))], query.Relevant.Count));
        }
        var bm25 = new double[] { 1, 0, 0, 0, 0, 0, 0 };
        await output.WriteLineAsync($"BM25F alone{HalfNote(half)}:   {RerankTuning.Measure(labelled, bm25)}");
        await output.WriteLineAsync($"current weights:          {RerankTuning.Measure(labelled, RerankWeights.Default.ToArray())}");
        var even = labelled.Where((_, i) => i % 2 == 0).ToList();
        var odd = labelled.Where((_, i) => i % 2 == 1).ToList();
        await output.WriteLineAsync($"fit on even, test on odd: {RerankTuning.Measure(odd, RerankTuning.Fit(even))}");
        await output.WriteLineAsync($"fit on odd, test on even: {RerankTuning.Measure(even, RerankTuning.Fit(odd))}");
        var weights = RerankTuning.Fit(labelled);
        await output.WriteLineAsync($"fit on all (optimistic):  {RerankTuning.Measure(labelled, weights)}");
        var fitted = RerankWeights.FromArray(weights);
        await output.WriteLineAsync("weights: new RerankWeights(" +
            string.Join(", ", weights.Select(w => w.ToString("0.###", CultureInfo.InvariantCulture))) + ")");
        return fitted;
    }

    /// <summary>1-based ranks of the relevant ids among <paramref name="hits"/>, ascending.</summary>
    internal static List<int> RanksOf(IReadOnlyList<string> hits, IReadOnlyList<string> relevant)
    {
        var ranks = new List<int>();
        for (var i = 0; i < hits.Count; i++)
        {
            if (relevant.Contains(hits[i]))
            {
                ranks.Add(i + 1);
            }
        }
        return ranks;
    }

    private static string HalfNote(QueryHalf half) => half switch
    {
        QueryHalf.All => "",
        QueryHalf.Tuning => " (tuning half)",
        QueryHalf.HeldOut => " (held-out half)",
    };

    private static IEnumerable<(int Number, JsonElement Root)> ReadJsonLines(string path) => JsonLines.Read(path);

    private static string RequiredString(JsonElement root, string name, string path, int number) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"{path} line {number}: \"{name}\" is missing or not a string.");

    private static string? OptionalString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>An embedded index in a temporary file, deleted on dispose.</summary>
    private sealed class TemporaryIndex : IDisposable
    {
        private readonly string _path = Path.Combine(Path.GetTempPath(), $"hotline-knowledge-{Guid.NewGuid():N}.db");

        public TemporaryIndex() => Index = new SqliteSearchIndex(_path);

        public SqliteSearchIndex Index { get; }

        public async Task<int> LoadAsync(IEnumerable<SearchDocument> documents, TextWriter output, CancellationToken cancellationToken)
        {
            var count = 0;
            var watch = Stopwatch.StartNew();
            await Index.IndexAsync(documents.Select(d =>
            {
                count++;
                return d;
            }), cancellationToken);
            await Index.OptimizeAsync(cancellationToken);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"indexed {count} documents in {watch.Elapsed.TotalSeconds:0.0} s (temporary index {_path})"));
            return count;
        }

        public void Dispose()
        {
            Index.Dispose();
            foreach (var suffix in (ReadOnlySpan<string>)["", "-wal", "-shm"])
            {
                try
                {
                    File.Delete(_path + suffix);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private sealed record HitsLine(string Id, IReadOnlyList<string> Hits)
    {
        public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    }
}

/// <summary>Sums recall@1/5/10 and reciprocal ranks over queries.</summary>
internal sealed class MetricsAccumulator
{
    private double _recall1, _recall5, _recall10, _reciprocalRanks;

    public int Count { get; private set; }

    /// <param name="ranks">1-based ranks of the relevant documents that were found, ascending.</param>
    /// <param name="relevantCount">How many relevant documents the query has.</param>
    public void Add(IReadOnlyList<int> ranks, int relevantCount)
    {
        Count++;
        if (relevantCount == 0)
        {
            return;
        }
        _recall1 += ranks.Count(r => r <= 1) / (double)relevantCount;
        _recall5 += ranks.Count(r => r <= 5) / (double)relevantCount;
        _recall10 += ranks.Count(r => r <= 10) / (double)relevantCount;
        var first = ranks.Count > 0 ? ranks.Min() : int.MaxValue;
        _reciprocalRanks += first <= 10 ? 1.0 / first : 0;
    }

    public RetrievalMetrics Result() => Count == 0
        ? new RetrievalMetrics(0, 0, 0, 0, 0)
        : new RetrievalMetrics(Count, _recall1 / Count, _recall5 / Count, _recall10 / Count, _reciprocalRanks / Count);
}
