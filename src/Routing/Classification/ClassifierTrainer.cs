using System.Diagnostics;

namespace Hotline.Routing.Classification;

/// <summary>A training or test text with its label (the department or category it was routed to).</summary>
public sealed record LabelledText(string Text, string Label);

/// <summary>Cross-validated figures of the whole training procedure, threshold choice included.</summary>
/// <param name="Folds">Number of folds.</param>
/// <param name="Figures">Accuracy and macro-F1 over all out-of-fold predictions.</param>
/// <param name="Dispatch">Auto-dispatch share and its precision, each fold using the threshold chosen on the other folds.</param>
/// <param name="BestDispatch">The largest share any single threshold could dispatch at the target precision on these
/// out-of-fold predictions: how well confidence ranks tickets, not achievable without peeking.</param>
/// <param name="Seconds">Wall-clock time of the whole cross-validation.</param>
/// <param name="Predictions">Each training text's out-of-fold label and confidence, in input order.</param>
public sealed record CrossValidationReport(
    int Folds, ClassificationFigures Figures, DispatchFigures Dispatch, DispatchFigures BestDispatch, double Seconds,
    IReadOnlyList<LabelScore> Predictions);

/// <summary>
/// Trains <see cref="TextClassifier"/>: a vocabulary of character n-grams, three linear members (multinomial logistic
/// regression and a linear SVM on sublinear TF-IDF, an NB-SVM on binary features), ensemble weights fitted as one softmax over
/// their out-of-fold scores (which also calibrates the confidence), and the dispatch threshold chosen on those same
/// out-of-fold predictions: the training texts only, never the texts being evaluated.
/// </summary>
public static class ClassifierTrainer
{
    public static TextClassifier Train(IReadOnlyList<LabelledText> examples, ClassifierOptions? options = null)
    {
        options ??= new ClassifierOptions();
        var data = Prepare(examples, options);
        ReleaseFit();
        var folds = FoldsOf(data.Labels, data.Corpus.Keys, options.CalibrationFolds, options.Seed);
        var oof = OutOfFoldScores(data, folds, options.CalibrationFolds, options);
        var weights = Stacker.Fit(oof, data.Labels, options.BalancedCalibration);
        var probabilities = oof.Select(s => Stacker.Probabilities(s, weights)).ToList();
        var all = Enumerable.Range(0, data.Labels.Length).ToArray();
        var (fitted, map) = Ensemble.Fit(data.Corpus, all, data.Labels, data.Names.Length, options);
        // Each training text's out-of-fold miss goes into the neighbour index; each text's own neighbourhood is then read
        // among its own fold, without itself or its identical copies (see NeighbourIndex.MissOdds for why).
        var ensemble = options.UseNeighbourMisses
            ? fitted.WithNeighbourMisses([.. all.Select(i => Best(probabilities[i]) != data.Labels[i])], folds)
            : fitted;
        var keys = data.Corpus.Keys;
        var missOdds = new double?[all.Length];
        Parallel.ForEach(all, new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism },
            i => missOdds[i] = ensemble.MissOdds(ensemble.Prepare(data.Corpus, i, map), folds[i], d => keys[d] == keys[i]));
        var calibration = DispatchCalibrator.Fit(probabilities, data.Labels, missOdds);
        var (figures, dispatch) = Summarise(data, probabilities, missOdds, calibration, options.TargetPrecision);
        var priors = new double[data.Names.Length];
        foreach (var label in data.Labels)
        {
            priors[label] += 1.0 / data.Labels.Length;
        }
        var estimate = new TrainingEstimate(data.Labels.Length, options.CalibrationFolds, figures.Accuracy, figures.MacroF1, dispatch);
        return new TextClassifier(data.Names, priors, ensemble, weights, calibration, dispatch.Threshold, options.TargetPrecision, estimate);
    }

    /// <summary>
    /// K-fold cross-validation of the whole training procedure as shipped: for each fold, <see cref="Train"/> on the other
    /// folds (its own internal folds, ensemble weights, dispatch calibrator, neighbours' miss flags and threshold included), then
    /// the model classifies the fold. No held-out label reaches anything that judges it. Costs K trainings, each of
    /// <see cref="ClassifierOptions.CalibrationFolds"/> + 1 fits.
    /// </summary>
    public static CrossValidationReport CrossValidate(IReadOnlyList<LabelledText> examples, int folds, ClassifierOptions? options = null)
    {
        options ??= new ClassifierOptions();
        var clock = Stopwatch.StartNew();
        // Each fold's training builds its own n-gram corpus; here only the labels and the normalised texts (to keep copies
        // in one fold) are needed.
        var (names, labels) = Labelled(examples, options);
        var keys = examples.Select(e => TextFeatures.Normalize(e.Text ?? "", options.Features)).ToArray();
        var fold = FoldsOf(labels, keys, folds, options.Seed);
        var predicted = new string[labels.Length];
        var confidence = new double[labels.Length];
        var shifted = new double[labels.Length];
        for (var k = 0; k < folds; k++)
        {
            var model = Train([.. Enumerable.Range(0, labels.Length).Where(i => fold[i] != k).Select(i => examples[i])], options);
            var held = Enumerable.Range(0, labels.Length).Where(i => fold[i] == k).ToArray();
            Parallel.ForEach(held, new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism }, i =>
            {
                var prediction = model.Predict(examples[i].Text);
                predicted[i] = prediction.Label;
                confidence[i] = prediction.Confidence;
                // Shift each fold's confidences by its own threshold so one cut at 0 applies each fold's own threshold.
                shifted[i] = prediction.Confidence - model.Threshold;
            });
        }
        var truth = labels.Select(l => names[l]).ToList();
        var correct = predicted.Select((p, i) => p == truth[i]).ToList();
        var dispatch = Metrics.AtThreshold(shifted, correct, 0) with { Threshold = double.NaN };
        return new CrossValidationReport(folds, Metrics.Classification(truth, predicted), dispatch,
            Metrics.ChooseThreshold(confidence, correct, options.TargetPrecision), clock.Elapsed.TotalSeconds,
            predicted.Select((label, i) => new LabelScore(label, confidence[i])).ToList());
    }

    private sealed record Data(string[] Names, int[] Labels, Corpus Corpus);

    private static Data Prepare(IReadOnlyList<LabelledText> examples, ClassifierOptions options)
    {
        var (names, labels) = Labelled(examples, options);
        var corpus = Corpus.Build(examples.Select(e => e.Text).ToList(), options.Features, options.MinDocumentFrequency,
            options.MaxDegreeOfParallelism);
        return new Data(names, labels, corpus);
    }

    /// <summary>The fewest texts a training takes: two per calibration fold, so that every fold has some to hold out. A caller
    /// with its own rules (the routing trainer) checks this first, to answer in the user's words instead of this class's
    /// exception.</summary>
    public static int FewestExamples(ClassifierOptions options) => 2 * options.CalibrationFolds;

    /// <summary>Checks the examples and options, and numbers the labels in ordinal order.</summary>
    private static (string[] Names, int[] Labels) Labelled(IReadOnlyList<LabelledText> examples, ClassifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(examples);
        options.Validate();
        if (examples.Any(e => e is null || string.IsNullOrWhiteSpace(e.Label)))
        {
            throw new ArgumentException("Every training text needs a label; blank labels are dropped when reading a file.", nameof(examples));
        }
        var names = examples.Select(e => e.Label.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (names.Length < 2)
        {
            throw new ArgumentException("Training needs texts of at least two labels.", nameof(examples));
        }
        if (examples.Count < FewestExamples(options))
        {
            throw new ArgumentException($"Training needs at least {FewestExamples(options)} texts.", nameof(examples));
        }
        var index = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        return (names, examples.Select(e => index[e.Label.Trim()]).ToArray());
    }

    /// <summary>
    /// Stratified, grouped fold numbers. Texts that normalise to the same string (a citizen posting the same message twice)
    /// always share a fold: otherwise the copy in the training part answers for the copy in the held-out part, and the figures
    /// (and the threshold chosen from them) are better than on new tickets. Groups of each label are shuffled with the seed and
    /// dealt round the folds, continuing where the previous label stopped.
    /// </summary>
    internal static int[] FoldsOf(int[] labels, string[] keys, int folds, int seed)
    {
        var random = new Random(seed);
        var result = new int[labels.Length];
        var groups = Enumerable.Range(0, labels.Length).GroupBy(i => keys[i], StringComparer.Ordinal).Select(g => g.ToArray()).ToList();
        var next = 0;
        foreach (var byLabel in groups.GroupBy(g => labels[g[0]]).OrderBy(g => g.Key))
        {
            var members = byLabel.ToArray();
            random.Shuffle(members);
            foreach (var group in members)
            {
                foreach (var i in group)
                {
                    result[i] = next;
                }
                next = (next + 1) % folds;
            }
        }
        return result;
    }

    /// <summary>Each text's member scores from the fit that did not see its fold. Folds run one after another (each fit uses
    /// the threads inside), so memory holds one fit at a time.</summary>
    private static double[][][] OutOfFoldScores(Data data, int[] fold, int folds, ClassifierOptions options)
    {
        var oof = new double[data.Labels.Length][][];
        for (var k = 0; k < folds; k++)
        {
            var train = Enumerable.Range(0, data.Labels.Length).Where(i => fold[i] != k).ToArray();
            var (ensemble, map) = Ensemble.Fit(data.Corpus, train, train.Select(i => data.Labels[i]).ToArray(), data.Names.Length, options);
            var held = Enumerable.Range(0, data.Labels.Length).Where(i => fold[i] == k).ToArray();
            Parallel.ForEach(held, new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism },
                i => oof[i] = ensemble.Score(ensemble.Prepare(data.Corpus, i, map)));
            ReleaseFit();
        }
        return oof;
    }

    /// <summary>
    /// A fold's fit leaves a few hundred megabytes of garbage on full messages (its vectors, the SVMs' dual variables, the
    /// neighbour postings). The host runs server GC, which lets that pile up across folds and doubles the peak working set;
    /// one blocking, compacting collection between fits keeps training 10,000 tickets under 500 MB, for a few milliseconds.
    /// </summary>
    private static void ReleaseFit() => GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);

    private static (ClassificationFigures, DispatchFigures) Summarise(
        Data data, List<double[]> probabilities, double?[] missOdds, double[] calibration, double target)
    {
        var predicted = new List<string>();
        var confidence = new List<double>();
        var correct = new List<bool>();
        for (var i = 0; i < probabilities.Count; i++)
        {
            var label = Best(probabilities[i]);
            predicted.Add(data.Names[label]);
            confidence.Add(DispatchCalibrator.Confidence(calibration, probabilities[i], missOdds[i]));
            correct.Add(label == data.Labels[i]);
        }
        return (Metrics.Classification(data.Labels.Select(l => data.Names[l]).ToList(), predicted),
            Metrics.ChooseThreshold(confidence, correct, target));
    }

    private static int Best(double[] probabilities)
    {
        var best = 0;
        for (var k = 1; k < probabilities.Length; k++)
        {
            if (probabilities[k] > probabilities[best])
            {
                best = k;
            }
        }
        return best;
    }
}
