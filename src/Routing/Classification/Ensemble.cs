namespace Hotline.Routing.Classification;

internal enum MemberKind : byte
{
    /// <summary>Multinomial logistic regression on sublinear TF-IDF.</summary>
    Logistic = 1,

    /// <summary>One-vs-rest linear SVM on sublinear TF-IDF.</summary>
    Svm = 2,

    /// <summary>One-vs-rest SVM on binary features scaled by naive-Bayes log-count ratios.</summary>
    NbSvm = 3,

    /// <summary>The nearest training texts by TF-IDF cosine (two channels: summed and highest similarity per label).</summary>
    Neighbours = 4,
}

/// <summary>One fitted member: a linear scorer, or the neighbour index.</summary>
internal sealed record Member(MemberKind Kind, LinearScorer? Linear, NeighbourIndex? Neighbours = null)
{
    /// <summary>How many score vectors the member gives the stacker.</summary>
    public int Channels => Kind == MemberKind.Neighbours ? 2 : 1;
}

/// <summary>A text as the members read it: its n-grams, and the TF-IDF and binary views over the vocabulary.</summary>
internal sealed record PreparedText(ExtractedText Extracted, SparseVector TfIdf, SparseVector Binary)
{
    public bool IsEmpty => TfIdf.Indices.Length == 0;

    public SparseVector View(MemberKind kind) => kind == MemberKind.NbSvm ? Binary : TfIdf;
}

/// <summary>The fitted members over one vocabulary. Their scores are combined by <see cref="Stacker"/>.</summary>
internal sealed class Ensemble(FeatureSpace space, Member[] members)
{
    public FeatureSpace Space { get; } = space;

    public Member[] Members { get; } = members;

    public PreparedText Prepare(string? text)
    {
        var extracted = TextFeatures.Extract(text, Space.Settings);
        var tfidf = Space.TfIdf(TextFeatures.Count(extracted));
        return new PreparedText(extracted, tfidf, FeatureSpace.Binary(tfidf));
    }

    /// <summary>A corpus text, vectorised through the corpus-to-feature map returned by <see cref="Fit"/>.</summary>
    public PreparedText Prepare(Corpus corpus, int text, int[] map)
    {
        var tfidf = Space.TfIdf(corpus, text, map);
        return new PreparedText(new ExtractedText("", []), tfidf, FeatureSpace.Binary(tfidf));
    }

    /// <summary>The neighbour member's <see cref="NeighbourIndex.MissOdds"/> for a text (null without that member or its miss
    /// flags); training reads it per fold, see there.</summary>
    public double? MissOdds(PreparedText text, int? fold = null, Func<int, bool>? skip = null) =>
        Members.FirstOrDefault(m => m.Neighbours is not null)?.Neighbours!.MissOdds(text.TfIdf, fold, skip);

    /// <summary>The same ensemble with each training text's out-of-fold miss, and its fold, recorded in the neighbour member.</summary>
    public Ensemble WithNeighbourMisses(bool[] misses, int[] folds) => new(Space, [.. Members.Select(m => m.Neighbours is { } neighbours
        ? m with { Neighbours = neighbours.WithMisses(misses, folds) }
        : m)]);

    /// <summary>Number of score vectors all members give together.</summary>
    public int Channels => Members.Sum(m => m.Channels);

    /// <summary>Each member's raw scores for one text: <c>[channel][class]</c>.</summary>
    public double[][] Score(PreparedText text) => Score(text, out _);

    /// <summary>Each member's raw scores for one text, and the neighbour member's <see cref="NeighbourIndex.MissOdds"/> for it
    /// as a new ticket (null without that member or its miss flags), read in the same pass.</summary>
    public double[][] Score(PreparedText text, out double? missOdds)
    {
        missOdds = null;
        var result = new double[Channels][];
        var c = 0;
        foreach (var member in Members)
        {
            if (member.Neighbours is { } neighbours)
            {
                result[c] = new double[neighbours.Classes];
                result[c + 1] = new double[neighbours.Classes];
                missOdds = neighbours.Score(text.TfIdf, result[c], result[c + 1]);
            }
            else
            {
                result[c] = new double[member.Linear!.Classes];
                member.Linear.Score(text.View(member.Kind), result[c]);
            }
            c += member.Channels;
        }
        return result;
    }

    /// <summary>Fits every enabled member on some texts of a corpus (<paramref name="labels"/> are theirs, in the same order).
    /// Also returns the map from corpus ids to this vocabulary, to score the other texts.</summary>
    public static (Ensemble Ensemble, int[] Map) Fit(Corpus corpus, int[] texts, int[] labels, int classes, ClassifierOptions options)
    {
        var (space, map) = FeatureSpace.Build(corpus, texts, options.Features, options.MinDocumentFrequency);
        var tfidf = new SparseVector[texts.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            tfidf[i] = space.TfIdf(corpus, texts[i], map);
        }
        var members = new List<Member>();
        if (options.UseLogistic)
        {
            members.Add(new Member(MemberKind.Logistic, SoftmaxRegression.Train(
                tfidf, labels, classes, space.Count, options.LogisticLambda, options.LogisticIterations)));
        }
        if (options.UseSvm)
        {
            members.Add(new Member(MemberKind.Svm, OneVsRestSvm.Train(
                tfidf, labels, classes, space.Count, options.SvmCost, options.Seed, options.MaxDegreeOfParallelism)));
        }
        if (options.UseNbSvm)
        {
            // The binary view is read off the TF-IDF rows (same indices, value 1/√nnz) rather than stored a second time.
            var ratios = LogCountRatios(tfidf, labels, classes, space.Count, options.NbSmoothing);
            members.Add(new Member(MemberKind.NbSvm, OneVsRestSvm.Train(
                tfidf, labels, classes, space.Count, options.NbSvmCost, options.Seed, options.MaxDegreeOfParallelism,
                k => ratios[k], options.NbInterpolation, binary: true)));
        }
        if (options.UseNeighbours)
        {
            members.Add(new Member(MemberKind.Neighbours, null,
                NeighbourIndex.Build(tfidf, labels, classes, space.Count, options.NeighbourCount)));
        }
        return (new Ensemble(space, [.. members]), map);
    }

    /// <summary>
    /// r_k = log((p_k / |p_k|₁) / (q_k / |q_k|₁)) with p_k, q_k the smoothed counts of texts containing each feature in class k and
    /// outside it: how much more typical of class k a feature is than of the rest.
    /// </summary>
    private static float[][] LogCountRatios(SparseVector[] rows, int[] labels, int classes, int features, double smoothing)
    {
        var inClass = new int[classes][];
        var total = new int[features];
        for (var k = 0; k < classes; k++)
        {
            inClass[k] = new int[features];
        }
        for (var i = 0; i < rows.Length; i++)
        {
            foreach (var j in rows[i].Indices)
            {
                inClass[labels[i]][j] += 1;
                total[j] += 1;
            }
        }
        var ratios = new float[classes][];
        for (var k = 0; k < classes; k++)
        {
            var p = inClass[k];
            var pSum = p.Sum(v => (double)v) + smoothing * features;
            var qSum = total.Sum(v => (double)v) - p.Sum(v => (double)v) + smoothing * features;
            ratios[k] = new float[features];
            for (var j = 0; j < features; j++)
            {
                ratios[k][j] = (float)Math.Log((p[j] + smoothing) / pSum / ((total[j] - p[j] + smoothing) / qSum));
            }
        }
        return ratios;
    }
}

/// <summary>
/// Combines the members' scores into probabilities: p = softmax(Σ_m w_m · s_m + b), with a weight w_m per score channel and a
/// bias b per label, fitted to minimise the log-loss of out-of-fold scores. This is temperature scaling and stacking in one
/// convex fit of a handful of numbers, so it calibrates the confidence without room to overfit. With
/// <c>balanced</c>, every label weighs the same in the loss, which moves the biases towards small labels (macro-F1 counts
/// every label equally).
/// </summary>
internal static class Stacker
{
    /// <param name="scores"><c>[text][channel][class]</c> out-of-fold scores.</param>
    /// <param name="labels">The true label index of each text.</param>
    /// <param name="balanced">Weigh each label's texts by the inverse of its frequency.</param>
    /// <returns>The channel weights followed by the label biases.</returns>
    public static double[] Fit(IReadOnlyList<double[][]> scores, IReadOnlyList<int> labels, bool balanced)
    {
        var channels = scores[0].Length;
        var classes = scores[0][0].Length;
        var parameters = new double[channels + classes];
        Array.Fill(parameters, 1.0, 0, channels);
        var frequency = new double[classes];
        foreach (var label in labels)
        {
            frequency[label]++;
        }
        var exampleWeight = frequency.Select(f => balanced && f > 0 ? labels.Count / (classes * f) : 1.0).ToArray();
        double Objective(double[] w, double[] gradient)
        {
            Array.Clear(gradient);
            var loss = 0.0;
            Span<double> z = stackalloc double[classes];
            for (var i = 0; i < scores.Count; i++)
            {
                Combine(scores[i], w, z);
                var logSum = SoftmaxRegression.LogSumExp(z);
                var weight = exampleWeight[labels[i]];
                loss += weight * (logSum - z[labels[i]]);
                for (var c = 0; c < classes; c++)
                {
                    var p = Math.Exp(z[c] - logSum);
                    gradient[channels + c] += weight * (p - (c == labels[i] ? 1 : 0));
                    for (var m = 0; m < channels; m++)
                    {
                        gradient[m] += weight * p * scores[i][m][c];
                    }
                }
                for (var m = 0; m < channels; m++)
                {
                    gradient[m] -= weight * scores[i][m][labels[i]];
                }
            }
            // A whisper of L2 keeps the fit finite when a member separates the out-of-fold data perfectly.
            for (var m = 0; m < w.Length; m++)
            {
                gradient[m] = gradient[m] / scores.Count + 1e-4 * w[m];
            }
            return loss / scores.Count + 0.5e-4 * w.Sum(v => v * v);
        }
        Lbfgs.Minimize(Objective, parameters, 300, tolerance: 1e-8);
        return parameters;
    }

    public static void Combine(double[][] channelScores, ReadOnlySpan<double> parameters, Span<double> logits)
    {
        var channels = channelScores.Length;
        for (var c = 0; c < logits.Length; c++)
        {
            logits[c] = parameters[channels + c];
        }
        for (var m = 0; m < channels; m++)
        {
            for (var c = 0; c < logits.Length; c++)
            {
                logits[c] += parameters[m] * channelScores[m][c];
            }
        }
    }

    public static double[] Probabilities(double[][] channelScores, ReadOnlySpan<double> parameters)
    {
        var z = new double[channelScores[0].Length];
        Combine(channelScores, parameters, z);
        var logSum = SoftmaxRegression.LogSumExp(z);
        for (var c = 0; c < z.Length; c++)
        {
            z[c] = Math.Exp(z[c] - logSum);
        }
        return z;
    }
}
