using Hotline.Knowledge.Search;

namespace Hotline.Knowledge.Tests.Search;

/// <summary>
/// Retrieval on real data: the TipDM 2020 official replies (<c>kb-replies.jsonl</c>) searched with the citizens' messages
/// (<c>kb-queries-dev.jsonl</c>), read from <c>../shared/datasets/tipdm2020/</c> beside the repository and never copied into it.
/// The ranking was tuned on the tuning half of the queries only; this measures the held-out half.
/// </summary>
public sealed class TipdmRetrievalTests
{
    [Fact]
    public async Task HeldOutHalf_MeetsTheIssueTargets()
    {
        var (documentsPath, queriesPath) = TipdmData.RetrievalFilesOrSkip();
        var path = Path.Combine(Path.GetTempPath(), $"hotline-tipdm-{Guid.NewGuid():N}.db");
        try
        {
            using var index = new SqliteSearchIndex(path);
            var ct = TestContext.Current.CancellationToken;
            await index.IndexAsync(RetrievalEvaluation.ReadDocuments(documentsPath), ct);
            await index.OptimizeAsync(ct);
            var queries = RetrievalEvaluation.ReadQueries(queriesPath).Where(q => RetrievalEvaluation.InHalf(q.Id, QueryHalf.HeldOut)).ToList();

            var ranks = new List<int>[queries.Count];
            await Parallel.ForAsync(0, queries.Count, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct },
                async (i, token) =>
                {
                    var hits = await index.SearchAsync(new SearchRequest(queries[i].Text) { Highlight = false }, token);
                    ranks[i] = RetrievalEvaluation.RanksOf([.. hits.Select(h => h.Id)], queries[i].Relevant);
                });
            var metrics = new MetricsAccumulator();
            for (var i = 0; i < queries.Count; i++)
            {
                metrics.Add(ranks[i], queries[i].Relevant.Count);
            }
            var result = metrics.Result();
            TestContext.Current.TestOutputHelper?.WriteLine($"TipDM held-out half: {result}");

            // Measured 0.815 and 0.738 with the shipped weights; the floors are issue 4's targets.
            Assert.Equal(1115, result.Queries);
            Assert.True(result.RecallAt5 >= 0.80, $"recall@5 {result.RecallAt5:0.000} < 0.80");
            Assert.True(result.MrrAt10 >= 0.72, $"MRR@10 {result.MrrAt10:0.000} < 0.72");
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(path + suffix);
            }
        }
    }
}

/// <summary>Finds the shared TipDM files beside the repository (walking up from the test binaries to the folder with Hotline.sln).</summary>
internal static class TipdmData
{
    public static (string Documents, string Queries) RetrievalFilesOrSkip()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Hotline.sln")))
        {
            directory = directory.Parent;
        }
        var data = directory is null ? "" : Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "datasets", "tipdm2020"));
        var documents = Path.Combine(data, "kb-replies.jsonl");
        var queries = Path.Combine(data, "kb-queries-dev.jsonl");
        if (!File.Exists(documents) || !File.Exists(queries))
        {
            Assert.Skip($"The TipDM 2020 retrieval files are not in {data}; put the shared datasets beside the repository to measure search on real data.");
        }
        return (documents, queries);
    }
}
