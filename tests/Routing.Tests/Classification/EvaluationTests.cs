using System.Text.Json;
using Hotline.Knowledge;
using Hotline.Routing.Classification;

namespace Hotline.Routing.Tests.Classification;

/// <summary>The evaluation behind <c>hotline routing evaluate</c>: reading files, writing predictions, the figures.</summary>
public sealed class EvaluationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hotline-eval-").FullName;

    private string Write(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static string Line(object value) => JsonSerializer.Serialize(value);

    [Fact]
    public void Evaluate_WritesOneLinePerTicket_AndMeasuresLabelledOnes()
    {
        var train = Write("train.jsonl", Synthetic.Examples().Select(e => Line(new { text = e.Text, label = e.Label }))
            .Append(Line(new { text = "没有标签的工单", label = "" }))
            .Append(Line(new { text = "标签缺失" }))
            .Append(""));
        var test = Write("test.jsonl", [
            Line(new { id = "a1", text = "小区物业电梯维修", label = "住建" }),
            Line(new { id = 2, text = "公交出租车拒载", label = "交通" }),
            Line(new { id = "a3", text = "", label = "城管" }),
        ]);
        var output = Path.Combine(_directory, "pred.jsonl");

        var report = Evaluation.Evaluate(train, test, output);

        Assert.Equal(120, report.Training.Examples.Count);
        Assert.Equal(2, report.Training.SkippedBlankLabel);
        var lines = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Equal("a1", lines[0].GetProperty("id").GetString());
        Assert.Equal(2, lines[1].GetProperty("id").GetInt32());
        Assert.Equal("住建", lines[0].GetProperty("label").GetString());
        Assert.InRange(lines[2].GetProperty("confidence").GetDouble(), 0, 1);
        Assert.Equal(1, report.UnknownLabels);
        Assert.Equal(3, report.Figures!.Count);
        Assert.Equal(2.0 / 3, report.Figures.Accuracy, 6);
    }

    [Fact]
    public void MalformedLine_IsAnErrorNamingTheLine()
    {
        var train = Write("bad.jsonl", [Line(new { text = "物业", label = "住建" }), "{not json"]);
        var error = Assert.Throws<DataFileException>(() => Evaluation.ReadTraining(train));
        Assert.Contains("第 2 行", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFile_IsAClearError()
    {
        Assert.Throws<DataFileException>(() => Evaluation.ReadTraining(Path.Combine(_directory, "absent.jsonl")));
    }

    [Fact]
    public void ChooseThreshold_TakesTheLargestShareThatKeepsThePrecision()
    {
        // Sorted by confidence: 9 right, then a wrong one, then right ones.
        double[] confidence = [0.99, 0.98, 0.97, 0.96, 0.95, 0.94, 0.93, 0.92, 0.91, 0.90, 0.5, 0.4];
        bool[] correct = [true, true, true, true, true, true, true, true, true, false, true, false];
        var chosen = Metrics.ChooseThreshold(confidence, correct, 0.9);
        Assert.Equal(0.5, chosen.Threshold);
        Assert.Equal(11, chosen.Dispatched);
        var strict = Metrics.ChooseThreshold(confidence, correct, 0.98);
        Assert.Equal(0.91, strict.Threshold);
        var none = Metrics.ChooseThreshold([0.9], [false], 0.98);
        Assert.True(double.IsPositiveInfinity(none.Threshold));
        Assert.Equal(0, none.Coverage);
    }

    [Fact]
    public void MacroF1_AveragesLabelsEqually()
    {
        var figures = Metrics.Classification(["a", "a", "a", "b"], ["a", "a", "a", "a"]);
        Assert.Equal(0.75, figures.Accuracy);
        Assert.Equal((2 * 3.0 / 7 + 0) / 2, figures.MacroF1, 9);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
