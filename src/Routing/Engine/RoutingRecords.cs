using System.ComponentModel.DataAnnotations;
using NodaTime;

namespace Hotline.Routing.Engine;

/// <summary>Where a labelled example for the classifier came from.</summary>
public enum ExampleSource
{
    Import,     // historical tickets an installation brought with it
    Resolved,   // a ticket handled to the end: its final category is the truth
    Correction, // a dispatcher chose another category than the engine suggested
}

/// <summary>One labelled text the classifier learns from.</summary>
public sealed class TrainingExample
{
    /// <summary>The longest text kept (the column's length). The model reads only the first few thousand characters anyway.</summary>
    public const int MaxTextLength = 10_000;

    public Guid Id { get; init; } = Guid.CreateVersion7();
    public string Text { get; init; } = "";
    public string Label { get; set; } = "";

    /// <summary>A ticket's text as an example: title and content, cut to <see cref="MaxTextLength"/> (a 10,000-character content
    /// under a title would not fit the column, and one such ticket would fail every training on PostgreSQL) without splitting
    /// an emoji's surrogate pair, which PostgreSQL would refuse.</summary>
    public static string TextOf(string title, string content) => Cut(title + "\n" + content);

    /// <summary>At most <see cref="MaxTextLength"/> characters, never half a surrogate pair.</summary>
    public static string Cut(string text)
    {
        if (text.Length <= MaxTextLength)
        {
            return text;
        }
        var cut = char.IsHighSurrogate(text[MaxTextLength - 1]) ? MaxTextLength - 1 : MaxTextLength;
        return text[..cut];
    }
    public ExampleSource Source { get; init; }
    public Guid? TicketId { get; init; }
    public Instant CreatedAt { get; init; }
}

/// <summary>
/// A trained model, kept whole (the model file) with what it was measured to do. Decisions name the version that made them, so
/// any decision can be explained by loading that version again. Exactly one model is active.
/// </summary>
public sealed class RoutingModel
{
    public string Version { get; init; } = "";
    public Instant CreatedAt { get; init; }
    public int Examples { get; init; }
    public double Threshold { get; init; }
    public double Accuracy { get; init; }
    public double MacroF1 { get; init; }
    public double DispatchShare { get; init; }
    public bool Active { get; set; }

    /// <summary>Why the last scheduled training left this version off, in the admins' words (null when it was never held back,
    /// or once it has been put in use). A version switched off by a rollback has none: it was in use, then an admin chose
    /// another.</summary>
    public string? HeldBackReason { get; set; }

    /// <summary>The fingerprint of the history it was trained on (<c>RoutingTrainer.Digest</c>); null for models trained before
    /// fingerprints were kept, until the same history trains them again.</summary>
    public string? ExamplesDigest { get; set; }

    public byte[] File { get; init; } = [];
}

public sealed class RoutingOptions
{
    /// <summary>Dispatch at once when the model is confident enough; otherwise every ticket waits for a dispatcher.</summary>
    public bool AutoDispatch { get; set; } = true;

    /// <summary>Overrides the model's own threshold (chosen for 98% precision on out-of-fold predictions) when set.</summary>
    [Range(0.0, 1.0)]
    public double? ConfidenceThreshold { get; set; }

    /// <summary>Retrain on this schedule when new examples have arrived (0 turns scheduled retraining off).</summary>
    [Range(0, 24 * 30)]
    public int RetrainEveryHours { get; set; } = 24;

    /// <summary>A scheduled training's model is kept inactive when its cross-validated macro-F1 is lower than the model in use
    /// by more than this (an admin's own training always takes effect).</summary>
    [Range(0.0, 1.0)]
    public double ScheduledMaxMacroF1Drop { get; set; } = 0.02;

    /// <summary>Likewise for the share of tickets dispatched automatically (0.05: five points).</summary>
    [Range(0.0, 1.0)]
    public double ScheduledMaxDispatchShareDrop { get; set; } = 0.05;

    /// <summary>Fewer examples than this per category makes no useful model; training refuses.</summary>
    [Range(2, 1_000)]
    public int MinimumExamplesPerLabel { get; set; } = 5;
}
