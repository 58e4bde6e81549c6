using System.Buffers.Binary;

namespace Hotline.Intake.Attachments;

/// <summary>The kinds of file a citizen may attach: photos and PDF documents.</summary>
public enum AttachmentKind
{
    Jpeg,
    Png,
    WebP,
    Heic,
    Pdf,
}

/// <summary>
/// Recognises a file by its first bytes (its "magic number"). The name and the declared content type are the sender's claims
/// and are ignored: an executable renamed <c>photo.jpg</c> starts with <c>MZ</c>, an HTML page named <c>.pdf</c> with <c>&lt;</c>,
/// and neither matches. Only formats with an unambiguous signature are listed.
/// </summary>
public static class FileSignatures
{
    /// <summary>How many leading bytes <see cref="Detect"/> looks at (an ISO-BMFF <c>ftyp</c> box with its brands fits).</summary>
    public const int HeaderLength = 64;

    // HEIF image brands for HEVC-coded images (ISO/IEC 23008-12): 'heic'/'heix' still images, 'hevc'/'hevx' sequences,
    // 'heim'/'heis'/'hevm'/'hevs' multi-layer variants. 'mif1'/'msf1' are generic HEIF and also used by AVIF, so they count
    // only together with an HEVC brand among the compatible brands.
    private static readonly string[] HevcBrands = ["heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs"];

    /// <summary>The kind of file these leading bytes begin, or null when they match none of the accepted signatures.</summary>
    public static AttachmentKind? Detect(ReadOnlySpan<byte> header)
    {
        if (header.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return AttachmentKind.Jpeg;
        }
        if (header.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return AttachmentKind.Png;
        }
        if (header.Length >= 16 && header.StartsWith("RIFF"u8) && header[8..12].SequenceEqual("WEBP"u8)
            && (header[12..16].SequenceEqual("VP8 "u8) || header[12..16].SequenceEqual("VP8L"u8) || header[12..16].SequenceEqual("VP8X"u8)))
        {
            return AttachmentKind.WebP;
        }
        if (header.StartsWith("%PDF-"u8))
        {
            return AttachmentKind.Pdf;
        }
        return IsHeic(header) ? AttachmentKind.Heic : null;
    }

    public static string ContentTypeOf(AttachmentKind kind) => kind switch
    {
        AttachmentKind.Jpeg => "image/jpeg",
        AttachmentKind.Png => "image/png",
        AttachmentKind.WebP => "image/webp",
        AttachmentKind.Heic => "image/heic",
        AttachmentKind.Pdf => "application/pdf",
    };

    /// <summary>File-name extensions that fit the kind; the first is used when a name has none of them.</summary>
    public static IReadOnlyList<string> ExtensionsOf(AttachmentKind kind) => kind switch
    {
        AttachmentKind.Jpeg => [".jpg", ".jpeg", ".jpe", ".jfif"],
        AttachmentKind.Png => [".png"],
        AttachmentKind.WebP => [".webp"],
        AttachmentKind.Heic => [".heic", ".heif"],
        AttachmentKind.Pdf => [".pdf"],
    };

    public static string LabelOf(AttachmentKind kind) => kind switch
    {
        AttachmentKind.Jpeg => "JPEG 图片",
        AttachmentKind.Png => "PNG 图片",
        AttachmentKind.WebP => "WebP 图片",
        AttachmentKind.Heic => "HEIC 图片（苹果手机照片）",
        AttachmentKind.Pdf => "PDF 文档",
    };

    /// <summary>An ISO-BMFF file whose leading <c>ftyp</c> box names an HEVC-coded HEIF brand.</summary>
    private static bool IsHeic(ReadOnlySpan<byte> header)
    {
        if (header.Length < 16 || !header[4..8].SequenceEqual("ftyp"u8))
        {
            return false;
        }
        // size, 'ftyp', major brand, minor version, then compatible brands of 4 bytes each.
        var size = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (size < 16 || size % 4 != 0)
        {
            return false;
        }
        var major = header[8..12];
        if (IsHevcBrand(major))
        {
            return true;
        }
        if (!major.SequenceEqual("mif1"u8) && !major.SequenceEqual("msf1"u8))
        {
            return false;
        }
        var end = (int)Math.Min(size, (uint)header.Length);
        for (var i = 16; i + 4 <= end; i += 4)
        {
            if (IsHevcBrand(header[i..(i + 4)]))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsHevcBrand(ReadOnlySpan<byte> brand)
    {
        foreach (var known in HevcBrands)
        {
            if (brand.Length == 4 && brand[0] == known[0] && brand[1] == known[1] && brand[2] == known[2] && brand[3] == known[3])
            {
                return true;
            }
        }
        return false;
    }
}
