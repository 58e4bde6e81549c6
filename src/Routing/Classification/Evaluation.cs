using System.Diagnostics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Hotline.Knowledge;

namespace Hotline.Routing.Classification;

/// <summary>A JSONL file that cannot be read as the command expects (malformed line, missing file); says where.</summary>
/// <summary>Training texts read from a file, with what was left out and why.</summary>
/// <param name="Examples">Usable texts with their labels.</param>
/// <param name="SkippedBlankLabel">Lines whose label is missing or blank: they cannot teach anything and are skipped, not
/// guessed, and counted so an operator sees them.</param>
/// <param name="SkippedNoText">Lines without a text field.</param>
public sealed record TrainingFile(IReadOnlyList<LabelledText> Examples, int SkippedBlankLabel, int SkippedNoText);

/// <summary>A ticket to classify: its id as written in the file (raw JSON, so numbers stay numbers), its text, and its label
/// when the file has one.</summary>
public sealed record TestItem(string RawId, string Text, string? Label);

/// <summary>What <c>hotline routing evaluate</c> reports.</summary>
/// <param name="Training">The training file as read.</param>
/// <param name="Model">The model trained on it (threshold, out-of-fold estimate, version).</param>
/// <param name="Tested">Number of test tickets classified.</param>
/// <param name="Figures">Accuracy and macro-F1 on the labelled test tickets; null when the test file has no labels.</param>
/// <param name="Dispatch">Share dispatched at the threshold chosen on the training file, and its precision on the test file.</param>
/// <param name="BestDispatch">For comparison only: the largest share one threshold could dispatch at the target precision if it
/// were chosen on the test labels themselves.</param>
/// <param name="UnknownLabels">Test tickets whose label the training file never used (always counted as errors).</param>
/// <param name="TrainingSeconds">Wall-clock training time, threshold cross-validation included.</param>
/// <param name="PredictionMilliseconds">Mean classification time per test ticket.</param>
public sealed record EvaluationReport(
    TrainingFile Training, TextClassifier Model, int Tested, ClassificationFigures? Figures, DispatchFigures? Dispatch,
    DispatchFigures? BestDispatch, int UnknownLabels, double TrainingSeconds, double PredictionMilliseconds);

/// <summary>What <c>hotline routing bench</c> reports.</summary>
/// <param name="Examples">Training texts.</param>
/// <param name="TrainingSeconds">Time to train on all of them, threshold cross-validation included.</param>
/// <param name="Classified">Texts classified one by one for the latency figures.</param>
/// <param name="P50Milliseconds">Median latency of one classification.</param>
/// <param name="P95Milliseconds">95th percentile latency.</param>
/// <param name="PeakWorkingSetBytes">The process's peak working set so far.</param>
public sealed record BenchmarkReport(
    int Examples, double TrainingSeconds, int Classified, double P50Milliseconds, double P95Milliseconds, long PeakWorkingSetBytes);

/// <summary>
/// The evaluation behind <c>hotline routing evaluate</c> and <c>bench</c>, here rather than in the command line so tests run the
/// same code. Reading is strict about structure (a malformed line is an error naming the line) and lenient about content (a
/// blank label is skipped and counted; any text, even empty, is classified).
/// </summary>
public static class Evaluation
{
    // Labels are written as UTF-8 Chinese, not \uXXXX escapes, so a person can read the output file.
    private static readonly JsonSerializerOptions OutputJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TrainingFile ReadTraining(string path)
    {
        var examples = new List<LabelledText>();
        int blankLabel = 0, noText = 0;
        foreach (var (line, root) in Lines(path))
        {
            var text = StringField(root, "text", path, line);
            var label = StringField(root, "label", path, line);
            if (text is null)
            {
                noText++;
            }
            else if (string.IsNullOrWhiteSpace(label))
            {
                blankLabel++;
            }
            else
            {
                examples.Add(new LabelledText(text, label.Trim()));
            }
        }
        return new TrainingFile(examples, blankLabel, noText);
    }

    public static IReadOnlyList<TestItem> ReadTest(string path)
    {
        var items = new List<TestItem>();
        foreach (var (line, root) in Lines(path))
        {
            var id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind is JsonValueKind.String or JsonValueKind.Number
                ? idElement.GetRawText()
                : line.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var label = StringField(root, "label", path, line);
            items.Add(new TestItem(id, StringField(root, "text", path, line) ?? "", string.IsNullOrWhiteSpace(label) ? null : label.Trim()));
        }
        return items;
    }

    /// <summary>Trains on <paramref name="trainPath"/>, classifies <paramref name="testPath"/>, writes one
    /// <c>{"id","label","confidence"}</c> line per test ticket to <paramref name="outputPath"/>, and measures when the test
    /// file has labels.</summary>
    public static EvaluationReport Evaluate(string trainPath, string testPath, string outputPath, ClassifierOptions? options = null)
    {
        var training = ReadTraining(trainPath);
        var test = ReadTest(testPath);
        var clock = Stopwatch.StartNew();
        var model = ClassifierTrainer.Train(training.Examples, options);
        var trainingSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var predictions = test.Select(item => model.Predict(item.Text)).ToList();
        var perTicket = test.Count == 0 ? 0 : clock.Elapsed.TotalMilliseconds / test.Count;
        using (var output = new StreamWriter(outputPath, append: false, new UTF8Encoding(false)))
        {
            for (var i = 0; i < test.Count; i++)
            {
                output.Write("{\"id\":");
                output.Write(test[i].RawId);
                output.Write(",\"label\":");
                output.Write(JsonSerializer.Serialize(predictions[i].Label, OutputJson));
                output.Write(",\"confidence\":");
                output.Write(Math.Round(predictions[i].Confidence, 6).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                output.Write("}\n");
            }
        }
        var labelled = Enumerable.Range(0, test.Count).Where(i => test[i].Label is not null).ToList();
        if (labelled.Count == 0)
        {
            return new EvaluationReport(training, model, test.Count, null, null, null, 0, trainingSeconds, perTicket);
        }
        var truth = labelled.Select(i => test[i].Label!).ToList();
        var predicted = labelled.Select(i => predictions[i].Label).ToList();
        var confidence = labelled.Select(i => predictions[i].Confidence).ToList();
        var correct = labelled.Select(i => predictions[i].Label == test[i].Label).ToList();
        var known = model.Labels.ToHashSet(StringComparer.Ordinal);
        return new EvaluationReport(training, model, test.Count,
            Metrics.Classification(truth, predicted),
            Metrics.AtThreshold(confidence, correct, model.Threshold),
            Metrics.ChooseThreshold(confidence, correct, model.TargetPrecision),
            truth.Count(t => !known.Contains(t)), trainingSeconds, perTicket);
    }

    /// <summary>Trains on the whole file, then classifies up to <paramref name="samples"/> of its texts one at a time (spread
    /// evenly over the file) and reports latency percentiles and the peak working set.</summary>
    public static BenchmarkReport Benchmark(string trainPath, int samples = 2000, ClassifierOptions? options = null)
    {
        var training = ReadTraining(trainPath);
        var clock = Stopwatch.StartNew();
        var model = ClassifierTrainer.Train(training.Examples, options);
        var trainingSeconds = clock.Elapsed.TotalSeconds;
        var count = Math.Min(samples, training.Examples.Count);
        var step = (double)training.Examples.Count / Math.Max(1, count);
        // Warm-up: the first calls pay for JIT compilation, which a running server has paid long before.
        for (var i = 0; i < Math.Min(20, count); i++)
        {
            model.Predict(training.Examples[i].Text);
        }
        var latencies = new double[count];
        for (var i = 0; i < count; i++)
        {
            var text = training.Examples[(int)(i * step)].Text;
            var start = Stopwatch.GetTimestamp();
            model.Predict(text);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(latencies);
        using var process = Process.GetCurrentProcess();
        return new BenchmarkReport(training.Examples.Count, trainingSeconds, count,
            Percentile(latencies, 0.50), Percentile(latencies, 0.95), process.PeakWorkingSet64);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static IEnumerable<(int Line, JsonElement Root)> Lines(string path) => JsonLines.Read(path);

    private static string? StringField(JsonElement root, string name, string path, int line)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new DataFileException($"{path} 第 {line} 行的 \"{name}\" 应为字符串。");
        }
        return value.GetString();
    }
}
