using System.Text;

namespace Hotline.Routing.Catalogue;

/// <summary>
/// A catalogue entry whose name or keywords occur in a text. <c>Terms</c> are the matched words, longest first (a word inside
/// another matched word, 噪音 in 施工噪音, is not repeated); <c>Score</c> is their length in characters: how much of the matter
/// the text names.
/// </summary>
public sealed record MatterMatch(CatalogueEntry Entry, IReadOnlyList<string> Terms, int Score)
{
    /// <summary>One specific phrase (占道经营, 公积金提取) or two short words: enough to name the matter on its own.</summary>
    public bool Strong => Score >= MatterMatcher.StrongScore;
}

/// <summary>
/// Keyword matching of catalogue matters: plain substring search of each entry's name and keywords in the text, after folding
/// full-width letters and digits, case and white space. No statistics: a dispatcher can see exactly why an entry matched.
/// </summary>
public static class MatterMatcher
{
    /// <summary>Matched characters that make a match strong (see <see cref="MatterMatch.Strong"/>).</summary>
    public const int StrongScore = 4;

    /// <summary>Every entry with at least one matched word, best first (score, then name).</summary>
    public static IReadOnlyList<MatterMatch> Match(string? text, IEnumerable<CatalogueEntry> entries)
    {
        var folded = Fold(text ?? "");
        if (folded.Length == 0)
        {
            return [];
        }
        var matches = new List<MatterMatch>();
        foreach (var entry in entries)
        {
            var found = entry.Keywords.Prepend(entry.Name).Select(Fold).Where(t => t.Length > 0 && folded.Contains(t, StringComparison.Ordinal))
                .Distinct().OrderByDescending(t => t.Length).ThenBy(t => t, StringComparer.Ordinal).ToList();
            var kept = new List<string>();
            foreach (var term in found.Where(term => !kept.Any(k => k.Contains(term, StringComparison.Ordinal))))
            {
                kept.Add(term);
            }
            if (kept.Count > 0)
            {
                matches.Add(new MatterMatch(entry, kept, kept.Sum(t => t.Length)));
            }
        }
        return [.. matches.OrderByDescending(m => m.Score).ThenBy(m => m.Entry.Name, StringComparer.Ordinal)];
    }

    /// <summary>Full-width ASCII to half-width, lower case, white space removed.</summary>
    public static string Fold(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var folded = c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c;
            if (!char.IsWhiteSpace(folded))
            {
                builder.Append(char.ToLowerInvariant(folded));
            }
        }
        return builder.ToString();
    }
}
