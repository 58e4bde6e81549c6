using Hotline.Routing.Classification;

namespace Hotline.Routing.Tests.Classification;

/// <summary>The confidence that decides dispatch: what it learns from out-of-fold predictions, and what it does without errors.</summary>
public sealed class DispatchCalibratorTests
{
    [Fact]
    public void WithoutErrors_ConfidenceIsTheTopProbability()
    {
        var probabilities = new List<double[]> { new[] { 0.7, 0.2, 0.1 }, new[] { 0.1, 0.6, 0.3 } };
        var weights = DispatchCalibrator.Fit(probabilities, [0, 1]);

        Assert.Equal(DispatchCalibrator.Identity, weights);
        Assert.Equal(0.7, DispatchCalibrator.Confidence(weights, [0.7, 0.2, 0.1]), 9);
        Assert.Equal(0.6, DispatchCalibrator.Confidence(weights, [0.1, 0.6, 0.3]), 9);
    }

    [Fact]
    public void LearnsThatANarrowMarginIsRiskier_AtTheSameTopProbability()
    {
        // Same top probability 0.6 throughout: a close runner-up (0.38) is wrong half the time, three weak rivals never.
        var probabilities = new List<double[]>();
        var labels = new List<int>();
        for (var i = 0; i < 200; i++)
        {
            probabilities.Add([0.6, 0.38, 0.01, 0.01]);
            labels.Add(i % 2 == 0 ? 0 : 1);
            probabilities.Add([0.6, 0.14, 0.13, 0.13]);
            labels.Add(0);
        }

        var weights = DispatchCalibrator.Fit(probabilities, labels);
        var torn = DispatchCalibrator.Confidence(weights, [0.6, 0.38, 0.01, 0.01]);
        var clear = DispatchCalibrator.Confidence(weights, [0.6, 0.14, 0.13, 0.13]);

        Assert.True(clear > torn + 0.2, $"clear {clear:0.000}, torn {torn:0.000}");
        Assert.InRange(torn, 0.3, 0.7);
        Assert.InRange(clear, 0.8, 1.0);
    }

    [Fact]
    public void LearnsThatAMissProneNeighbourhoodIsRiskier_AtTheSameProbabilities()
    {
        // Identical probabilities throughout: texts whose neighbours were often missed (odds +2) are wrong half the time,
        // texts in an ordinary neighbourhood (0) never.
        var probabilities = new List<double[]>();
        var labels = new List<int>();
        var missOdds = new List<double?>();
        for (var i = 0; i < 200; i++)
        {
            probabilities.Add([0.8, 0.1, 0.1]);
            labels.Add(i % 2 == 0 ? 0 : 1);
            missOdds.Add(2.0);
            probabilities.Add([0.8, 0.1, 0.1]);
            labels.Add(0);
            missOdds.Add(0.0);
        }

        var weights = DispatchCalibrator.Fit(probabilities, labels, missOdds);
        var disputed = DispatchCalibrator.Confidence(weights, [0.8, 0.1, 0.1], 2.0);
        var ordinary = DispatchCalibrator.Confidence(weights, [0.8, 0.1, 0.1], 0.0);

        Assert.True(weights[3] < 0, $"weight of the miss odds {weights[3]:0.000}");
        Assert.InRange(disputed, 0.3, 0.7);
        Assert.InRange(ordinary, 0.9, 1.0);
        // Unknown (a model without miss flags) reads as an ordinary neighbourhood.
        Assert.Equal(ordinary, DispatchCalibrator.Confidence(weights, [0.8, 0.1, 0.1]), 12);
    }

    [Fact]
    public void Confidence_IsBetweenZeroAndOne_EvenForCertainOrTiedProbabilities()
    {
        double[] weights = [0.5, 2.0, 1.5, -1.0];
        Assert.InRange(DispatchCalibrator.Confidence(weights, [1.0, 0.0, 0.0]), 0, 1);
        Assert.InRange(DispatchCalibrator.Confidence(weights, [0.5, 0.5]), 0, 1);
        Assert.False(double.IsNaN(DispatchCalibrator.Confidence(weights, [0.0, 0.0])));
        Assert.InRange(DispatchCalibrator.Confidence(weights, [0.5, 0.5], 30.0), 0, 1);
    }
}
