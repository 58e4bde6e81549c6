namespace Hotline.Routing.Classification;

/// <summary>What share of tickets a threshold sends automatically, and how many of those go to the right department.</summary>
/// <param name="Threshold">Dispatch when confidence ≥ this; <see cref="double.PositiveInfinity"/> when no threshold reaches the
/// target precision.</param>
/// <param name="Coverage">Share of all tickets dispatched automatically.</param>
/// <param name="Precision">Share of the dispatched tickets whose label is right.</param>
/// <param name="Dispatched">Number of tickets dispatched automatically.</param>
public sealed record DispatchFigures(double Threshold, double Coverage, double Precision, int Dispatched);

/// <summary>Accuracy and macro-F1 (the mean of per-class F1, so a small department counts as much as a large one).</summary>
public sealed record ClassificationFigures(int Count, double Accuracy, double MacroF1, IReadOnlyDictionary<string, double> F1ByLabel);

/// <summary>The standard figures, computed once here so the trainer, the CLI and the tests agree on them.</summary>
public static class Metrics
{
    public static ClassificationFigures Classification(IReadOnlyList<string> truth, IReadOnlyList<string> predicted)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        if (truth.Count != predicted.Count)
        {
            throw new ArgumentException("truth and predictions differ in length.", nameof(predicted));
        }
        var labels = truth.Concat(predicted).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var f1 = new Dictionary<string, double>(StringComparer.Ordinal);
        var correct = 0;
        for (var i = 0; i < truth.Count; i++)
        {
            correct += truth[i] == predicted[i] ? 1 : 0;
        }
        foreach (var label in labels)
        {
            int tp = 0, fp = 0, fn = 0;
            for (var i = 0; i < truth.Count; i++)
            {
                var isTrue = truth[i] == label;
                var isPredicted = predicted[i] == label;
                tp += isTrue && isPredicted ? 1 : 0;
                fp += !isTrue && isPredicted ? 1 : 0;
                fn += isTrue && !isPredicted ? 1 : 0;
            }
            f1[label] = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
        }
        return new ClassificationFigures(
            truth.Count,
            truth.Count == 0 ? 0 : (double)correct / truth.Count,
            labels.Count == 0 ? 0 : f1.Values.Average(),
            f1);
    }

    /// <summary>
    /// The lowest confidence threshold at which the predictions at or above it are at least <paramref name="targetPrecision"/>
    /// correct, i.e. the largest automatically dispatched share that keeps the precision. Thresholds fall only between distinct
    /// confidences, so ties are dispatched together.
    /// </summary>
    public static DispatchFigures ChooseThreshold(IReadOnlyList<double> confidence, IReadOnlyList<bool> correct, double targetPrecision)
    {
        ArgumentNullException.ThrowIfNull(confidence);
        ArgumentNullException.ThrowIfNull(correct);
        var order = Enumerable.Range(0, confidence.Count).OrderByDescending(i => confidence[i]).ThenBy(i => i).ToArray();
        var best = new DispatchFigures(double.PositiveInfinity, 0, 0, 0);
        var right = 0;
        for (var k = 0; k < order.Length; k++)
        {
            right += correct[order[k]] ? 1 : 0;
            var boundary = k + 1 == order.Length || confidence[order[k + 1]] < confidence[order[k]];
            var precision = (double)right / (k + 1);
            if (boundary && precision >= targetPrecision)
            {
                best = new DispatchFigures(confidence[order[k]], (k + 1.0) / order.Length, precision, k + 1);
            }
        }
        return best;
    }

    /// <summary>The share dispatched at a fixed threshold and the precision of that share.</summary>
    public static DispatchFigures AtThreshold(IReadOnlyList<double> confidence, IReadOnlyList<bool> correct, double threshold)
    {
        ArgumentNullException.ThrowIfNull(confidence);
        ArgumentNullException.ThrowIfNull(correct);
        int dispatched = 0, right = 0;
        for (var i = 0; i < confidence.Count; i++)
        {
            if (confidence[i] >= threshold)
            {
                dispatched++;
                right += correct[i] ? 1 : 0;
            }
        }
        return new DispatchFigures(threshold,
            confidence.Count == 0 ? 0 : (double)dispatched / confidence.Count,
            dispatched == 0 ? 1 : (double)right / dispatched,
            dispatched);
    }
}
