using System.ComponentModel.DataAnnotations;

namespace Hotline.Feedback.Platform;

/// <summary>
/// The provincial or national 好差评 platform rating records are pushed to (<c>Hotline:Feedback:Platform</c>). Without
/// <see cref="Endpoint"/> the push is off: nothing is sent and nothing is recorded. With it, <see cref="Secret"/> and
/// <see cref="RegionCode"/> are required, so a half-configured push stops start-up with the reason instead of failing later.
/// </summary>
public sealed class PlatformOptions
{
    public const string SectionName = "Hotline:Feedback:Platform";

    /// <summary>The URL every record is POSTed to, e.g. <c>https://hcp.example.gov.cn/api/records</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Identifies this hotline to the platform (sent as <c>X-Hotline-Key</c>); optional if the platform knows us by the secret.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The shared secret each request body is signed with (HMAC-SHA256 over its UTF-8 bytes).</summary>
    public string? Secret { get; set; }

    /// <summary>This hotline's administrative division code (行政区划代码, six digits), sent in every record.</summary>
    public string? RegionCode { get; set; }

    /// <summary>How long one POST may take; a timeout is retried like a 5xx.</summary>
    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 10;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint);

    public IEnumerable<string> Validate()
    {
        if (!IsConfigured)
        {
            yield break;
        }
        if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            yield return $"{SectionName}:Endpoint must be an absolute http(s) URL.";
        }
        if (string.IsNullOrWhiteSpace(Secret) || Secret.Length < 16)
        {
            yield return $"{SectionName}:Secret is required (at least 16 characters) when Endpoint is set.";
        }
        if (string.IsNullOrWhiteSpace(RegionCode) || RegionCode.Length != 6 || !RegionCode.All(char.IsAsciiDigit))
        {
            yield return $"{SectionName}:RegionCode is required when Endpoint is set: the six-digit 行政区划代码, e.g. 110105.";
        }
    }
}
