using System.Text;
using System.Text.RegularExpressions;

namespace Hotline.Knowledge.Search;

/// <summary>What one term of <see cref="ChineseText.Bigrams"/> is.</summary>
internal enum TermKind
{
    /// <summary>Two adjacent ideographs.</summary>
    Bigram,

    /// <summary>An ideograph standing alone between non-ideographs ("A7县" gives 县).</summary>
    Unigram,

    /// <summary>A lower-cased run of letters or digits ("a7", "2019", "wifi").</summary>
    Token,
}

/// <summary>
/// Terms as 64-bit keys, so ranking can count and look them up without allocating a string per n-gram: an ideograph n-gram packs
/// its characters (16 bits each) under a kind marker, a letter/digit token is a 48-bit FNV-1a hash of its lower-cased characters
/// (a collision among the few thousand tokens of a corpus is about a one-in-ten-million event and would only blur two numbers).
/// </summary>
internal static class TermKeys
{
    private const long BigramMarker = 1L << 48;
    private const long TrigramMarker = 2L << 48;
    private const long TokenMarker = 3L << 48;

    public static long Unigram(char c) => c;

    public static long Bigram(char a, char b) => BigramMarker | ((long)a << 16) | b;

    public static long Trigram(char a, char b, char c) => TrigramMarker | ((long)a << 32) | ((long)b << 16) | c;

    public static bool IsTrigram(long key) => (key & (3L << 48)) == TrigramMarker;

    /// <summary>The two bigrams a trigram overlaps (its IDF is estimated from theirs; trigrams are not indexed).</summary>
    public static (long First, long Second) BigramsOf(long trigram) =>
        (Bigram((char)(trigram >> 32), (char)(trigram >> 16)), Bigram((char)(trigram >> 16), (char)trigram));

    public static long Token(ReadOnlySpan<char> token)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in token)
        {
            hash ^= char.ToLowerInvariant(c);
            hash *= 1099511628211UL;
        }
        return TokenMarker | (long)(hash & 0xFFFF_FFFF_FFFFUL);
    }

    /// <summary>The key of a term as the index stores it (a string from <see cref="ChineseText.Bigrams"/> or <see cref="ChineseText.Unigrams"/>).</summary>
    public static long Of(string term) => term.Length switch
    {
        1 when ChineseText.IsIdeograph(term[0]) => Unigram(term[0]),
        2 when ChineseText.IsIdeograph(term[0]) && ChineseText.IsIdeograph(term[1]) => Bigram(term[0], term[1]),
        _ => Token(term),
    };
}

/// <summary>
/// Walks the terms of <see cref="ChineseText.Bigrams"/> with their positions and keys, allocating nothing. Kept in step with
/// <see cref="ChineseText.Bigrams"/>: the index is written from that method, and ranking and highlighting read through this one.
/// </summary>
internal ref struct TermScanner(ReadOnlySpan<char> text)
{
    private readonly ReadOnlySpan<char> _text = text;
    private int _position;
    private int _runEnd = -1;

    public long Key { get; private set; }

    public int Start { get; private set; }

    public int Length { get; private set; }

    public TermKind Kind { get; private set; }

    public bool MoveNext()
    {
        var text = _text;
        // Inside a run of ideographs: the next bigram, if any.
        if (_position + 1 < _runEnd)
        {
            Emit(TermKind.Bigram, TermKeys.Bigram(text[_position], text[_position + 1]), _position, 2);
            _position++;
            return true;
        }
        if (_runEnd >= 0)
        {
            _position = _runEnd;
            _runEnd = -1;
        }
        while (_position < text.Length)
        {
            var c = text[_position];
            if (ChineseText.IsIdeograph(c))
            {
                var end = _position + 1;
                while (end < text.Length && ChineseText.IsIdeograph(text[end]))
                {
                    end++;
                }
                if (end - _position == 1)
                {
                    Emit(TermKind.Unigram, TermKeys.Unigram(c), _position, 1);
                    _position = end;
                    return true;
                }
                _runEnd = end;
                Emit(TermKind.Bigram, TermKeys.Bigram(c, text[_position + 1]), _position, 2);
                _position++;
                return true;
            }
            if (char.IsLetterOrDigit(c))
            {
                var end = _position + 1;
                while (end < text.Length && char.IsLetterOrDigit(text[end]) && !ChineseText.IsIdeograph(text[end]))
                {
                    end++;
                }
                Emit(TermKind.Token, TermKeys.Token(text[_position..end]), _position, end - _position);
                _position = end;
                return true;
            }
            _position++;
        }
        return false;
    }

    private void Emit(TermKind kind, long key, int start, int length)
    {
        Kind = kind;
        Key = key;
        Start = start;
        Length = length;
    }
}

/// <summary>Text preparation shared by indexing and querying.</summary>
internal static partial class TextAnalysis
{
    // Courtesy and address formulas that say nothing about the matter; cut out before splitting, so no bigram straddles them.
    // "_x000D_" is a carriage return that spreadsheet exports leave in message texts.
    private static readonly string[] Courtesy =
        ["_x000D_", "尊敬的", "领导", "您好", "你好", "请问", "谢谢", "感谢", "百忙之中", "麻烦", "书记", "市长", "局长", "主任"];

    /// <summary>Passages a reply quotes: “…”, 《…》, 「…」 and "…" — very often the citizen's own title ("关于您反映“…”的问题").</summary>
    [GeneratedRegex("“([^“”]{2,300})”|《([^《》]{2,300})》|「([^「」]{2,300})」|\"([^\"]{2,300})\"")]
    private static partial Regex QuotePattern();

    /// <summary>
    /// Administrative areas in the anonymised form of the TipDM data and of many test fixtures: a letter for a city (A市), a letter
    /// and a number for one of its districts or counties (A7县, K4区).
    /// </summary>
    [GeneratedRegex("(?<![A-Za-z0-9])([A-Z])([0-9]{1,2})?(?:市|区|县)")]
    private static partial Regex AreaCodePattern();

    /// <summary>The quoted passages of <paramref name="body"/> that contain Chinese (not user names like “UU008502”), joined by commas.</summary>
    public static string Quotes(string body)
    {
        StringBuilder? quotes = null;
        foreach (Match match in QuotePattern().Matches(body))
        {
            for (var g = 1; g < match.Groups.Count; g++)
            {
                var group = match.Groups[g];
                if (group.Success && group.ValueSpan.ContainsAnyInRange('\u4e00', '\u9fff'))
                {
                    (quotes ??= new StringBuilder()).Append(group.ValueSpan).Append('，');
                }
            }
        }
        return quotes?.ToString() ?? "";
    }

    /// <summary><paramref name="text"/> with courtesy formulas replaced by a comma.</summary>
    public static string RemoveCourtesy(string text)
    {
        foreach (var phrase in Courtesy)
        {
            if (text.Contains(phrase, StringComparison.Ordinal))
            {
                text = text.Replace(phrase, "，", StringComparison.Ordinal);
            }
        }
        return text;
    }

    /// <summary>
    /// A message's title and content: the first line is a title when more lines follow and it is short (the form of a board
    /// message, an e-mail subject, an agent's summary); otherwise everything is content.
    /// </summary>
    public static (string Title, string Content) SplitTitle(string text)
    {
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline is > 0 and <= 100 && newline < text.Length - 1
            ? (text[..newline].Trim(), text[(newline + 1)..])
            : ("", text);
    }

    /// <summary>
    /// The areas a text names: area codes (<see cref="AreaCodePattern"/>) as "A" (city) and "A7" (district), and any of
    /// <paramref name="placeNames"/> it contains.
    /// </summary>
    public static HashSet<string> Areas(string text, IReadOnlyList<string> placeNames)
    {
        var areas = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in AreaCodePattern().Matches(text))
        {
            areas.Add(match.Groups[1].Value + match.Groups[2].Value);
        }
        foreach (var name in placeNames)
        {
            if (text.Contains(name, StringComparison.Ordinal))
            {
                areas.Add(name);
            }
        }
        return areas;
    }

    /// <summary>
    /// Whether a document is about the query's place: 1 when they name a common area, 0.5 when they are in the same city and only
    /// one names a district, -0.5 when they name different districts of one city, -1 when their cities differ, 0 when either names
    /// none. A reply about K2区 is seldom the answer to a question about K4县, however alike the words.
    /// </summary>
    public static double AreaFit(HashSet<string> query, HashSet<string> document)
    {
        if (query.Count == 0 || document.Count == 0)
        {
            return 0;
        }
        if (query.Overlaps(document))
        {
            return 1;
        }
        var queryCities = query.Select(City).ToHashSet(StringComparer.Ordinal);
        if (!document.Any(area => queryCities.Contains(City(area))))
        {
            return -1;
        }
        return query.Any(IsDistrict) && document.Any(IsDistrict) ? -0.5 : 0.5;

        // "A7" lies in city "A"; a configured place name stands for itself.
        static string City(string area) => IsDistrict(area) ? area[..1] : area;
        static bool IsDistrict(string area) => area.Length > 1 && char.IsAsciiLetterUpper(area[0]) && char.IsAsciiDigit(area[1]);
    }
}
