namespace Hotline.Knowledge.Search;

/// <summary>
/// How the embedded index ranks. The defaults were chosen on half of the TipDM retrieval queries (the other half was kept for
/// measuring; README, "Knowledge search"); fields the data does not have (document titles) carry reasoned, untuned values.
/// </summary>
public sealed record RankingOptions
{
    /// <summary>BM25 term-frequency saturation.</summary>
    public double K1 { get; init; } = 1.2;

    /// <summary>Weight and length normalisation of the document title (untuned: the TipDM replies have none).</summary>
    public double TitleWeight { get; init; } = 3;

    public double TitleLengthNormalisation { get; init; } = 0.5;

    /// <summary>Weight and length normalisation of the passages a document quotes (“…”, 《…》): replies quote the citizen's title.</summary>
    public double QuotesWeight { get; init; } = 2;

    public double QuotesLengthNormalisation { get; init; } = 0.5;

    public double BodyWeight { get; init; } = 1;

    /// <summary>Strong length normalisation of the body: long replies mention many things, few of them the question.</summary>
    public double BodyLengthNormalisation { get; init; } = 0.9;

    /// <summary>A term in the query's first line (its title) counts this many times.</summary>
    public double QueryTitleBoost { get; init; } = 3;

    /// <summary>Saturation of repeated query terms, so a long message does not drown its title in repetitions.</summary>
    public double QueryK3 { get; init; } = 8;

    /// <summary>At most this many of the query's terms (the heaviest by weight × IDF) select candidates in the full-text index.</summary>
    public int MaxMatchTerms { get; init; } = 24;

    /// <summary>How many candidates the full-text index returns for BM25F scoring.</summary>
    public int Candidates { get; init; } = 200;

    /// <summary>
    /// How many of the best BM25F candidates are re-ranked with <see cref="Weights"/>: all of them by default (on the tuning half,
    /// 200 rather than 60 gained 0.015 recall@10 for about 5 ms per search on 10,000 documents).
    /// </summary>
    public int RerankDepth { get; init; } = 200;

    public RerankWeights Weights { get; init; } = RerankWeights.Default;

    /// <summary>
    /// Names of the areas the hotline serves (districts, counties, streets), for the area agreement feature. Anonymised area codes
    /// (A市, A7县) are recognised without it; a deployment lists its real names (天河区, 番禺区).
    /// </summary>
    public IReadOnlyList<string> PlaceNames { get; init; } = [];

    internal void Validate()
    {
        if (!(K1 > 0) || QueryK3 <= 0 || MaxMatchTerms < 1 || Candidates < 1 || RerankDepth < 1)
        {
            throw new ArgumentException("Ranking options out of range: K1 and QueryK3 must be positive, term and candidate counts at least 1.");
        }
    }
}

/// <summary>
/// The second stage: a linear score over features of the best <see cref="RankingOptions.RerankDepth"/> candidates. The weights
/// were fitted by coordinate ascent on MRR@10 + recall@5 (<see cref="RerankTuning"/>) on the tuning half of the TipDM queries.
/// </summary>
/// <param name="Bm25F">BM25F score relative to the best candidate's (fixed at 1; the others are relative to it).</param>
/// <param name="Cosine">TF-IDF cosine over character bigrams and trigrams (phrases the two texts share).</param>
/// <param name="UnigramCosine">TF-IDF cosine over single characters (噪音 and 噪声 still share 噪).</param>
/// <param name="Coverage">Share of the document's IDF mass that the query contains: a reply that is about the query throughout.</param>
/// <param name="AreaFit">Place agreement, from 1 (same area) to -1 (another city) (<see cref="TextAnalysis.AreaFit"/>).</param>
/// <param name="AreaConflict">1 when the places disagree.</param>
/// <param name="Length">ln(1 + characters) / 8 of the document.</param>
public sealed record RerankWeights(
    double Bm25F, double Cosine, double UnigramCosine, double Coverage, double AreaFit, double AreaConflict, double Length)
{
    /// <summary>Fitted on the tuning half (see README); BM25F alone would be (1, 0, 0, 0, 0, 0, 0).</summary>
    public static RerankWeights Default { get; } = new(1, 2.5, 2.4, 4.8, 0.3, -0.2, -0.5);

    internal const int Count = 7;

    internal double[] ToArray() => [Bm25F, Cosine, UnigramCosine, Coverage, AreaFit, AreaConflict, Length];

    internal static RerankWeights FromArray(double[] w) => new(w[0], w[1], w[2], w[3], w[4], w[5], w[6]);
}
