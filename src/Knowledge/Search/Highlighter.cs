using System.Net;
using System.Text;

namespace Hotline.Knowledge.Search;

/// <summary>
/// Snippets with the query's terms marked: the passage of a field where the query's rarer terms are densest, HTML-escaped, matched
/// characters in <c>&lt;em&gt;</c> (what Elasticsearch's highlighter returns, so a page can treat both the same).
/// </summary>
internal static class Highlighter
{
    /// <summary>Characters in a body fragment; titles up to twice this are shown whole.</summary>
    public const int FragmentCharacters = 120;

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Highlight(StoredDocument document, QueryModel query,
        CollectionStatistics statistics)
    {
        var highlights = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (Fragment(document.Title, query, statistics, 2 * FragmentCharacters) is { } title)
        {
            highlights["title"] = [title];
        }
        if (Fragment(document.Body, query, statistics, FragmentCharacters) is { } body)
        {
            highlights["body"] = [body];
        }
        return highlights;
    }

    /// <summary>The best fragment of at most <paramref name="length"/> characters, or null when no query term occurs in the text.</summary>
    public static string? Fragment(string text, QueryModel query, CollectionStatistics statistics, int length)
    {
        if (text.Length == 0)
        {
            return null;
        }
        // Each character weighs the IDF of the rarest query term covering it; zero when none does.
        var weights = new double[text.Length];
        var any = false;
        var scanner = new TermScanner(text);
        while (scanner.MoveNext())
        {
            if (query.TermIndex.ContainsKey(scanner.Key))
            {
                Mark(scanner.Start, scanner.Length, statistics.Idf(scanner.Key));
            }
        }
        // A one-character query term also matches inside longer runs ("水" in "停水了").
        if (query.Terms.Any(t => t.Kind == TermKind.Unigram))
        {
            for (var i = 0; i < text.Length; i++)
            {
                var key = TermKeys.Unigram(text[i]);
                if (ChineseText.IsIdeograph(text[i]) && query.TermIndex.ContainsKey(key))
                {
                    Mark(i, 1, statistics.Idf(key));
                }
            }
        }
        if (!any)
        {
            return null;
        }

        var start = 0;
        if (text.Length > length)
        {
            double window = 0, best = -1;
            for (var i = 0; i < text.Length; i++)
            {
                window += weights[i];
                if (i >= length)
                {
                    window -= weights[i - length];
                }
                if (i >= length - 1 && window > best)
                {
                    best = window;
                    start = i - length + 1;
                }
            }
        }
        var end = Math.Min(text.Length, start + length);

        var html = new StringBuilder(length * 2);
        if (start > 0)
        {
            html.Append('…');
        }
        var position = start;
        while (position < end)
        {
            var marked = weights[position] > 0;
            var runEnd = position;
            while (runEnd < end && weights[runEnd] > 0 == marked)
            {
                runEnd++;
            }
            var run = WebUtility.HtmlEncode(text[position..runEnd].ReplaceLineEndings(" "));
            html.Append(marked ? "<em>" + run + "</em>" : run);
            position = runEnd;
        }
        if (end < text.Length)
        {
            html.Append('…');
        }
        return html.ToString();

        void Mark(int from, int count, double weight)
        {
            any = true;
            for (var i = from; i < from + count; i++)
            {
                weights[i] = Math.Max(weights[i], Math.Max(weight, 1e-6));
            }
        }
    }
}
