namespace Hotline.Routing.Classification;

internal enum MemberKind : byte
{
    /// <summary>Multinomial logistic regression on sublinear TF-IDF.</summary>
    Logistic = 1,

    /// <summary>One-vs-rest linear SVM on sublinear TF-IDF.</summary>
    Svm = 2,

    /// <summary>One-vs-rest SVM on binary features scaled by naive-Bayes log-count ratios.</summary>
    NbSvm = 3,
}

internal sealed record Member(MemberKind Kind, LinearScorer Scorer);

/// <summary>A text as the members read it: its n-grams, and the TF-IDF and binary views over the vocabulary.</summary>
internal sealed record PreparedText(ExtractedText Extracted, Dictionary<ulong, int> Counts, SparseVector TfIdf, SparseVector Binary)
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
        var counts = TextFeatures.Count(extracted);
        return new PreparedText(extracted, counts, Space.TfIdf(counts), Space.Binary(counts));
    }

    public PreparedText Prepare(Dictionary<ulong, int> counts) =>
        new(new ExtractedText("", []), counts, Space.TfIdf(counts), Space.Binary(counts));

    /// <summary>Each member's raw scores for one text: <c>[member][class]</c>.</summary>
    public double[][] Score(PreparedText text)
    {
        var result = new double[Members.Length][];
        for (var m = 0; m < Members.Length; m++)
        {
            result[m] = new double[Members[m].Scorer.Classes];
            Members[m].Scorer.Score(text.View(Members[m].Kind), result[m]);
        }
        return result;
    }

    /// <summary>Fits every enabled member on the given texts (their n-gram counts and label indices).</summary>
    public static Ensemble Fit(IReadOnlyList<Dictionary<ulong, int>> counts, int[] labels, int classes, ClassifierOptions options)
    {
        var space = FeatureSpace.Build(counts, options.Features, options.MinDocumentFrequency);
        var tfidf = new SparseVector[counts.Count];
        var binary = new SparseVector[counts.Count];
        for (var i = 0; i < counts.Count; i++)
        {
            tfidf[i] = space.TfIdf(counts[i]);
            binary[i] = space.Binary(counts[i]);
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
                tfidf, labels, classes, space.Count, options.SvmCost, options.Seed)));
        }
        if (options.UseNbSvm)
        {
            var ratios = LogCountRatios(binary, labels, classes, space.Count, options.NbSmoothing);
            members.Add(new Member(MemberKind.NbSvm, OneVsRestSvm.Train(
                binary, labels, classes, space.Count, options.NbSvmCost, options.Seed,
                k => ratios[k], options.NbInterpolation)));
        }
        return new Ensemble(space, [.. members]);
    }

    /// <summary>
    /// r_k = log((p_k / |p_k|₁) / (q_k / |q_k|₁)) with p_k, q_k the smoothed counts of texts containing each feature in class k and
    /// outside it: how much more typical of class k a feature is than of the rest.
    /// </summary>
    private static float[][] LogCountRatios(SparseVector[] rows, int[] labels, int classes, int features, double smoothing)
    {
        var inClass = new double[classes][];
        var total = new double[features];
        for (var k = 0; k < classes; k++)
        {
            inClass[k] = new double[features];
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
            var pSum = p.Sum() + smoothing * features;
            var qSum = total.Sum() - p.Sum() + smoothing * features;
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
/// Combines the members' scores into probabilities: p = softmax(Σ_m w_m · s_m), with the weights w_m fitted to minimise the
/// log-loss of out-of-fold scores. This is temperature scaling and stacking in one convex fit of a handful of numbers, so it
/// calibrates the confidence without room to overfit.
/// </summary>
internal static class Stacker
{
    /// <param name="scores"><c>[text][member][class]</c> out-of-fold scores.</param>
    /// <param name="labels">The true label index of each text.</param>
    public static double[] Fit(IReadOnlyList<double[][]> scores, IReadOnlyList<int> labels)
    {
        var members = scores[0].Length;
        var classes = scores[0][0].Length;
        var weights = Enumerable.Repeat(1.0, members).ToArray();
        double Objective(double[] w, double[] gradient)
        {
            Array.Clear(gradient);
            var loss = 0.0;
            Span<double> z = stackalloc double[classes];
            for (var i = 0; i < scores.Count; i++)
            {
                Combine(scores[i], w, z);
                var logSum = SoftmaxRegression.LogSumExp(z);
                loss += logSum - z[labels[i]];
                for (var m = 0; m < members; m++)
                {
                    var expected = 0.0;
                    for (var c = 0; c < classes; c++)
                    {
                        expected += Math.Exp(z[c] - logSum) * scores[i][m][c];
                    }
                    gradient[m] += expected - scores[i][m][labels[i]];
                }
            }
            // A whisper of L2 keeps the fit finite when a member separates the out-of-fold data perfectly.
            for (var m = 0; m < members; m++)
            {
                gradient[m] = gradient[m] / scores.Count + 1e-4 * w[m];
            }
            return loss / scores.Count + 0.5e-4 * w.Sum(v => v * v);
        }
        Lbfgs.Minimize(Objective, weights, 200, tolerance: 1e-8);
        return weights;
    }

    public static void Combine(double[][] memberScores, ReadOnlySpan<double> weights, Span<double> logits)
    {
        logits.Clear();
        for (var m = 0; m < memberScores.Length; m++)
        {
            for (var c = 0; c < logits.Length; c++)
            {
                logits[c] += weights[m] * memberScores[m][c];
            }
        }
    }

    public static double[] Probabilities(double[][] memberScores, ReadOnlySpan<double> weights)
    {
        var z = new double[memberScores[0].Length];
        Combine(memberScores, weights, z);
        var logSum = SoftmaxRegression.LogSumExp(z);
        for (var c = 0; c < z.Length; c++)
        {
            z[c] = Math.Exp(z[c] - logSum);
        }
        return z;
    }
}
