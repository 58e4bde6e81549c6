namespace Hotline.Routing.Classification;

/// <summary>
/// The nearest past tickets: cosine similarity of TF-IDF vectors against every training text through an inverted index, and
/// the labels of the <see cref="Count"/> most similar. It answers two things the linear members cannot: "this is almost word
/// for word an earlier ticket" (the closest similarity per label) and "tickets like this went there" (the summed similarity of
/// the nearest per label). Both are inputs to the stacker, which decides how much to trust them.
/// </summary>
internal sealed class NeighbourIndex
{
    public NeighbourIndex(int classes, int count, int[] labels, int[] start, int[] documents, float[] values)
    {
        Classes = classes;
        Count = count;
        Labels = labels;
        Start = start;
        Documents = documents;
        Values = values;
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
    /// similarity per label among them into <paramref name="max"/>.</summary>
    public void Score(SparseVector query, Span<double> sum, Span<double> max)
    {
        sum.Clear();
        max.Clear();
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
        if (touched.Count == 0)
        {
            return;
        }
        // Ties broken by document order, so the answer does not depend on the order postings were visited.
        var nearest = touched.OrderByDescending(d => similarity[d]).ThenBy(d => d).Take(Count);
        foreach (var d in nearest)
        {
            var label = Labels[d];
            sum[label] += similarity[d];
            max[label] = Math.Max(max[label], similarity[d]);
        }
    }
}
