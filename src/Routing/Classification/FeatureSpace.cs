namespace Hotline.Routing.Classification;

/// <summary>A sparse row: feature ids ascending, with their values.</summary>
internal readonly record struct SparseVector(int[] Indices, float[] Values)
{
    public static readonly SparseVector Empty = new([], []);

    public double Dot(ReadOnlySpan<double> weights)
    {
        var sum = 0.0;
        for (var i = 0; i < Indices.Length; i++)
        {
            sum += Values[i] * weights[Indices[i]];
        }
        return sum;
    }

    public double SquaredNorm()
    {
        var sum = 0.0;
        foreach (var v in Values)
        {
            sum += (double)v * v;
        }
        return sum;
    }
}

/// <summary>
/// Training texts as the trainer holds them: each text's n-grams as ids into one corpus-wide list of hashes, kept only when
/// the n-gram occurs in at least <c>minDocumentFrequency</c> texts (a rarer one could not pass the same filter inside any
/// fold). Ids instead of per-text hash tables cut the memory of training on full messages by about four, and let each fold
/// build its vocabulary by array look-ups instead of hashing.
/// </summary>
internal sealed class Corpus
{
    private Corpus(ulong[] hashes, int[][] ids, int[][] counts, string[] keys)
    {
        Hashes = hashes;
        Ids = ids;
        Counts = counts;
        Keys = keys;
    }

    /// <summary>Corpus-wide n-gram hashes, by id.</summary>
    public ulong[] Hashes { get; }

    /// <summary>Per text: its n-gram ids, ascending.</summary>
    public int[][] Ids { get; }

    /// <summary>Per text: how often each of its n-grams occurs.</summary>
    public int[][] Counts { get; }

    /// <summary>Per text: the normalised text, to keep identical texts in one fold.</summary>
    public string[] Keys { get; }

    public int Length => Ids.Length;

    public static Corpus Build(IReadOnlyList<string> texts, FeatureSettings settings, int minDocumentFrequency, int parallelism)
    {
        // Each text's distinct hashes, sorted, with their counts.
        var keys = new string[texts.Count];
        var textHashes = new ulong[texts.Count][];
        var textCounts = new int[texts.Count][];
        Parallel.For(0, texts.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, i =>
        {
            var extracted = TextFeatures.Extract(texts[i], settings);
            keys[i] = extracted.Normalized;
            var counts = TextFeatures.Count(extracted);
            textHashes[i] = [.. counts.Keys];
            textCounts[i] = [.. counts.Values];
            Array.Sort(textHashes[i], textCounts[i]);
        });
        // Document frequencies by sorting every text's distinct hashes together and counting runs: a flat array of 8-byte
        // keys, where a hash table over the same millions of n-grams would take three to four times the memory.
        var all = new ulong[textHashes.Sum(h => (long)h.Length)];
        var offset = 0;
        foreach (var hashes in textHashes)
        {
            hashes.CopyTo(all, offset);
            offset += hashes.Length;
        }
        Array.Sort(all);
        var kept = new List<ulong>();
        for (var start = 0; start < all.Length;)
        {
            var end = start + 1;
            while (end < all.Length && all[end] == all[start])
            {
                end++;
            }
            if (end - start >= minDocumentFrequency)
            {
                kept.Add(all[start]);
            }
            start = end;
        }
        all = null;
        var vocabulary = kept.ToArray();
        var textIds = new int[texts.Count][];
        Parallel.For(0, texts.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, i =>
        {
            var ids = new List<int>(textHashes[i].Length);
            var counts = new List<int>(textHashes[i].Length);
            for (var t = 0; t < textHashes[i].Length; t++)
            {
                var id = Array.BinarySearch(vocabulary, textHashes[i][t]);
                if (id >= 0)
                {
                    ids.Add(id);
                    counts.Add(textCounts[i][t]);
                }
            }
            textIds[i] = [.. ids];
            textCounts[i] = [.. counts];
            textHashes[i] = [];
        });
        return new Corpus(vocabulary, textIds, textCounts, keys);
    }
}

/// <summary>
/// The vocabulary (n-gram hashes seen in at least <c>minDocumentFrequency</c> training texts) and their inverse document
/// frequencies. Keeping only hashes, not strings, keeps the model small; the reason shown for a decision takes the n-gram's
/// text from the ticket itself.
/// </summary>
internal sealed class FeatureSpace
{
    private readonly Lazy<Dictionary<ulong, int>> _ids;

    public FeatureSpace(FeatureSettings settings, ulong[] hashes, float[] idf)
    {
        Settings = settings;
        Hashes = hashes;
        Idf = idf;
        // Built on first use: the vocabularies of cross-validation folds are only read through corpus ids and never need it.
        _ids = new Lazy<Dictionary<ulong, int>>(() =>
        {
            var ids = new Dictionary<ulong, int>(hashes.Length);
            for (var i = 0; i < hashes.Length; i++)
            {
                ids[hashes[i]] = i;
            }
            return ids;
        });
    }

    public FeatureSettings Settings { get; }

    public ulong[] Hashes { get; }

    public float[] Idf { get; }

    public int Count => Hashes.Length;

    public bool TryGetId(ulong hash, out int id) => _ids.Value.TryGetValue(hash, out id);

    /// <summary>
    /// Builds the vocabulary from some texts of a corpus: n-grams in fewer than <paramref name="minDocumentFrequency"/> of them
    /// cannot generalise and are dropped (most distinct n-grams, and most of the memory). Also returns the map from corpus ids
    /// to feature ids (-1 for dropped n-grams).
    /// </summary>
    public static (FeatureSpace Space, int[] Map) Build(Corpus corpus, IReadOnlyList<int> texts, FeatureSettings settings, int minDocumentFrequency)
    {
        var frequency = new int[corpus.Hashes.Length];
        foreach (var t in texts)
        {
            foreach (var id in corpus.Ids[t])
            {
                frequency[id]++;
            }
        }
        var map = new int[frequency.Length];
        var hashes = new List<ulong>();
        var idf = new List<float>();
        var n = texts.Count;
        for (var id = 0; id < frequency.Length; id++)
        {
            if (frequency[id] >= minDocumentFrequency)
            {
                map[id] = hashes.Count;
                hashes.Add(corpus.Hashes[id]);
                idf.Add((float)(Math.Log((1.0 + n) / (1.0 + frequency[id])) + 1.0));
            }
            else
            {
                map[id] = -1;
            }
        }
        return (new FeatureSpace(settings, [.. hashes], [.. idf]), map);
    }

    /// <summary>Sublinear TF-IDF, L2-normalised: (1 + ln tf) · idf. The logarithm stops a word repeated ten times in a long
    /// complaint from outweighing the rest; the normalisation makes a title and a two-page letter comparable.</summary>
    public SparseVector TfIdf(Dictionary<ulong, int> counts)
    {
        var pairs = new List<(int Id, int Count)>(counts.Count);
        foreach (var (hash, count) in counts)
        {
            if (_ids.Value.TryGetValue(hash, out var id))
            {
                pairs.Add((id, count));
            }
        }
        pairs.Sort((a, b) => a.Id.CompareTo(b.Id));
        return TfIdf(pairs);
    }

    /// <summary>The same for a corpus text, through the corpus-to-feature map of <see cref="Build"/>; ids stay ascending
    /// because the map preserves order.</summary>
    public SparseVector TfIdf(Corpus corpus, int text, int[] map)
    {
        var ids = corpus.Ids[text];
        var pairs = new List<(int Id, int Count)>(ids.Length);
        for (var t = 0; t < ids.Length; t++)
        {
            if (map[ids[t]] >= 0)
            {
                pairs.Add((map[ids[t]], corpus.Counts[text][t]));
            }
        }
        return TfIdf(pairs);
    }

    private SparseVector TfIdf(List<(int Id, int Count)> sorted)
    {
        if (sorted.Count == 0)
        {
            return SparseVector.Empty;
        }
        var indices = new int[sorted.Count];
        var values = new float[sorted.Count];
        var norm = 0.0;
        for (var i = 0; i < sorted.Count; i++)
        {
            indices[i] = sorted[i].Id;
            var value = (1.0 + Math.Log(sorted[i].Count)) * Idf[sorted[i].Id];
            values[i] = (float)value;
            norm += value * value;
        }
        norm = Math.Sqrt(norm);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)(values[i] / norm);
        }
        return new SparseVector(indices, values);
    }

    /// <summary>Presence (0/1) of each known n-gram, L2-normalised: the input of the NB-SVM member. Shares the indices of the
    /// TF-IDF view.</summary>
    public static SparseVector Binary(SparseVector tfidf)
    {
        var values = new float[tfidf.Indices.Length];
        Array.Fill(values, (float)(1.0 / Math.Sqrt(Math.Max(1, values.Length))));
        return new SparseVector(tfidf.Indices, values);
    }
}
