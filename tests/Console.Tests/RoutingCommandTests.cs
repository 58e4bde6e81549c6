using System.Text.Json;
using Hotline.Console.Tests.Infrastructure;

namespace Hotline.Console.Tests;

/// <summary><c>hotline routing evaluate</c>, run as a separate process the way an operator runs it, on a small made-up file.</summary>
public sealed class RoutingCommandTests : IDisposable
{
    private readonly TempDirectory _directory = new("hotline-routing-cli-");

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => HotlineCli.RunAsync(args);

    private static readonly Dictionary<string, string[]> Words = new()
    {
        ["住建"] = ["小区", "物业", "电梯", "维修", "房屋", "漏水"],
        ["交通"] = ["公交", "线路", "出租车", "拒载", "站台", "红绿灯"],
        ["教育"] = ["学校", "老师", "补课", "收费", "学生", "招生"],
    };

    /// <summary>Forty texts per label, each four of its label's words in a fixed pseudo-random order.</summary>
    private string TrainingFile()
    {
        var random = new Random(3);
        var lines = new List<string>();
        foreach (var (label, words) in Words)
        {
            for (var i = 0; i < 40; i++)
            {
                var text = string.Concat(Enumerable.Range(0, 4).Select(_ => words[random.Next(words.Length)]));
                lines.Add(JsonSerializer.Serialize(new { text, label }));
            }
        }
        var path = _directory.File("train.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public async Task CrossValidation_RepeatedOverFoldAssignments_PrintsEachAndTheMean()
    {
        var (code, printed, error) = await RunAsync("routing", "evaluate", "--train", TrainingFile(), "--cv", "3", "--repeat", "2");

        Assert.True(code == 0, error);
        Assert.Contains("fold assignment 1 of 2", printed);
        Assert.Contains("fold assignment 2 of 2", printed);
        Assert.Contains("mean of 2 fold assignments: accuracy 1.0000", printed);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("21")]
    public async Task Repeat_OutOfRange_IsAClearError(string repeat)
    {
        var (code, _, error) = await RunAsync("routing", "evaluate", "--train", TrainingFile(), "--cv", "3", "--repeat", repeat);

        Assert.Equal(1, code);
        Assert.Contains("--repeat 应为 1 到 20", error);
    }

    [Fact]
    public async Task Evaluate_WritesOneLabelAndConfidencePerTestLine()
    {
        var test = _directory.File("test.jsonl");
        File.WriteAllLines(test, ["""{"id":7,"text":"小区电梯坏了","label":"住建"}""", """{"id":"b","text":"公交站台"}"""]);
        var output = _directory.File("predictions.jsonl");

        var (code, printed, error) = await RunAsync("routing", "evaluate", "--train", TrainingFile(), "--test", test, "--output", output);

        Assert.True(code == 0, error);
        Assert.Contains("test: 1 labelled tickets", printed);
        var lines = File.ReadAllLines(output).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(7, lines[0].GetProperty("id").GetInt32());
        Assert.Equal("住建", lines[0].GetProperty("label").GetString());
        Assert.Equal("b", lines[1].GetProperty("id").GetString());
        Assert.Equal("交通", lines[1].GetProperty("label").GetString());
        Assert.InRange(lines[1].GetProperty("confidence").GetDouble(), 0, 1);
    }

    public void Dispose() => _directory.Dispose();
}
