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
/// The vocabulary (n-gram hashes seen in at least <c>minDocumentFrequency</c> training texts) and their inverse document
/// frequencies. Keeping only hashes, not strings, keeps the model small; the reason shown for a decision takes the n-gram's
/// text from the ticket itself.
/// </summary>
internal sealed class FeatureSpace
{
    private readonly Dictionary<ulong, int> _ids;

    public FeatureSpace(FeatureSettings settings, ulong[] hashes, float[] idf)
    {
        Settings = settings;
        Hashes = hashes;
        Idf = idf;
        _ids = new Dictionary<ulong, int>(hashes.Length);
        for (var i = 0; i < hashes.Length; i++)
        {
            _ids[hashes[i]] = i;
        }
    }

    public FeatureSettings Settings { get; }

    public ulong[] Hashes { get; }

    public float[] Idf { get; }

    public int Count => Hashes.Length;

    public bool TryGetId(ulong hash, out int id) => _ids.TryGetValue(hash, out id);

    /// <summary>Builds the vocabulary from training texts: n-grams in fewer than <paramref name="minDocumentFrequency"/> texts
    /// cannot generalise and are dropped (about 80% of the distinct n-grams, and most of the memory).</summary>
    public static FeatureSpace Build(IReadOnlyList<Dictionary<ulong, int>> documents, FeatureSettings settings, int minDocumentFrequency)
    {
        var frequency = new Dictionary<ulong, int>();
        var order = new List<ulong>();
        foreach (var document in documents)
        {
            foreach (var hash in document.Keys)
            {
                ref var df = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(frequency, hash, out var existed);
                if (!existed)
                {
                    order.Add(hash);
                }
                df++;
            }
        }
        var kept = order.Where(h => frequency[h] >= minDocumentFrequency).ToArray();
        var n = documents.Count;
        var idf = kept.Select(h => (float)(Math.Log((1.0 + n) / (1.0 + frequency[h])) + 1.0)).ToArray();
        return new FeatureSpace(settings, kept, idf);
    }

    /// <summary>Sublinear TF-IDF, L2-normalised: (1 + ln tf) · idf. The logarithm stops a word repeated ten times in a long
    /// complaint from outweighing the rest; the normalisation makes a title and a two-page letter comparable.</summary>
    public SparseVector TfIdf(Dictionary<ulong, int> counts)
    {
        var pairs = new List<(int Id, float Value)>(counts.Count);
        foreach (var (hash, count) in counts)
        {
            if (_ids.TryGetValue(hash, out var id))
            {
                pairs.Add((id, (float)((1.0 + Math.Log(count)) * Idf[id])));
            }
        }
        return Normalised(pairs);
    }

    /// <summary>Presence (0/1) of each known n-gram, L2-normalised: the input of the NB-SVM member.</summary>
    public SparseVector Binary(Dictionary<ulong, int> counts)
    {
        var pairs = new List<(int Id, float Value)>(counts.Count);
        foreach (var hash in counts.Keys)
        {
            if (_ids.TryGetValue(hash, out var id))
            {
                pairs.Add((id, 1f));
            }
        }
        return Normalised(pairs);
    }

    private static SparseVector Normalised(List<(int Id, float Value)> pairs)
    {
        if (pairs.Count == 0)
        {
            return SparseVector.Empty;
        }
        pairs.Sort((a, b) => a.Id.CompareTo(b.Id));
        var norm = Math.Sqrt(pairs.Sum(p => (double)p.Value * p.Value));
        var indices = new int[pairs.Count];
        var values = new float[pairs.Count];
        for (var i = 0; i < pairs.Count; i++)
        {
            indices[i] = pairs[i].Id;
            values[i] = (float)(pairs[i].Value / norm);
        }
        return new SparseVector(indices, values);
    }
}
