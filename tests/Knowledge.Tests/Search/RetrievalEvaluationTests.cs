using Hotline.Knowledge.Search;

namespace Hotline.Knowledge.Tests.Search;

public sealed class RetrievalEvaluationTests
{
    [Fact]
    public void Metrics_CountRecallAtCutoffs_AndReciprocalRankWithinTen()
    {
        var metrics = new MetricsAccumulator();
        metrics.Add([1], 1);
        metrics.Add([3], 1);
        metrics.Add([7], 1);
        metrics.Add([], 1);

        var result = metrics.Result();

        Assert.Equal(4, result.Queries);
        Assert.Equal(0.25, result.RecallAt1);
        Assert.Equal(0.5, result.RecallAt5);
        Assert.Equal(0.75, result.RecallAt10);
        Assert.Equal((1 + 1 / 3.0 + 1 / 7.0) / 4, result.MrrAt10, 12);
    }

    [Fact]
    public void RanksOf_FindsEveryRelevantHit()
    {
        Assert.Equal([2, 4], RetrievalEvaluation.RanksOf(["a", "b", "c", "d"], ["d", "b", "x"]));
    }

    [Fact]
    public void Halves_SplitIdsAboutEvenly_AndNeverOverlap()
    {
        var ids = Enumerable.Range(1, 2000).Select(i => $"q{i}").ToList();

        var tuning = ids.Where(id => RetrievalEvaluation.InHalf(id, QueryHalf.Tuning)).ToList();
        var heldOut = ids.Where(id => RetrievalEvaluation.InHalf(id, QueryHalf.HeldOut)).ToList();

        Assert.Equal(ids.Count, tuning.Count + heldOut.Count);
        Assert.Empty(tuning.Intersect(heldOut));
        Assert.InRange(tuning.Count, 900, 1100);
    }

    [Fact]
    public void Latency_PercentilesAreNearestRank()
    {
        var latency = LatencySummary.Of([.. Enumerable.Range(1, 100).Select(i => (double)i)]);

        Assert.Equal((50, 95, 99, 100), (latency.P50, latency.P95, latency.P99, latency.Max));
    }

    [Fact]
    public void Tuning_FindsWeightsThatPutTheRelevantCandidateFirst()
    {
        // BM25F (first feature) prefers the wrong candidate; the cosine (second) knows better.
        var queries = Enumerable.Range(0, 20).Select(_ => new LabelledCandidates(
            [[1.0, 0.1, 0, 0, 0, 0, 0], [0.9, 0.8, 0, 0, 0, 0, 0]], [false, true], 1)).ToList();

        var weights = RerankTuning.Fit(queries);

        Assert.Equal(1, weights[0]);
        Assert.Equal(1.0, RerankTuning.Measure(queries, weights).RecallAt1);
    }

    [Fact]
    public async Task ReadQueries_MalformedLine_NamesTheLine()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(path, ["{\"id\":\"q1\",\"text\":\"路灯\"}", "{\"id\":\"q2\"}"], TestContext.Current.CancellationToken);

            var error = Assert.Throws<FormatException>(() => RetrievalEvaluation.ReadQueries(path).ToList());

            Assert.Contains("line 2", error.Message);
            Assert.Contains("\"text\"", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
