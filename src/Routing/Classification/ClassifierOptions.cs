namespace Hotline.Routing.Classification;

/// <summary>
/// Settings of the statistical text model. The defaults were chosen by 5-fold cross-validation on the TipDM 2020 training
/// files (short titles and full messages); see README's decision notes for the figures.
/// </summary>
public sealed record ClassifierOptions
{
    public FeatureSettings Features { get; init; } = new();

    /// <summary>An n-gram must occur in at least this many training texts to become a feature.</summary>
    public int MinDocumentFrequency { get; init; } = 2;

    /// <summary>L2 strength of the multinomial logistic regression, per example (≈ 1 / (C · n) in LIBLINEAR's terms).</summary>
    public double LogisticLambda { get; init; } = 2e-5;

    /// <summary>Cost of the one-vs-rest SVM on TF-IDF features.</summary>
    public double SvmCost { get; init; } = 0.5;

    /// <summary>Cost of the NB-SVM (binary features scaled by naive-Bayes log-count ratios).</summary>
    public double NbSvmCost { get; init; } = 1.0;

    /// <summary>Laplace smoothing of the naive-Bayes log-count ratios.</summary>
    public double NbSmoothing { get; init; } = 1.0;

    /// <summary>NB-SVM's β: 1 is the SVM on scaled features, lower shrinks towards naive Bayes.</summary>
    public double NbInterpolation { get; init; } = 1.0;

    public bool UseLogistic { get; init; }

    public bool UseSvm { get; init; } = true;

    public bool UseNbSvm { get; init; } = true;

    /// <summary>The nearest-past-tickets member.</summary>
    public bool UseNeighbours { get; init; } = true;

    /// <summary>The dispatch confidence also weighs how often the model missed on the most similar training texts (see
    /// <see cref="DispatchCalibrator"/>). Needs <see cref="UseNeighbours"/>.</summary>
    public bool UseNeighbourMisses { get; init; } = true;

    /// <summary>How many nearest training texts vote.</summary>
    public int NeighbourCount { get; init; } = 10;

    /// <summary>Every label weighs the same when the ensemble is calibrated (see <see cref="Stacker"/>).</summary>
    public bool BalancedCalibration { get; init; }

    public int LogisticIterations { get; init; } = 300;

    /// <summary>Folds of the internal cross-validation whose out-of-fold scores fit the ensemble weights (the calibration) and
    /// the dispatch threshold. Training costs this many fits plus one.</summary>
    public int CalibrationFolds { get; init; } = 5;

    /// <summary>The precision automatic dispatch must keep: the threshold is the lowest confidence at which the out-of-fold
    /// predictions above it are still this precise.</summary>
    public double TargetPrecision { get; init; } = 0.98;

    /// <summary>Seed of every random choice (fold assignment, coordinate order): the same data and options give the same model.</summary>
    public int Seed { get; init; } = 20_200_412;

    /// <summary>Threads used for independent fits (folds, members). Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = 2;

    internal void Validate()
    {
        Features.Validate();
        if (!UseLogistic && !UseSvm && !UseNbSvm && !UseNeighbours)
        {
            throw new ArgumentException("At least one ensemble member must be enabled.");
        }
        if (CalibrationFolds is < 2 or > 20)
        {
            throw new ArgumentOutOfRangeException(nameof(CalibrationFolds), CalibrationFolds, "2 to 20 folds.");
        }
        if (TargetPrecision is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TargetPrecision), TargetPrecision, "A precision in (0, 1].");
        }
    }
}
