using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hotline.Routing;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Http;

namespace Hotline.Intake.Attachments;

/// <summary>
/// Checks the files of one submission before anything is written: how many, none empty, none too large, each of an allowed kind
/// by its bytes. Passing files get their metadata (a safe name, the detected content type, size and SHA-256).
/// </summary>
internal static class AttachmentUploads
{
    private const int MaxNameLength = 100;

    /// <summary>Count and emptiness: problems with the request itself (400), reported with the text fields' problems.</summary>
    public static void CheckCount(IReadOnlyList<IFormFile> files, AttachmentOptions options, Input input)
    {
        if (files.Count > options.MaxFiles)
        {
            input.Add("files", $"每件诉求最多上传 {options.MaxFiles} 个附件（本次 {files.Count} 个），请删减后重试。");
        }
        foreach (var file in files.Where(f => f.Length == 0))
        {
            input.Add("files", $"附件「{DisplayName(file.FileName)}」是空文件，请重新选择。");
        }
    }

    /// <summary>Sizes (413) and kinds (415), then the hashes: the metadata to record, in the order the files were sent.</summary>
    public static async Task<Result<AttachmentInfo[]>> InspectAsync(IReadOnlyList<IFormFile> files, AttachmentOptions options,
        CancellationToken ct)
    {
        var tooLarge = files.Where(f => f.Length > options.MaxFileBytes).Select(f => $"「{DisplayName(f.FileName)}」").ToList();
        if (tooLarge.Count > 0)
        {
            return new ContentTooLarge($"附件{string.Join("、", tooLarge)}超过了单个文件 {Megabytes(options.MaxFileBytes)} 的上限，请压缩后重试。");
        }
        var allowed = options.Allowed;
        var kinds = new AttachmentKind[files.Count];
        var refused = new List<string>();
        for (var i = 0; i < files.Count; i++)
        {
            var header = new byte[FileSignatures.HeaderLength];
            await using var stream = files[i].OpenReadStream();
            var read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, ct);
            if (FileSignatures.Detect(header.AsSpan(0, read)) is { } kind && allowed.Contains(kind))
            {
                kinds[i] = kind;
            }
            else
            {
                refused.Add($"「{DisplayName(files[i].FileName)}」");
            }
        }
        if (refused.Count > 0)
        {
            var labels = string.Join("、", allowed.Order().Select(FileSignatures.LabelOf));
            return new UnsupportedContent(
                $"附件{string.Join("、", refused)}不是允许的文件类型。只接受{labels}；系统按文件内容判断类型，改文件名无效。");
        }
        var infos = new AttachmentInfo[files.Count];
        for (var i = 0; i < files.Count; i++)
        {
            await using var stream = files[i].OpenReadStream();
            var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
            infos[i] = new AttachmentInfo(SafeFileName(files[i].FileName, kinds[i]), FileSignatures.ContentTypeOf(kinds[i]),
                files[i].Length, sha256);
        }
        return infos;
    }

    /// <summary>
    /// The name to record and offer on download: the last path segment only, control, format (bidi override) and path
    /// characters replaced, at most 100 characters, ending in an extension that fits the detected kind.
    /// </summary>
    public static string SafeFileName(string? raw, AttachmentKind kind)
    {
        var name = DisplayName(raw);
        var extension = Path.GetExtension(name).ToLowerInvariant();
        var fitting = FileSignatures.ExtensionsOf(kind);
        if (!fitting.Contains(extension))
        {
            var known = Enum.GetValues<AttachmentKind>().SelectMany(FileSignatures.ExtensionsOf).Contains(extension);
            // A photo named .jpg that is really a PNG becomes .png; any other name keeps its text and gains the right extension.
            var stem = known ? name[..^extension.Length] : name;
            name = (stem.Length == 0 ? "附件" : Truncate(stem, MaxNameLength - fitting[0].Length)) + fitting[0];
        }
        return name;
    }

    /// <summary>A name safe to show and to store: never a path, never invisible or control characters.</summary>
    private static string DisplayName(string? raw)
    {
        var name = (raw ?? "").Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..].Normalize(NormalizationForm.FormC);
        var safe = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            var bad = Rune.IsControl(rune) || rune.Value is '<' or '>' or ':' or '"' or '|' or '?' or '*'
                || category is UnicodeCategory.Format or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                    or UnicodeCategory.Surrogate or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
            safe.Append(bad ? "_" : rune.ToString());
        }
        var text = safe.ToString().Trim().Trim('.').Trim();
        return text.Length == 0 ? "附件" : Truncate(text, MaxNameLength);
    }

    private static string Truncate(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }
        var cut = max;
        if (char.IsLowSurrogate(text[cut]))
        {
            cut--; // never split a character outside the basic plane
        }
        return text[..cut];
    }

    private static string Megabytes(long bytes) =>
        bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MB"
        : bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024):0.#} MB"
        : $"{Math.Max(1, bytes / 1024)} KB";
}
