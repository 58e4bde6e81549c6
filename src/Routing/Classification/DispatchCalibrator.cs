namespace Hotline.Routing.Classification;

/// <summary>
/// The confidence that decides automatic dispatch: the probability that the most probable label is right, from two numbers of
/// the label probabilities — the top probability and its margin over the second — and one of the text's neighbourhood — how
/// much more often than usual the model was wrong on the most similar training texts — through a logistic regression fitted
/// on out-of-fold predictions: P(right) = σ(a + b · logit p₁ + c · ln(p₁ / p₂) + d · m).
/// <para>
/// Dispatching is a ranking problem: which tickets are safe to send without a person. The top probability alone ranks a
/// ticket torn between two labels (0.55 / 0.44) like one with three weak rivals (0.55 / 0.15 / 0.15 / 0.15), yet the first
/// is wrong far more often. Adding the margin lets the cut keep 98 % precision further down the list: in grouped 5-fold
/// cross-validation, nested so the fold being measured fits neither the weights nor the threshold, the dispatched share
/// rose from 66.7 % to 71.1 % on full messages and from 52.4 % to 55.0 % on titles (4-gram model; see README's notes).
/// Four numbers cannot overfit 5,000 out-of-fold predictions; richer inputs (member agreement, neighbour similarity,
/// text length, one bias per predicted label) were measured and added nothing beyond noise.
/// </para>
/// <para>
/// The neighbourhood input m (<see cref="NeighbourIndex.MissOdds"/>) is for disputed subjects. The training labels disagree
/// on some: titles about 住房公积金 are filed under 城乡建设 four times in five and under 劳动和社会保障 otherwise, yet the
/// linear members, seeing a strong word, are near-certain either way. The nearest training texts' own out-of-fold misses show
/// such a subject whatever the words: where the model often missed before, it is likely to miss again. Measured with
/// `ClassifierTrainer.CrossValidate` (the whole training procedure repeated inside each fold) on titles over six fold
/// assignments: dispatched at the threshold chosen in training 56.7 % → 57.2 % at the same 97.9 % held-out precision, and
/// higher or equal on each of the six.
/// </para>
/// <para>
/// The fit is penalised towards (0, 1, 0, 0), which is the top probability itself (σ(logit p₁) = p₁): with few or no
/// out-of-fold errors (tiny or perfectly separable data) the confidence stays the top probability instead of running to 1.
/// The pull is 10⁻³ per example: 10⁻² held the margin's weight back (titles, same six fold assignments: 55.8 % dispatched
/// against 57.2 %), 10⁻⁴ measured the same as 10⁻³.
/// </para>
/// </summary>
internal static class DispatchCalibrator
{
    /// <summary>Weights that give back the top probability unchanged.</summary>
    public static double[] Identity => [0.0, 1.0, 0.0, 0.0];

    /// <summary>L2 pull towards <see cref="Identity"/>, per example.</summary>
    private const double Penalty = 1e-3;

    /// <summary>Probabilities are clipped this far from 0 and 1 before logits and ratios are taken.</summary>
    private const double Floor = 1e-9;

    /// <param name="probabilities">Each text's label probabilities (out-of-fold).</param>
    /// <param name="labels">Each text's true label.</param>
    /// <param name="missOdds">Each text's <see cref="NeighbourIndex.MissOdds"/> among the other training texts; null (or a
    /// null entry) reads as 0, an ordinary neighbourhood.</param>
    /// <returns>The four weights (a, b, c, d).</returns>
    public static double[] Fit(IReadOnlyList<double[]> probabilities, IReadOnlyList<int> labels, IReadOnlyList<double?>? missOdds = null)
    {
        var features = new double[probabilities.Count][];
        var right = new bool[probabilities.Count];
        for (var i = 0; i < probabilities.Count; i++)
        {
            features[i] = Features(probabilities[i], missOdds?[i], out var top);
            right[i] = top == labels[i];
        }
        var weights = Identity;
        if (right.All(r => r) || right.All(r => !r))
        {
            return weights;
        }
        var prior = Identity;
        double Objective(double[] w, double[] gradient)
        {
            Array.Clear(gradient);
            var loss = 0.0;
            for (var i = 0; i < features.Length; i++)
            {
                var x = features[i];
                var z = Dot(w, x);
                var y = right[i] ? 1.0 : 0.0;
                // log(1 + e^z) − y·z, written to stay finite for large |z|.
                loss += Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z))) - y * z;
                var residual = Sigmoid(z) - y;
                for (var j = 0; j < x.Length; j++)
                {
                    gradient[j] += residual * x[j];
                }
            }
            var penalty = 0.0;
            for (var j = 0; j < w.Length; j++)
            {
                var d = w[j] - prior[j];
                penalty += d * d;
                gradient[j] = gradient[j] / features.Length + Penalty * d;
            }
            return loss / features.Length + 0.5 * Penalty * penalty;
        }
        Lbfgs.Minimize(Objective, weights, 200, tolerance: 1e-9);
        return weights;
    }

    /// <summary>The probability that the most probable label is right.</summary>
    public static double Confidence(ReadOnlySpan<double> weights, double[] probabilities, double? missOdds = null) =>
        Sigmoid(Dot(weights, Features(probabilities, missOdds, out _)));

    private static double Dot(ReadOnlySpan<double> weights, double[] x)
    {
        var z = 0.0;
        for (var j = 0; j < x.Length; j++)
        {
            z += weights[j] * x[j];
        }
        return z;
    }

    /// <summary>(1, logit p₁, ln(p₁ / p₂), m) and the index of the top label (the first on ties, as everywhere else).</summary>
    private static double[] Features(double[] probabilities, double? missOdds, out int top)
    {
        top = 0;
        for (var k = 1; k < probabilities.Length; k++)
        {
            if (probabilities[k] > probabilities[top])
            {
                top = k;
            }
        }
        var second = 0.0;
        for (var k = 0; k < probabilities.Length; k++)
        {
            if (k != top)
            {
                second = Math.Max(second, probabilities[k]);
            }
        }
        var p1 = Math.Clamp(probabilities[top], Floor, 1 - Floor);
        var p2 = Math.Clamp(second, Floor, 1 - Floor);
        return [1.0, Math.Log(p1 / (1 - p1)), Math.Log(p1 / p2), missOdds ?? 0.0];
    }

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}
