using System.Runtime.InteropServices;

namespace Hotline.Intake.Duplicates;

/// <summary>
/// Document frequencies of bigrams over a reference corpus — in the host, the tickets of the last days — from which
/// <see cref="TextSimilarity"/> weighs each bigram by its inverse document frequency: a residential complex's name counts, "小区"
/// and "反映" barely do. <see cref="Empty"/> weighs every bigram alike (only the boilerplate list is ignored); it is the fallback
/// when no corpus exists yet, and somewhat less precise (see README). Immutable, so one instance can be shared across threads.
/// </summary>
public sealed class TermStatistics
{
    // The IDF of every bigram seen, computed once: profiles look it up for each of their bigrams.
    private readonly Dictionary<string, double> _idf;
    private readonly double _unseenIdf;

    private TermStatistics(Dictionary<string, int> documentFrequencies, int documentCount)
    {
        DocumentCount = documentCount;
        _unseenIdf = Smoothed(0);
        _idf = new Dictionary<string, double>(documentFrequencies.Count, StringComparer.Ordinal);
        foreach (var (term, frequency) in documentFrequencies)
        {
            _idf.Add(term, Smoothed(frequency));
        }
    }

    /// <summary>No corpus: every bigram has weight 1.</summary>
    public static TermStatistics Empty { get; } = new([], 0);

    /// <summary>How many documents the frequencies were counted over.</summary>
    public int DocumentCount { get; }

    /// <summary>
    /// Counts, for each bigram, the documents it occurs in. A document is one ticket's whole text: pass its title and content
    /// together (<see cref="TextSimilarity.Document"/>), so title words are counted like the rest.
    /// </summary>
    public static TermStatistics From(IEnumerable<string> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return FromTermSets(documents.Select(document => TextSimilarity.Terms(document ?? "")));
    }

    /// <summary>Counts over documents already split into terms (repeats within a document count once).</summary>
    internal static TermStatistics FromTermSets(IEnumerable<IEnumerable<string>> documents)
    {
        var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
        var count = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var document in documents)
        {
            count++;
            seen.Clear();
            foreach (var term in document)
            {
                if (seen.Add(term))
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(frequencies, term, out _)++;
                }
            }
        }
        return new TermStatistics(frequencies, count);
    }

    /// <summary>The smoothed inverse document frequency, ln((N+1)/(df+1)) + 1: 1 for a bigram in every document (or no corpus).</summary>
    internal double Idf(string term) => _idf.TryGetValue(term, out var idf) ? idf : _unseenIdf;

    private double Smoothed(int frequency) =>
        DocumentCount == 0 ? 1.0 : Math.Log((DocumentCount + 1.0) / (frequency + 1.0)) + 1.0;
}
