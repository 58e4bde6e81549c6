using System.Globalization;
using System.Text;

namespace Hotline.Routing.Classification;

/// <summary>A label with its calibrated probability.</summary>
public sealed record LabelScore(string Label, double Probability);

/// <summary>
/// The model's answer for one text.
/// </summary>
/// <param name="Label">The most probable label.</param>
/// <param name="Confidence">The calibrated probability that <paramref name="Label"/> is right: among past tickets given this
/// confidence, about this share were. It weighs the top label's probability together with its margin over the runner-up
/// (see <see cref="DispatchCalibrator"/>), so it can differ from <c>Top[0].Probability</c>; dispatch compares it with the
/// threshold.</param>
/// <param name="Top">The most probable labels with their probabilities, best first.</param>
/// <param name="Reason">A sentence a dispatcher can read: the n-grams of the text that pushed hardest towards the label.</param>
/// <param name="Dispatch">Confidence reaches the model's threshold for automatic dispatch.</param>
/// <param name="Evidence">The n-grams behind <paramref name="Reason"/>, strongest first.</param>
/// <param name="Finding">What the text points to, without the dispatch verdict: the routing engine quotes this as the text
/// model's opinion and states one verdict for the whole ensemble (the model's own could contradict it).</param>
/// <param name="NoKnownWords">The text held no n-gram the model knows: the answer is the commonest label at its share of the
/// history, which says nothing about this text.</param>
public sealed record Prediction(
    string Label, double Confidence, IReadOnlyList<LabelScore> Top, string Reason, bool Dispatch, IReadOnlyList<string> Evidence,
    string Finding, bool NoKnownWords = false);

/// <summary>What the trainer measured on out-of-fold predictions over the training texts, kept with the model. (No timings:
/// the model's content, and so its version, depends only on the data and the options.)</summary>
public sealed record TrainingEstimate(int Examples, int Folds, double Accuracy, double MacroF1, DispatchFigures Dispatch);

/// <summary>
/// A trained statistical text classifier: an ensemble of linear models over character n-grams, calibrated on out-of-fold
/// predictions, with the confidence threshold for automatic dispatch chosen the same way. Immutable and thread-safe; prediction
/// is a pure function of the text. Train with <see cref="ClassifierTrainer"/>; keep with <see cref="Save(Stream)"/>.
/// </summary>
public sealed class TextClassifier
{
    private const int ReasonGrams = 3;

    internal TextClassifier(
        string[] labels, double[] priors, Ensemble ensemble, double[] stackWeights, double[] dispatchWeights, double threshold,
        double targetPrecision, TrainingEstimate estimate, string? version = null)
    {
        _labels = labels;
        Priors = priors;
        Ensemble = ensemble;
        StackWeights = stackWeights;
        DispatchWeights = dispatchWeights;
        Threshold = threshold;
        TargetPrecision = targetPrecision;
        Estimate = estimate;
        Version = version ?? ModelFile.Fingerprint(this);
    }

    /// <summary>The labels it can answer, in ordinal order.</summary>
    public IReadOnlyList<string> Labels => _labels;

    private readonly string[] _labels;

    /// <summary>Share of each label in the training texts: the answer when a text has nothing the model knows.</summary>
    internal double[] Priors { get; }

    internal Ensemble Ensemble { get; }

    internal double[] StackWeights { get; }

    /// <summary>The weights of <see cref="DispatchCalibrator"/>: label probabilities to the confidence that the top one is right.</summary>
    internal double[] DispatchWeights { get; }

    /// <summary>Dispatch automatically at or above this confidence (infinite when no threshold kept the target precision).</summary>
    public double Threshold { get; }

    public double TargetPrecision { get; }

    public TrainingEstimate Estimate { get; }

    /// <summary>A content hash of the model (12 hex digits): two models with the same version decide identically, so a decision
    /// recorded with its version can always be explained by the model that made it.</summary>
    public string Version { get; }

    /// <summary>
    /// Classifies one text. Never throws on content: empty or blank text, emoji only, or text with no n-gram the model knows
    /// gets the most common label at its prior probability (well below any dispatch threshold) and a reason saying so. Very long
    /// texts are read up to <see cref="FeatureSettings.MaxCharacters"/>.
    /// </summary>
    public Prediction Predict(string? text, int top = 3)
    {
        var prepared = Ensemble.Prepare(text);
        if (prepared.IsEmpty)
        {
            var prior = Ranked(Priors, top);
            return new Prediction(prior[0].Label, prior[0].Probability, prior,
                "文本中没有模型认识的字词，无法判断，请人工分派。", false, [], "文本中没有模型认识的字词，无法判断。", NoKnownWords: true);
        }
        var scores = Ensemble.Score(prepared, out var missOdds);
        var probabilities = Stacker.Probabilities(scores, StackWeights);
        var ranked = Ranked(probabilities, top);
        var best = Array.IndexOf(_labels, ranked[0].Label);
        var evidence = Evidence(prepared, best);
        var confidence = DispatchCalibrator.Confidence(DispatchWeights, probabilities, missOdds);
        var dispatch = confidence >= Threshold;
        return new Prediction(ranked[0].Label, confidence, ranked,
            Explain(ranked, confidence, evidence, dispatch), dispatch, evidence, Finding(ranked, confidence, evidence));
    }

    private List<LabelScore> Ranked(double[] probabilities, int top) => probabilities
        .Select((p, k) => new LabelScore(Labels[k], p))
        .OrderByDescending(s => s.Probability).ThenBy(s => s.Label, StringComparer.Ordinal)
        .Take(Math.Max(1, top))
        .ToList();

    /// <summary>
    /// The n-grams that pushed hardest towards <paramref name="label"/>: each feature's contribution to the combined logit of the
    /// label, minus its mean over all labels (what is common to every label does not move a softmax). Overlapping n-grams
    /// (物业 inside 物业公司) are shown once, the longer one.
    /// </summary>
    private List<string> Evidence(PreparedText prepared, int label)
    {
        var classes = Labels.Count;
        var contribution = new Dictionary<int, double>();
        var channel = 0;
        foreach (var member in Ensemble.Members)
        {
            var weight = StackWeights[channel];
            channel += member.Channels;
            if (member.Linear is not { } linear)
            {
                continue;
            }
            var view = prepared.View(member.Kind);
            for (var i = 0; i < view.Indices.Length; i++)
            {
                var offset = view.Indices[i] * classes;
                var mean = 0.0;
                for (var k = 0; k < classes; k++)
                {
                    mean += linear.Weights[offset + k];
                }
                mean /= classes;
                var value = weight * view.Values[i] * (linear.Weights[offset + label] - mean);
                contribution[view.Indices[i]] = contribution.GetValueOrDefault(view.Indices[i]) + value;
            }
        }
        // Where each feature first occurs in the text. Overlapping evidence is shown as one span of the ticket's words: 电梯坏
        // and 梯坏了 read as 电梯坏了, 物业 inside 物业公司 as 物业公司.
        var at = new Dictionary<int, NGram>();
        foreach (var gram in prepared.Extracted.NGrams)
        {
            if (gram.Family != NGramFamily.Title && Ensemble.Space.TryGetId(gram.Hash, out var id))
            {
                at.TryAdd(id, gram);
            }
        }
        // The strongest few only (twice as many as are quoted, since overlapping ones merge): merging every weakly positive
        // n-gram would grow the spans into the whole text. Merged in text order, each span keeps its strongest n-gram's rank.
        var strongest = contribution.Where(c => c.Value > 0 && at.TryGetValue(c.Key, out var g) && g.Length >= 2)
            .OrderByDescending(c => c.Value).ThenBy(c => c.Key).Take(2 * ReasonGrams)
            .Select((c, rank) => (at[c.Key].Start, End: at[c.Key].Start + at[c.Key].Length, Rank: rank));
        var spans = new List<(int Start, int End, int Rank)>();
        foreach (var gram in strongest.OrderBy(g => g.Start))
        {
            if (spans.Count > 0 && gram.Start < spans[^1].End)
            {
                spans[^1] = (spans[^1].Start, Math.Max(spans[^1].End, gram.End), Math.Min(spans[^1].Rank, gram.Rank));
            }
            else
            {
                spans.Add(gram);
            }
        }
        return [.. spans.OrderBy(s => s.Rank).Take(ReasonGrams).Select(s => prepared.Extracted.Show(s.Start, s.End - s.Start))
            .Distinct(StringComparer.Ordinal)];
    }

    private static string Explain(List<LabelScore> ranked, double confidence, List<string> evidence, bool dispatch)
    {
        var text = new StringBuilder(Points(ranked, confidence, evidence));
        if (!dispatch)
        {
            text.Append(ranked.Count > 1
                ? string.Create(CultureInfo.InvariantCulture, $"；把握不足，次选「{ranked[1].Label}」（{ranked[1].Probability:0.00}），请人工确认。")
                : "；把握不足，请人工确认。");
        }
        else
        {
            text.Append("，可自动派单。");
        }
        return text.ToString();
    }

    private static string Finding(List<LabelScore> ranked, double confidence, List<string> evidence) =>
        Points(ranked, confidence, evidence) + (ranked.Count > 1
            ? string.Create(CultureInfo.InvariantCulture, $"，次选「{ranked[1].Label}」（{ranked[1].Probability:0.00}）。")
            : "。");

    private static string Points(List<LabelScore> ranked, double confidence, List<string> evidence) =>
        (evidence.Count > 0
            ? $"文本中的{string.Concat(evidence.Select(e => $"「{e}」"))}指向「{ranked[0].Label}」"
            : $"综合判断为「{ranked[0].Label}」")
        + string.Create(CultureInfo.InvariantCulture, $"（置信度 {confidence:0.00}）");

    /// <summary>Writes the model in its versioned binary format (see <see cref="ModelFile"/>).</summary>
    public void Save(Stream stream) => ModelFile.Write(this, stream);

    /// <summary>Reads a model written by <see cref="Save(Stream)"/>. A truncated, corrupt or foreign file raises
    /// <see cref="ModelFormatException"/> with a message saying which; it never yields a half-read model.</summary>
    public static TextClassifier Load(Stream stream) => ModelFile.Read(stream);

    public void Save(string path)
    {
        using var stream = File.Create(path);
        Save(stream);
    }

    public static TextClassifier Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Load(stream);
    }
}
