using System.Text.Json;
using Hotline.Console.Tests.Infrastructure;

namespace Hotline.Console.Tests;

/// <summary><c>hotline knowledge evaluate</c>, run as a separate process the way an operator runs it, on small files.</summary>
public sealed class KnowledgeCommandTests : IDisposable
{
    private readonly TempDirectory _directory = new("hotline-knowledge-cli-");

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => HotlineCli.RunAsync(args);

    private string Write(string name, params string[] lines)
    {
        var path = _directory.File(name);
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public async Task Evaluate_WritesHits_AndPrintsRecallAndMrr()
    {
        var docs = Write("docs.jsonl",
            """{"id":"d1","title":"","body":"关于您反映“A3区路灯不亮”的问题，我局已安排维修。"}""",
            """{"id":"d2","title":"","body":"小区停水系管网抢修，已于当日恢复供水。"}""",
            """{"id":"d3","title":"养老保险","body":"养老保险关系可跨省转移接续。"}""");
        var queries = Write("queries.jsonl",
            """{"id":"q1","text":"A3区路灯不亮\n晚上路灯一直不亮","relevant":["d1"]}""",
            """{"id":"q2","text":"我们小区又停水了","relevant":["d2"]}""",
            """{"id":"q3","text":"😀😀"}""");
        var output = _directory.File("hits.jsonl");

        var (code, printed, error) = await RunAsync("knowledge", "evaluate", "--docs", docs, "--queries", queries, "--output", output, "--top", "2");

        Assert.True(code == 0, error);
        Assert.Contains("recall@1 1.000", printed);
        Assert.Contains("MRR@10 1.000  (2 queries)", printed);
        Assert.Contains("latency p50", printed);
        var lines = File.ReadAllLines(output).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(["q1", "q2", "q3"], lines.Select(l => l.GetProperty("id").GetString()));
        Assert.Equal("d1", lines[0].GetProperty("hits")[0].GetString());
        Assert.InRange(lines[0].GetProperty("hits").GetArrayLength(), 1, 2);
        Assert.Equal(0, lines[2].GetProperty("hits").GetArrayLength());
    }

    [Fact]
    public async Task Evaluate_MalformedQueries_IsAClearError()
    {
        var docs = Write("docs.jsonl", """{"id":"d1","title":"","body":"路灯"}""");
        var queries = Write("queries.jsonl", "not json");

        var (code, _, error) = await RunAsync("knowledge", "evaluate", "--docs", docs, "--queries", queries,
            "--output", _directory.File("hits.jsonl"));

        Assert.Equal(1, code);
        Assert.Contains("第 1 行", error);
    }

    public void Dispose() => _directory.Dispose();
}
