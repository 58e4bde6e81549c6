namespace Hotline.Routing.Classification;

/// <summary>
/// A linear scorer over one feature view: score(k) = Σ x_j · W[j, k] + b[k]. Weights are feature-major (the K weights of one
/// feature are adjacent), so scoring a sparse row touches contiguous memory.
/// </summary>
internal sealed class LinearScorer(int classes, int features, float[] weights, float[] bias)
{
    public int Classes { get; } = classes;

    public int Features { get; } = features;

    /// <summary>Feature-major: <c>Weights[j * Classes + k]</c>.</summary>
    public float[] Weights { get; } = weights;

    public float[] Bias { get; } = bias;

    public void Score(SparseVector x, Span<double> scores)
    {
        for (var k = 0; k < Classes; k++)
        {
            scores[k] = Bias[k];
        }
        for (var i = 0; i < x.Indices.Length; i++)
        {
            var offset = x.Indices[i] * Classes;
            var v = x.Values[i];
            for (var k = 0; k < Classes; k++)
            {
                scores[k] += v * Weights[offset + k];
            }
        }
    }
}

/// <summary>
/// Multinomial logistic regression, L2-regularised, trained to its optimum by L-BFGS. Its scores are log-probabilities,
/// which makes it the best-calibrated member of the ensemble.
/// </summary>
internal static class SoftmaxRegression
{
    /// <summary>Fits on the given rows; <paramref name="lambda"/> is the L2 strength on the weights per example (the biases
    /// are not penalised).</summary>
    public static LinearScorer Train(SparseVector[] rows, int[] labels, int classes, int features, double lambda, int maxIterations)
    {
        var n = rows.Length;
        var k = classes;
        var biasOffset = features * k;
        var x = new double[biasOffset + k];
        double Objective(double[] w, double[] gradient)
        {
            Array.Clear(gradient);
            var loss = 0.0;
            Span<double> z = stackalloc double[k];
            for (var r = 0; r < n; r++)
            {
                var row = rows[r];
                for (var c = 0; c < k; c++)
                {
                    z[c] = w[biasOffset + c];
                }
                for (var i = 0; i < row.Indices.Length; i++)
                {
                    var offset = row.Indices[i] * k;
                    var v = row.Values[i];
                    for (var c = 0; c < k; c++)
                    {
                        z[c] += v * w[offset + c];
                    }
                }
                var logSum = LogSumExp(z);
                loss += logSum - z[labels[r]];
                for (var c = 0; c < k; c++)
                {
                    z[c] = Math.Exp(z[c] - logSum) - (c == labels[r] ? 1.0 : 0.0);
                    gradient[biasOffset + c] += z[c];
                }
                for (var i = 0; i < row.Indices.Length; i++)
                {
                    var offset = row.Indices[i] * k;
                    var v = row.Values[i];
                    for (var c = 0; c < k; c++)
                    {
                        gradient[offset + c] += v * z[c];
                    }
                }
            }
            var scale = 1.0 / n;
            var penalty = 0.0;
            for (var j = 0; j < biasOffset; j++)
            {
                penalty += w[j] * w[j];
                gradient[j] = gradient[j] * scale + lambda * w[j];
            }
            for (var c = 0; c < k; c++)
            {
                gradient[biasOffset + c] *= scale;
            }
            return loss * scale + 0.5 * lambda * penalty;
        }
        Lbfgs.Minimize(Objective, x, maxIterations, tolerance: 1e-5, memory: 5);
        return new LinearScorer(k, features,
            x.AsSpan(0, biasOffset).ToArray().Select(v => (float)v).ToArray(),
            x.AsSpan(biasOffset).ToArray().Select(v => (float)v).ToArray());
    }

    public static double LogSumExp(ReadOnlySpan<double> z)
    {
        var max = double.NegativeInfinity;
        foreach (var v in z)
        {
            max = Math.Max(max, v);
        }
        var sum = 0.0;
        foreach (var v in z)
        {
            sum += Math.Exp(v - max);
        }
        return max + Math.Log(sum);
    }
}

/// <summary>
/// One-vs-rest linear SVM with squared hinge loss, solved in the dual by coordinate descent (Hsieh et al. 2008, LIBLINEAR's
/// default solver): a few passes over the data, no step size, exact to the tolerance. The bias is an extra constant feature.
/// Optionally each class sees the features rescaled by its own factors: that is the NB-SVM member (Wang &amp; Manning 2012).
/// </summary>
internal static class OneVsRestSvm
{
    public static LinearScorer Train(
        SparseVector[] rows, int[] labels, int classes, int features, double c, int seed, int parallelism,
        Func<int, float[]?>? classScale = null, double interpolation = 1.0, bool binary = false, int maxEpochs = 200,
        double tolerance = 0.05)
    {
        var weights = new float[features * classes];
        var bias = new float[classes];
        // The classes are independent problems: fitted side by side, each writing only its own column.
        Parallel.For(0, classes, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, k =>
        {
            var scale = classScale?.Invoke(k);
            var (w, b) = TrainBinary(rows, labels, k, scale, features, c, seed + k, maxEpochs, tolerance, binary);
            if (interpolation < 1.0)
            {
                // NB-SVM interpolation: w' = (1-β)·mean|w| + β·w, a shrink towards plain naive Bayes that helps on short texts.
                var mean = w.Average(Math.Abs);
                for (var j = 0; j < w.Length; j++)
                {
                    w[j] = (1 - interpolation) * mean + interpolation * w[j];
                }
            }
            for (var j = 0; j < features; j++)
            {
                weights[j * classes + k] = (float)(scale is null ? w[j] : w[j] * scale[j]);
            }
            bias[k] = (float)b;
        });
        return new LinearScorer(classes, features, weights, bias);
    }

    private static (double[] W, double B) TrainBinary(
        SparseVector[] rows, int[] labels, int positive, float[]? scale, int features, double c, int seed, int maxEpochs, double tolerance,
        bool binary)
    {
        // With binary, every stored value of a row reads as 1/√nnz: presence, L2-normalised.
        float Value(SparseVector row, int t) => binary ? 1f / MathF.Sqrt(row.Indices.Length) : row.Values[t];
        var n = rows.Length;
        var w = new double[features];
        var b = 0.0;
        var alpha = new double[n];
        var q = new double[n];
        var diagonal = 1.0 / (2.0 * c);
        for (var i = 0; i < n; i++)
        {
            var row = rows[i];
            var sum = 1.0;
            for (var t = 0; t < row.Indices.Length; t++)
            {
                var v = Value(row, t) * (scale?[row.Indices[t]] ?? 1f);
                sum += v * v;
            }
            q[i] = sum + diagonal;
        }
        var order = Enumerable.Range(0, n).ToArray();
        var random = new Random(seed);
        for (var epoch = 0; epoch < maxEpochs; epoch++)
        {
            random.Shuffle(order);
            var maxPg = double.NegativeInfinity;
            var minPg = double.PositiveInfinity;
            foreach (var i in order)
            {
                var row = rows[i];
                var y = labels[i] == positive ? 1.0 : -1.0;
                var dot = b;
                for (var t = 0; t < row.Indices.Length; t++)
                {
                    var j = row.Indices[t];
                    dot += Value(row, t) * (scale?[j] ?? 1f) * w[j];
                }
                var g = y * dot - 1.0 + diagonal * alpha[i];
                var pg = alpha[i] == 0 ? Math.Min(g, 0) : g;
                maxPg = Math.Max(maxPg, pg);
                minPg = Math.Min(minPg, pg);
                if (Math.Abs(pg) > 1e-12)
                {
                    var old = alpha[i];
                    alpha[i] = Math.Max(old - g / q[i], 0);
                    var d = (alpha[i] - old) * y;
                    for (var t = 0; t < row.Indices.Length; t++)
                    {
                        var j = row.Indices[t];
                        w[j] += d * Value(row, t) * (scale?[j] ?? 1f);
                    }
                    b += d;
                }
            }
            if (maxPg - minPg < tolerance)
            {
                break;
            }
        }
        return (w, b);
    }
}
