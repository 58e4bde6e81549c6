using System.Globalization;
using System.Text;
using Hotline.Knowledge;

namespace Hotline.Routing.Classification;

/// <summary>
/// How ticket text becomes n-gram features. Stored in the model, so a model always reads text the way it was trained.
/// </summary>
/// <param name="MaxCharacters">Only the first this many characters are read. A 100,000-character paste costs the same as a
/// 4,000-character one; 95% of the long training messages are under 1,400 characters and the first lines carry the subject.</param>
/// <param name="MaxOrder">Character n-grams of orders 1 to this, inside each run of letters, digits and ideographs. Chinese has no
/// spaces, so bigrams stand in for words (物业, 路灯, 公积, 积金) without a segmenter or lexicon. Two, not four: with the skip
/// bigrams, 1–2-grams scored better in cross-validation than 1–3 or 1–4 on titles and full messages alike (longer n-grams are
/// rare, so the NB-SVM's log-count ratios overrate them), and the vocabulary is a fraction of the size.</param>
/// <param name="SkipBigrams">Also the pairs of characters one apart (请_问, 小_区 in 小X区): they tie words split by a place name or a
/// particle, which plain n-grams miss.</param>
/// <param name="TitleFeatures">When the text has several lines, the first line's n-grams are repeated as features of their own:
/// in a full message the first line is the title, and the same words weigh more there than in the body.</param>
/// <param name="FoldDigits">Every digit reads as 0: phone numbers, dates and amounts say little about the department, their shapes
/// say a little (a 6-digit amount, a year).</param>
public sealed record FeatureSettings(
    int MaxCharacters = 4000,
    int MaxOrder = 2,
    bool SkipBigrams = true,
    bool TitleFeatures = true,
    bool FoldDigits = true)
{
    internal void Validate()
    {
        if (MaxCharacters is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCharacters), MaxCharacters, "1 to 1,000,000 characters.");
        }
        if (MaxOrder is < 1 or > 8)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxOrder), MaxOrder, "n-gram orders 1 to 8.");
        }
    }
}

/// <summary>One n-gram occurrence: its 64-bit hash and where it is in <see cref="ExtractedText.Normalized"/>.</summary>
internal readonly record struct NGram(ulong Hash, int Start, int Length, NGramFamily Family);

internal enum NGramFamily : byte
{
    Characters = 1,
    Skip = 2,
    Title = 3,
}

/// <summary>The normalised text and every n-gram occurrence in it, with the text it was read from.</summary>
internal sealed record ExtractedText(string Normalized, List<NGram> NGrams, string Source = "", FeatureSettings? Settings = null)
{
    private int[]? _origins;

    /// <summary>
    /// The n-gram as a person reads it in the ticket: the original characters (3天了 and ABC, not the model's 0天了 and abc), and
    /// for a skip bigram the span it was read from (公积金 for 公_金), since the reason quotes the ticket's own words to a
    /// dispatcher, not the model's feature. The position map is built on the first call only: classification never needs it.
    /// </summary>
    public string Show(NGram gram) => Show(gram.Start, gram.Length);

    /// <summary>The source text behind <paramref name="length"/> normalised characters from <paramref name="start"/>.</summary>
    public string Show(int start, int length)
    {
        if (Settings is null)
        {
            return Normalized.Substring(start, length);
        }
        _origins ??= TextFeatures.Origins(Source, Settings);
        // Inside a run every source character was kept, one for one, so the span is contiguous in the source too.
        return Source[_origins[start]..(_origins[start + length - 1] + 1)];
    }
}

/// <summary>
/// Text normalisation and n-gram extraction. Pure: the same text and settings always give the same hashes, on any machine
/// (FNV-1a over UTF-16 code units, not <see cref="string.GetHashCode()"/>, which is randomised per process).
/// </summary>
internal static class TextFeatures
{
    private const ulong FnvOffset = 0xcbf29ce484222325UL;
    private const ulong FnvPrime = 0x100000001b3UL;

    /// <summary>
    /// Full-width forms to ASCII, letters lower-cased, digits folded if asked; ideographs, letters and digits kept; everything
    /// else (punctuation, emoji, spaces, line breaks) becomes one space, which n-grams never cross.
    /// </summary>
    public static string Normalize(string text, FeatureSettings settings) => Normalize(text, settings, origins: null);

    /// <summary>For each character of the normalised text, its index in <paramref name="text"/> (a space: the first character
    /// it stands for).</summary>
    public static int[] Origins(string text, FeatureSettings settings)
    {
        var origins = new List<int>(Math.Min(text.Length, settings.MaxCharacters));
        Normalize(text, settings, origins);
        return [.. origins];
    }

    private static string Normalize(string text, FeatureSettings settings, List<int>? origins)
    {
        var length = Math.Min(text.Length, settings.MaxCharacters);
        var builder = new StringBuilder(length);
        var pendingSpace = -1;
        for (var i = 0; i < length; i++)
        {
            var c = text[i];
            if (c is >= '\uff01' and <= '\uff5e')
            {
                c = (char)(c - 0xfee0);
            }
            char? kept = null;
            if (ChineseText.IsIdeograph(c))
            {
                kept = c;
            }
            else if (char.IsDigit(c))
            {
                kept = settings.FoldDigits ? '0' : (char)('0' + (int)char.GetNumericValue(c));
            }
            else if (char.IsLetter(c) && !char.IsSurrogate(c))
            {
                kept = char.ToLowerInvariant(c);
            }
            if (kept is { } k)
            {
                if (pendingSpace >= 0 && builder.Length > 0)
                {
                    builder.Append(' ');
                    origins?.Add(pendingSpace);
                }
                pendingSpace = -1;
                builder.Append(k);
                origins?.Add(i);
            }
            else if (pendingSpace < 0)
            {
                pendingSpace = i;
            }
        }
        return builder.ToString();
    }

    public static ExtractedText Extract(string? text, FeatureSettings settings)
    {
        var normalized = Normalize(text ?? "", settings);
        var grams = new List<NGram>(normalized.Length * (settings.MaxOrder + 1));
        AddRuns(normalized, normalized.Length, NGramFamily.Characters, settings, grams);
        if (settings.TitleFeatures && text is not null)
        {
            var newline = text.IndexOf('\n', StringComparison.Ordinal);
            if (newline > 0 && newline < settings.MaxCharacters)
            {
                var titleLength = Normalize(text[..newline], settings).Length;
                AddRuns(normalized, titleLength, NGramFamily.Title, settings, grams);
            }
        }
        return new ExtractedText(normalized, grams, text ?? "", settings);
    }

    private static void AddRuns(string s, int end, NGramFamily family, FeatureSettings settings, List<NGram> grams)
    {
        var seed = unchecked((FnvOffset ^ (ulong)family) * FnvPrime);
        var skipSeed = unchecked((FnvOffset ^ (ulong)NGramFamily.Skip) * FnvPrime);
        var runStart = 0;
        while (runStart < end)
        {
            var runEnd = s.IndexOf(' ', runStart, end - runStart);
            if (runEnd < 0)
            {
                runEnd = end;
            }
            for (var i = runStart; i < runEnd; i++)
            {
                var h = seed;
                for (var n = 1; n <= settings.MaxOrder && i + n <= runEnd; n++)
                {
                    h = (h ^ s[i + n - 1]) * FnvPrime;
                    grams.Add(new NGram(h, i, n, family));
                }
                if (settings.SkipBigrams && family == NGramFamily.Characters && i + 2 < runEnd)
                {
                    var k = ((skipSeed ^ s[i]) * FnvPrime ^ s[i + 2]) * FnvPrime;
                    grams.Add(new NGram(k, i, 3, NGramFamily.Skip));
                }
            }
            runStart = runEnd + 1;
        }
    }

    /// <summary>Counts of each distinct n-gram hash in a text, in first-occurrence order (deterministic).</summary>
    public static Dictionary<ulong, int> Count(ExtractedText extracted)
    {
        var counts = new Dictionary<ulong, int>(extracted.NGrams.Count);
        foreach (var gram in extracted.NGrams)
        {
            counts[gram.Hash] = counts.GetValueOrDefault(gram.Hash) + 1;
        }
        return counts;
    }

    internal static string Describe(FeatureSettings settings) => string.Create(CultureInfo.InvariantCulture,
        $"1–{settings.MaxOrder}-gram{(settings.SkipBigrams ? " + skip" : "")}{(settings.TitleFeatures ? " + title" : "")}");
}
