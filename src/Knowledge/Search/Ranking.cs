using System.Runtime.InteropServices;

namespace Hotline.Knowledge.Search;

/// <summary>
/// Document frequencies of every indexed term and the average field lengths: what BM25F and TF-IDF weigh terms by. A snapshot,
/// immutable once built; the index builds a new one after a write.
/// </summary>
internal sealed class CollectionStatistics
{
    private readonly Dictionary<long, Weights> _terms;
    private readonly Weights _unseen;

    public CollectionStatistics(long generation, int documentCount, double averageTitle, double averageQuotes, double averageBody,
        Dictionary<long, int> frequencies)
    {
        Generation = generation;
        DocumentCount = documentCount;
        AverageTitleLength = Math.Max(averageTitle, 1);
        AverageQuotesLength = Math.Max(averageQuotes, 1);
        AverageBodyLength = Math.Max(averageBody, 1);
        // Both IDFs of every term computed once: ranking looks them up for every n-gram of a hundred candidates per search.
        _terms = new Dictionary<long, Weights>(frequencies.Count);
        foreach (var (key, df) in frequencies)
        {
            _terms[key] = Weigh(df);
        }
        _unseen = Weigh(0);
    }

    public long Generation { get; }

    public int DocumentCount { get; }

    public double AverageTitleLength { get; }

    public double AverageQuotesLength { get; }

    public double AverageBodyLength { get; }

    public int DocumentFrequency(long key) => _terms.TryGetValue(key, out var weights) ? weights.Frequency : 0;

    /// <summary>BM25's IDF, ln(1 + (N − df + ½) / (df + ½)): never negative.</summary>
    public double Idf(long key) => (_terms.TryGetValue(key, out var weights) ? weights : _unseen).Idf;

    /// <summary>
    /// The smoothed IDF of TF-IDF, ln((N + 1) / (df + 1)) + 1. Trigrams are not indexed; a trigram is taken to be as rare as the
    /// rarer of its two bigrams (an upper bound, and on the tuning half as good as counting them).
    /// </summary>
    public double SmoothIdf(long key)
    {
        if (TermKeys.IsTrigram(key))
        {
            var (first, second) = TermKeys.BigramsOf(key);
            return Math.Max(SmoothIdf(first), SmoothIdf(second));
        }
        return (_terms.TryGetValue(key, out var weights) ? weights : _unseen).SmoothIdf;
    }

    private Weights Weigh(int df) => new(df, Math.Log(1 + (DocumentCount - df + 0.5) / (df + 0.5)),
        Math.Log((DocumentCount + 1.0) / (df + 1.0)) + 1);

    private readonly record struct Weights(int Frequency, double Idf, double SmoothIdf);
}

/// <summary>One term of a query: its text (for the full-text index), key, and weight.</summary>
internal readonly record struct QueryTerm(string Text, long Key, TermKind Kind, double Weight);

/// <summary>
/// A query, analysed once: its terms weighted by where they occur (title terms count <see cref="RankingOptions.QueryTitleBoost"/>
/// times, repetitions saturate), its character n-gram and single-character profiles, and the areas it names.
/// </summary>
internal sealed class QueryModel
{
    private QueryModel(List<QueryTerm> terms, Dictionary<long, int> termIndex, Dictionary<long, int> ngrams,
        Dictionary<long, int> unigrams, HashSet<string> areas)
    {
        Terms = terms;
        TermIndex = termIndex;
        NGrams = ngrams;
        Unigrams = unigrams;
        Areas = areas;
        OnlyUnigrams = terms.TrueForAll(t => t.Kind == TermKind.Unigram);
    }

    /// <summary>The terms of <see cref="ChineseText.Bigrams"/>, each once.</summary>
    public List<QueryTerm> Terms { get; }

    /// <summary>A term's key to its position in <see cref="Terms"/>.</summary>
    public Dictionary<long, int> TermIndex { get; }

    /// <summary>Counts of the terms and of the ideograph trigrams, for the n-gram cosine.</summary>
    public Dictionary<long, int> NGrams { get; }

    public Dictionary<long, int> Unigrams { get; }

    public HashSet<string> Areas { get; }

    /// <summary>Whether every term is a single ideograph ("水"): then they are matched inside longer runs too ("停水了").</summary>
    public bool OnlyUnigrams { get; }

    /// <summary>The analysed query, or null when it has nothing to search for (empty, punctuation, emoji, only courtesy).</summary>
    public static QueryModel? Parse(string text, RankingOptions options)
    {
        if (text.Length > SqliteSearchIndex.MaxQueryCharacters)
        {
            text = text[..SqliteSearchIndex.MaxQueryCharacters];
        }
        var (title, content) = TextAnalysis.SplitTitle(TextAnalysis.RemoveCourtesy(text));
        var counts = new Dictionary<long, (string Text, TermKind Kind, int InTitle, int InContent)>();
        Count(title, inTitle: true);
        Count(content, inTitle: false);
        if (counts.Count == 0)
        {
            return null;
        }

        var terms = new List<QueryTerm>(counts.Count);
        var index = new Dictionary<long, int>(counts.Count);
        foreach (var (key, (term, kind, inTitle, inContent)) in counts)
        {
            var x = options.QueryTitleBoost * inTitle + inContent;
            index[key] = terms.Count;
            terms.Add(new QueryTerm(term, key, kind, x * (options.QueryK3 + 1) / (options.QueryK3 + x)));
        }

        var whole = title.Length == 0 ? content : title + "\n" + content;
        var ngrams = new Dictionary<long, int>();
        var unigrams = new Dictionary<long, int>();
        CountNGrams(whole, ngrams, unigrams);
        return new QueryModel(terms, index, ngrams, unigrams, TextAnalysis.Areas(whole, options.PlaceNames));

        void Count(string part, bool inTitle)
        {
            var scanner = new TermScanner(part);
            while (scanner.MoveNext())
            {
                ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(counts, scanner.Key, out var exists);
                if (!exists)
                {
                    var term = part.Substring(scanner.Start, scanner.Length);
                    entry = (scanner.Kind == TermKind.Token ? term.ToLowerInvariant() : term, scanner.Kind, 0, 0);
                }
                entry = inTitle ? entry with { InTitle = entry.InTitle + 1 } : entry with { InContent = entry.InContent + 1 };
            }
        }
    }

    /// <summary>
    /// The terms that select candidates in the full-text index: bigrams and tokens (single characters only when there is nothing
    /// else), the heaviest first by weight × IDF, terms the index does not hold left out.
    /// </summary>
    public IEnumerable<string> MatchTerms(CollectionStatistics statistics, int max)
    {
        var longer = Terms.Where(t => t.Kind != TermKind.Unigram).ToList();
        var pool = longer.Count > 0 ? longer : Terms;
        return pool
            .Where(t => statistics.DocumentFrequency(t.Key) > 0)
            .OrderByDescending(t => t.Weight * statistics.Idf(t.Key))
            .ThenBy(t => t.Text, StringComparer.Ordinal)
            .Take(max)
            .Select(t => t.Text);
    }

    /// <summary>Counts the terms of <see cref="ChineseText.Bigrams"/> and ideograph trigrams into <paramref name="ngrams"/>, and single ideographs into <paramref name="unigrams"/>.</summary>
    internal static void CountNGrams(ReadOnlySpan<char> text, Dictionary<long, int> ngrams, Dictionary<long, int> unigrams)
    {
        var scanner = new TermScanner(text);
        while (scanner.MoveNext())
        {
            CollectionsMarshal.GetValueRefOrAddDefault(ngrams, scanner.Key, out _)++;
        }
        for (var i = 0; i < text.Length; i++)
        {
            if (!ChineseText.IsIdeograph(text[i]))
            {
                continue;
            }
            CollectionsMarshal.GetValueRefOrAddDefault(unigrams, TermKeys.Unigram(text[i]), out _)++;
            if (i + 2 < text.Length && ChineseText.IsIdeograph(text[i + 1]) && ChineseText.IsIdeograph(text[i + 2]))
            {
                CollectionsMarshal.GetValueRefOrAddDefault(ngrams, TermKeys.Trigram(text[i], text[i + 1], text[i + 2]), out _)++;
            }
        }
    }
}

/// <summary>A candidate as the index stores it.</summary>
/// <param name="Id">The caller's id.</param>
/// <param name="Title">The title.</param>
/// <param name="Body">The body, or its first <see cref="SqliteSearchIndex.MaxAnalysedDocumentCharacters"/> characters.</param>
/// <param name="Quotes">The passages the body quotes (<see cref="TextAnalysis.Quotes"/>), extracted when indexed.</param>
/// <param name="Category">The category.</param>
/// <param name="Department">The owning department.</param>
/// <param name="MetadataJson">The metadata as stored, parsed only for the hits returned.</param>
/// <param name="TitleLength">Terms in the title, for BM25F's length normalisation.</param>
/// <param name="QuotesLength">Terms in the quoted passages.</param>
/// <param name="BodyLength">Terms in the body.</param>
internal sealed record StoredDocument(string Id, string Title, string Body, string Quotes, string? Category, string? Department,
    string MetadataJson, int TitleLength, int QuotesLength, int BodyLength);

/// <summary>
/// The two ranking stages, pure functions of a query, its candidates and the collection statistics. Stage one is BM25F over
/// title, quoted passages and body; stage two re-ranks the best of them by a weighted sum of <see cref="RerankWeights"/> features.
/// </summary>
internal static class Ranker
{
    /// <summary>BM25F of one document: per-field term frequencies, each normalised by its field's length, summed, then saturated once.</summary>
    public static double Bm25F(QueryModel query, StoredDocument document, CollectionStatistics statistics, RankingOptions options,
        Dictionary<int, double> scratch)
    {
        scratch.Clear();
        Accumulate(document.Title, options.TitleWeight, options.TitleLengthNormalisation, document.TitleLength, statistics.AverageTitleLength);
        Accumulate(document.Quotes, options.QuotesWeight, options.QuotesLengthNormalisation, document.QuotesLength,
            statistics.AverageQuotesLength);
        Accumulate(document.Body, options.BodyWeight, options.BodyLengthNormalisation, document.BodyLength, statistics.AverageBodyLength);
        double score = 0;
        foreach (var (i, tf) in scratch)
        {
            var term = query.Terms[i];
            score += term.Weight * statistics.Idf(term.Key) * tf / (options.K1 + tf);
        }
        return score;

        void Accumulate(string text, double weight, double b, int length, double averageLength)
        {
            if (text.Length == 0 || weight == 0)
            {
                return;
            }
            var scale = weight / (1 - b + b * length / averageLength);
            if (query.OnlyUnigrams)
            {
                foreach (var c in text)
                {
                    if (ChineseText.IsIdeograph(c) && query.TermIndex.TryGetValue(TermKeys.Unigram(c), out var i))
                    {
                        CollectionsMarshal.GetValueRefOrAddDefault(scratch, i, out _) += scale;
                    }
                }
                return;
            }
            var scanner = new TermScanner(text);
            while (scanner.MoveNext())
            {
                if (query.TermIndex.TryGetValue(scanner.Key, out var i))
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(scratch, i, out _) += scale;
                }
            }
        }
    }

    /// <summary>The re-ranking features of one candidate, in the order of <see cref="RerankWeights"/>.</summary>
    public static double[] Features(QueryModel query, QueryVectors vectors, StoredDocument document, double bm25F, double bestBm25F,
        CollectionStatistics statistics, RankingOptions options, FeatureScratch scratch)
    {
        var text = document.Title.Length == 0 ? document.Body : document.Title + "\n" + document.Body;
        scratch.NGrams.Clear();
        scratch.Unigrams.Clear();
        QueryModel.CountNGrams(text, scratch.NGrams, scratch.Unigrams);

        var cosine = Cosine(vectors.NGrams, vectors.NGramNorm, scratch.NGrams, statistics.SmoothIdf);
        var unigramCosine = Cosine(vectors.Unigrams, vectors.UnigramNorm, scratch.Unigrams, statistics.Idf);

        double mass = 0, shared = 0;
        foreach (var key in scratch.NGrams.Keys)
        {
            if (TermKeys.IsTrigram(key))
            {
                continue;
            }
            var idf = statistics.Idf(key);
            mass += idf;
            if (query.TermIndex.ContainsKey(key))
            {
                shared += idf;
            }
        }

        var areaFit = TextAnalysis.AreaFit(query.Areas, TextAnalysis.Areas(text, options.PlaceNames));
        return
        [
            bestBm25F > 0 ? bm25F / bestBm25F : 0,
            cosine,
            unigramCosine,
            mass > 0 ? shared / mass : 0,
            areaFit,
            areaFit < 0 ? 1 : 0,
            Math.Log(1 + text.Length) / 8,
        ];
    }

    public static double Score(double[] features, double[] weights)
    {
        double score = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            score += features[i] * weights[i];
        }
        return score;
    }

    private static double Cosine(Dictionary<long, double> query, double queryNorm, Dictionary<long, int> document, Func<long, double> idf)
    {
        double dot = 0, documentNorm = 0;
        foreach (var (key, count) in document)
        {
            var weight = (1 + Math.Log(count)) * idf(key);
            documentNorm += weight * weight;
            if (query.TryGetValue(key, out var queryWeight))
            {
                dot += weight * queryWeight;
            }
        }
        return dot > 0 ? dot / Math.Sqrt(documentNorm) / queryNorm : 0;
    }
}

/// <summary>A query's TF-IDF vectors under one <see cref="CollectionStatistics"/>, computed once per search.</summary>
internal sealed class QueryVectors
{
    public QueryVectors(QueryModel query, CollectionStatistics statistics)
    {
        (NGrams, NGramNorm) = Weigh(query.NGrams, statistics.SmoothIdf);
        (Unigrams, UnigramNorm) = Weigh(query.Unigrams, statistics.Idf);
    }

    public Dictionary<long, double> NGrams { get; }

    public double NGramNorm { get; }

    public Dictionary<long, double> Unigrams { get; }

    public double UnigramNorm { get; }

    private static (Dictionary<long, double>, double) Weigh(Dictionary<long, int> counts, Func<long, double> idf)
    {
        var weights = new Dictionary<long, double>(counts.Count);
        double norm = 0;
        foreach (var (key, count) in counts)
        {
            var weight = (1 + Math.Log(count)) * idf(key);
            weights[key] = weight;
            norm += weight * weight;
        }
        return (weights, Math.Sqrt(norm));
    }
}

/// <summary>Dictionaries reused across the candidates of one search.</summary>
internal sealed class FeatureScratch
{
    public Dictionary<long, int> NGrams { get; } = [];

    public Dictionary<long, int> Unigrams { get; } = [];
}
