namespace Hotline.Routing.Classification;

/// <summary>
/// The nearest past tickets: cosine similarity of TF-IDF vectors against every training text through an inverted index, and
/// the labels of the <see cref="Count"/> most similar. It answers two things the linear members cannot: "this is almost word
/// for word an earlier ticket" (the closest similarity per label) and "tickets like this went there" (the summed similarity of
/// the nearest per label). Both are inputs to the stacker, which decides how much to trust them.
/// </summary>
internal sealed class NeighbourIndex
{
    public NeighbourIndex(
        int classes, int count, int[] labels, int[] start, int[] documents, float[] values, bool[]? misses = null, byte[]? missFolds = null)
    {
        Classes = classes;
        Count = count;
        Labels = labels;
        Start = start;
        Documents = documents;
        Values = values;
        if (misses is not null && missFolds is not null)
        {
            Misses = misses;
            MissFolds = missFolds;
            // The overall miss rate, smoothed, is what a text with no neighbours is assumed to have.
            MissPrior = (misses.Count(m => m) + 1.0) / (misses.Length + 2.0);
        }
    }

    /// <summary>How many nearest texts say how often the model was wrong around a text. More than vote on its label: a miss
    /// rate needs more texts than a vote to mean anything (20 measured better than 10 or 30).</summary>
    public const int MissNeighbours = 20;

    /// <summary>Weight, in units of cosine similarity, of the prior in the smoothed miss rate: a text whose neighbours are few or
    /// barely similar gets the overall rate.</summary>
    private const double MissSmoothing = 1.0;

    /// <summary>Per stored text: its out-of-fold prediction was wrong (null when not recorded, as inside training).</summary>
    public bool[]? Misses { get; }

    /// <summary>Per stored text: the calibration fold it was held out in when <see cref="Misses"/> was recorded.</summary>
    public byte[]? MissFolds { get; }

    /// <summary>The smoothed share of stored texts with <see cref="Misses"/> set.</summary>
    public double MissPrior { get; }

    /// <summary>The same index with each stored text's out-of-fold miss, and the fold it was held out in, recorded.</summary>
    public NeighbourIndex WithMisses(bool[] misses, int[] folds)
    {
        if (misses.Length != Labels.Length || folds.Length != Labels.Length || folds.Any(f => f is < 0 or > byte.MaxValue))
        {
            throw new ArgumentException("One miss flag and one fold (0–255) per stored text.", nameof(misses));
        }
        return new NeighbourIndex(Classes, Count, Labels, Start, Documents, Values, misses, [.. folds.Select(f => (byte)f)]);
    }

    /// <summary>
    /// How much more often than usual the model was wrong on the texts most similar to <paramref name="query"/>, as a
    /// difference of log-odds (0: as usual; null when misses are not recorded): the similarity-weighted miss rate of the
    /// <see cref="MissNeighbours"/> nearest stored texts, smoothed towards <see cref="MissPrior"/>.
    /// <para>
    /// Training reads a text's neighbourhood among the texts held out in its own calibration fold (<paramref name="fold"/>,
    /// skipping itself and its copies): their misses were made by a model that never saw the text. A neighbour from another
    /// fold was judged by a model trained on this very text, which leaks its label into its own confidence — measured, that
    /// version dispatched more in cross-validation but kept only 97.8 % precision on the held-out folds. A new ticket, seen by
    /// no model, reads the nearest of all stored texts (null <paramref name="fold"/>); averaging one value per fold instead,
    /// or reading five times as many neighbours, measured worse.
    /// </para>
    /// </summary>
    public double? MissOdds(SparseVector query, int? fold = null, Func<int, bool>? skip = null)
    {
        if (Misses is null)
        {
            return null;
        }
        var (touched, similarity) = Similarities(query);
        return MissOddsAmong(touched, similarity, fold, skip);
    }

    private double MissOddsAmong(List<int> touched, float[] similarity, int? fold, Func<int, bool>? skip)
    {
        double total = 0, missed = 0;
        foreach (var document in Closest(touched, similarity, MissNeighbours,
                     d => (fold is null || MissFolds![d] == fold) && (skip is null || !skip(d))))
        {
            total += similarity[document];
            if (Misses![document])
            {
                missed += similarity[document];
            }
        }
        var rate = (missed + MissSmoothing * MissPrior) / (total + MissSmoothing);
        return Logit(rate) - Logit(MissPrior);
    }

    private static double Logit(double p)
    {
        p = Math.Clamp(p, 1e-6, 1 - 1e-6);
        return Math.Log(p / (1 - p));
    }

    public int Classes { get; }

    /// <summary>How many neighbours vote.</summary>
    public int Count { get; }

    /// <summary>Label of each stored text.</summary>
    public int[] Labels { get; }

    /// <summary>Postings of feature j: <c>Documents[Start[j]..Start[j+1]]</c> with their TF-IDF <c>Values</c>.</summary>
    public int[] Start { get; }

    public int[] Documents { get; }

    public float[] Values { get; }

    public static NeighbourIndex Build(SparseVector[] rows, int[] labels, int classes, int features, int count)
    {
        var start = new int[features + 1];
        foreach (var row in rows)
        {
            foreach (var j in row.Indices)
            {
                start[j + 1]++;
            }
        }
        for (var j = 0; j < features; j++)
        {
            start[j + 1] += start[j];
        }
        var fill = start[..^1].ToArray();
        var documents = new int[start[^1]];
        var values = new float[start[^1]];
        for (var d = 0; d < rows.Length; d++)
        {
            for (var t = 0; t < rows[d].Indices.Length; t++)
            {
                var slot = fill[rows[d].Indices[t]]++;
                documents[slot] = d;
                values[slot] = rows[d].Values[t];
            }
        }
        return new NeighbourIndex(classes, count, labels.ToArray(), start, documents, values);
    }

    /// <summary>Writes the summed similarity of the nearest texts per label into <paramref name="sum"/> and the highest
    /// similarity per label among them into <paramref name="max"/>, and returns the text's <see cref="MissOdds"/> as a new
    /// ticket's (null when misses are not recorded): both from one pass over the postings, the costliest step of a
    /// prediction on a long message.</summary>
    public double? Score(SparseVector query, Span<double> sum, Span<double> max)
    {
        sum.Clear();
        max.Clear();
        var (touched, similarity) = Similarities(query);
        foreach (var document in Closest(touched, similarity, Count))
        {
            var label = Labels[document];
            sum[label] += similarity[document];
            max[label] = Math.Max(max[label], similarity[document]);
        }
        return Misses is null ? null : MissOddsAmong(touched, similarity, fold: null, skip: null);
    }

    /// <summary>The <paramref name="take"/> candidates (those passing <paramref name="include"/>) most similar first. Ties
    /// are broken by document order, so the answer does not depend on the order postings were visited.</summary>
    private static IEnumerable<int> Closest(List<int> touched, float[] similarity, int take, Func<int, bool>? include = null) =>
        (include is null ? touched : touched.Where(include)).OrderByDescending(d => similarity[d]).ThenBy(d => d).Take(take);

    /// <summary>The stored texts sharing an n-gram with <paramref name="query"/>, and every stored text's similarity to it.</summary>
    private (List<int> Touched, float[] Similarity) Similarities(SparseVector query)
    {
        var similarity = new float[Labels.Length];
        var touched = new List<int>();
        for (var t = 0; t < query.Indices.Length; t++)
        {
            var j = query.Indices[t];
            var q = query.Values[t];
            for (var p = Start[j]; p < Start[j + 1]; p++)
            {
                var d = Documents[p];
                if (similarity[d] == 0)
                {
                    touched.Add(d);
                }
                similarity[d] += q * Values[p];
            }
        }
        return (touched, similarity);
    }
}
