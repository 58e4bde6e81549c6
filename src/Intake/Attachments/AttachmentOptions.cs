using System.ComponentModel.DataAnnotations;

namespace Hotline.Intake.Attachments;

/// <summary>
/// Limits on the files citizens attach to a web or app submission (<c>Hotline:Attachments</c>). Types are named, not given as
/// MIME types: a file's type is judged from its first bytes (<see cref="FileSignatures"/>), never from its name or declared type.
/// </summary>
public sealed class AttachmentOptions : IValidatableObject
{
    public const string SectionName = "Hotline:Attachments";

    /// <summary>Room in an upload request for the text fields and the multipart framing, on top of the files themselves.</summary>
    public const long FormSlackBytes = 1024 * 1024;

    /// <summary>The largest single file, in bytes (10 MB: a phone photo or a scanned letter).</summary>
    [Range(typeof(long), "1", "104857600")]
    public long MaxFileBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The most files one submission may carry.</summary>
    [Range(1, 20)]
    public int MaxFiles { get; set; } = 5;

    /// <summary>Comma-separated: any of <c>jpeg, png, webp, heic, pdf</c>.</summary>
    public string AllowedTypes { get; set; } = "jpeg,png,webp,heic,pdf";

    /// <summary>Where files are kept, outside any web root. The host defaults it to <c>{Hotline:DataDirectory}/attachments</c>.</summary>
    public string? Directory { get; set; }

    /// <summary>The request-body limit of the upload endpoint: every file at its largest, plus the text fields.</summary>
    public long MaxRequestBytes => MaxFiles * MaxFileBytes + FormSlackBytes;

    /// <summary>The allowed types, parsed from <see cref="AllowedTypes"/> (unknown names are a start-up error).</summary>
    public IReadOnlySet<AttachmentKind> Allowed => ParseTypes(AllowedTypes, out _);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var allowed = ParseTypes(AllowedTypes, out var unknown);
        foreach (var name in unknown)
        {
            yield return new ValidationResult(
                $"{SectionName}:AllowedTypes names '{name}'; use any of {string.Join(", ", Enum.GetNames<AttachmentKind>()).ToLowerInvariant()}.",
                [nameof(AllowedTypes)]);
        }
        if (allowed.Count == 0 && unknown.Count == 0)
        {
            yield return new ValidationResult($"{SectionName}:AllowedTypes allows nothing.", [nameof(AllowedTypes)]);
        }
        if (string.IsNullOrWhiteSpace(Directory))
        {
            yield return new ValidationResult($"{SectionName}:Directory is not set.", [nameof(Directory)]);
        }
    }

    private static HashSet<AttachmentKind> ParseTypes(string? text, out List<string> unknown)
    {
        var kinds = new HashSet<AttachmentKind>();
        unknown = [];
        foreach (var name in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Enum.TryParse<AttachmentKind>(name, ignoreCase: true, out var kind) && Enum.IsDefined(kind) && !int.TryParse(name, out _))
            {
                kinds.Add(kind);
            }
            else
            {
                unknown.Add(name);
            }
        }
        return kinds;
    }
}
