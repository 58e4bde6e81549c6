using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Hotline.Intake.Twilio;

/// <summary>
/// Checks the <c>X-Twilio-Signature</c> header Twilio puts on every webhook request: Base64 of HMAC-SHA1, keyed with the account's
/// Auth Token, over the full URL Twilio requested followed by the POST fields (<c>name</c> + <c>value</c>, sorted ordinally by
/// name, then by value; exact duplicate pairs once). JSON-body webhooks sign the URL alone, which then carries
/// <c>bodySHA256</c>, the hex SHA-256 of the raw body.
/// </summary>
/// <remarks>
/// <para>
/// The URL is signed as a string, never parsed and re-serialised: scheme, user info, host letter case, port, path and query stay
/// exactly as given (the SDK vectors sign <c>MyCompany.com</c> and <c>mycompany.com</c> differently). Pass the URL the way
/// Twilio requested it, i.e. the public base URL behind any proxy plus the still-encoded path and query.
/// </para>
/// <para>
/// Like the official SDKs, a signature also counts when it matches the URL with its port removed or with the scheme's default
/// port added (load balancers add and strip ports), and when it matches the URL as a WHATWG URL parser spells it (what
/// twilio-node signs: an apostrophe in the query becomes <c>%27</c>). The host's letter case is never changed, although a WHATWG
/// parser would lower-case it: the SDK vectors require a lower-case host's signature to fail on a mixed-case URL.
/// </para>
/// <para>Signatures are compared in constant time. An empty Auth Token is a configuration error and throws.</para>
/// </remarks>
internal static class TwilioSignature
{
    /// <summary>The request header carrying the signature.</summary>
    public const string HeaderName = "X-Twilio-Signature";

    /// <summary>The query parameter Twilio adds to JSON-body webhook URLs: lower-case hex SHA-256 of the raw body.</summary>
    public const string BodyHashParameter = "bodySHA256";

    /// <summary>Whether <paramref name="signature"/> signs a form (or GET) webhook request.</summary>
    /// <param name="authToken">The account's Auth Token (the HMAC key).</param>
    /// <param name="url">The full URL Twilio requested, query included, not decoded.</param>
    /// <param name="formFields">
    /// Every POST field received, decoded, untrimmed; a name with several values appears once per value. Pass nothing for GET
    /// (its parameters are in the URL). Unknown fields must be included: Twilio adds parameters without notice.
    /// </param>
    /// <param name="signature">The <c>X-Twilio-Signature</c> header; missing or empty never validates.</param>
    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>> formFields, string? signature)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(formFields);
        if (string.IsNullOrEmpty(signature))
        {
            return false;
        }
        var fields = FieldsToSign(formFields);
        return Matches(authToken, url, fields, signature);
    }

    /// <summary>
    /// <see cref="IsValid(string, string, IEnumerable{KeyValuePair{string, string}}, string?)"/> over an ASP.NET Core form, with
    /// every value of a multi-valued field (joining them with commas, as <c>StringValues.ToString()</c> does, breaks the signature).
    /// </summary>
    public static bool IsValid(string authToken, string url, IFormCollection form, string? signature)
    {
        ArgumentNullException.ThrowIfNull(form);
        return IsValid(authToken, url, Flatten(form), signature);
    }

    /// <summary>
    /// Whether <paramref name="signature"/> signs a JSON-body webhook request: the URL must carry exactly one
    /// <c>bodySHA256</c>, the signature must match the URL alone, and the hex SHA-256 of <paramref name="body"/> must equal
    /// <c>bodySHA256</c>.
    /// </summary>
    /// <param name="authToken">The account's Auth Token.</param>
    /// <param name="url">The full URL Twilio requested, including <c>bodySHA256</c>.</param>
    /// <param name="body">The raw request body, byte for byte as received.</param>
    /// <param name="signature">The <c>X-Twilio-Signature</c> header.</param>
    public static bool IsValidJson(string authToken, string url, ReadOnlySpan<byte> body, string? signature)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentNullException.ThrowIfNull(url);
        if (string.IsNullOrEmpty(signature) || QueryValue(url, BodyHashParameter) is not { } claimedHex)
        {
            return false;
        }
        return Matches(authToken, url, "", signature) && BodyHashMatches(body, claimedHex);
    }

    /// <summary>
    /// The signature Twilio would send for <paramref name="url"/> exactly as given (no port variants) and these fields. Tests
    /// use it to sign requests; for a JSON body, append <c>bodySHA256=</c><see cref="BodySha256Hex"/> to the URL and pass no fields.
    /// </summary>
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> formFields)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(formFields);
        return Convert.ToBase64String(Hmac(authToken, url + FieldsToSign(formFields)));
    }

    /// <summary>Lower-case hex SHA-256 of a raw body, the value of <c>bodySHA256</c>.</summary>
    public static string BodySha256Hex(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    /// <summary>The exact string that is HMAC'd for <paramref name="url"/> and these fields (no port variants).</summary>
    internal static string StringToSign(string url, IEnumerable<KeyValuePair<string, string>> formFields) =>
        url + FieldsToSign(formFields);

    /// <summary>
    /// Every spelling of <paramref name="url"/> a valid signature may have been computed over, the URL as given first:
    /// as given, without its port, with the scheme's default port, and each of these as a WHATWG URL parser spells it.
    /// </summary>
    internal static IReadOnlyList<string> UrlVariants(string url)
    {
        var variants = new List<string>(6);
        foreach (var spelling in (string?[])[url, WhatwgSpelling(url)])
        {
            if (spelling is null)
            {
                continue;
            }
            foreach (var variant in (string?[])[spelling, WithoutPort(spelling), WithDefaultPort(spelling)])
            {
                if (variant is not null && !variants.Contains(variant, StringComparer.Ordinal))
                {
                    variants.Add(variant);
                }
            }
        }
        return variants;
    }

    private static bool Matches(string authToken, string url, string fields, string signature)
    {
        var presented = Encoding.UTF8.GetBytes(signature);
        var matched = false;
        // Every variant is computed and compared, so the time taken does not tell which spelling (if any) came close.
        foreach (var variant in UrlVariants(url))
        {
            var expected = Encoding.ASCII.GetBytes(Convert.ToBase64String(Hmac(authToken, variant + fields)));
            matched |= CryptographicOperations.FixedTimeEquals(expected, presented);
        }
        return matched;
    }

    // HMAC-SHA1 is what Twilio signs with; the algorithm is the protocol's, not a choice made here.
#pragma warning disable CA5350
    private static byte[] Hmac(string authToken, string data) =>
        HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data));
#pragma warning restore CA5350

    private static bool BodyHashMatches(ReadOnlySpan<byte> body, string claimedHex)
    {
        Span<byte> claimed = stackalloc byte[SHA256.HashSizeInBytes];
        if (claimedHex.Length != SHA256.HashSizeInBytes * 2
            || Convert.FromHexString(claimedHex, claimed, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != SHA256.HashSizeInBytes)
        {
            return false;
        }
        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, actual);
        return CryptographicOperations.FixedTimeEquals(actual, claimed);
    }

    private static string FieldsToSign(IEnumerable<KeyValuePair<string, string>> formFields)
    {
        // Callers may hold nulls despite the annotation (StringValues yields string?); Twilio's SDKs sign a null as "".
        var pairs = formFields
            .Select(f => (Name: f.Key ?? "", Value: f.Value ?? ""))
            .Distinct()
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ThenBy(f => f.Value, StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            text.Append(name).Append(value);
        }
        return text.ToString();
    }

    private static IEnumerable<KeyValuePair<string, string>> Flatten(IFormCollection form)
    {
        foreach (var (name, values) in form)
        {
            if (values.Count == 0)
            {
                yield return KeyValuePair.Create(name, "");
            }
            foreach (var value in values)
            {
                yield return KeyValuePair.Create(name, value ?? "");
            }
        }
    }

    /// <summary>The one value of a query parameter (percent-decoded), or null when it is missing or repeated.</summary>
    private static string? QueryValue(string url, string name)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            return null;
        }
        var fragment = url.IndexOf('#', query);
        var text = url[(query + 1)..(fragment < 0 ? url.Length : fragment)];
        string? found = null;
        foreach (var pair in text.Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? pair : pair[..equals];
            if (!string.Equals(key, name, StringComparison.Ordinal))
            {
                continue;
            }
            if (found is not null)
            {
                return null;
            }
            found = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
        }
        return found;
    }

    /// <summary>Where the parts of an absolute URL start and end, found without parsing or normalising anything.</summary>
    private readonly record struct UrlParts(string Scheme, int HostStart, int HostEnd, int PortEnd)
    {
        public bool HasPort => PortEnd > HostEnd;

        public static UrlParts? Of(string url)
        {
            var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
            if (schemeEnd <= 0)
            {
                return null;
            }
            var authorityStart = schemeEnd + 3;
            var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
            if (authorityEnd < 0)
            {
                authorityEnd = url.Length;
            }
            var at = url.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);
            var hostStart = at < 0 ? authorityStart : at + 1;
            // A colon after an IPv6 literal's closing bracket (or in a plain host) starts the port.
            var bracket = url.LastIndexOf(']', authorityEnd - 1, authorityEnd - hostStart);
            var colon = url.LastIndexOf(':', authorityEnd - 1, authorityEnd - hostStart);
            if (colon > bracket && !url.AsSpan(colon + 1, authorityEnd - colon - 1).ContainsAnyExceptInRange('0', '9'))
            {
                return new UrlParts(url[..schemeEnd], hostStart, colon, authorityEnd);
            }
            return new UrlParts(url[..schemeEnd], hostStart, authorityEnd, authorityEnd);
        }
    }

    private static string? WithoutPort(string url) =>
        UrlParts.Of(url) is { HasPort: true } parts ? string.Concat(url.AsSpan(0, parts.HostEnd), url.AsSpan(parts.PortEnd)) : null;

    private static string? WithDefaultPort(string url)
    {
        if (UrlParts.Of(url) is not { HasPort: false } parts)
        {
            return null;
        }
        var port = parts.Scheme.ToLowerInvariant() switch
        {
            "https" => "443",
            "http" => "80",
            _ => null,
        };
        return port is null ? null : string.Concat(url.AsSpan(0, parts.HostEnd), ":", port, url.AsSpan(parts.HostEnd));
    }

    /// <summary>
    /// The URL with path and query percent-encoded as the WHATWG URL standard does for http(s) (the path and special-query
    /// percent-encode sets; UTF-8 for non-ASCII), or null when that changes nothing. Existing escapes, the host and anything
    /// from a fragment on stay as they are.
    /// </summary>
    private static string? WhatwgSpelling(string url)
    {
        if (UrlParts.Of(url) is not { } parts)
        {
            return null;
        }
        var text = new StringBuilder(url.Length + 16);
        text.Append(url, 0, parts.PortEnd);
        var inQuery = false;
        var changed = false;
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = parts.PortEnd; i < url.Length;)
        {
            var c = url[i];
            if (c == '#')
            {
                text.Append(url, i, url.Length - i);
                break;
            }
            if (c == '?' && !inQuery)
            {
                inQuery = true;
                text.Append(c);
                i++;
                continue;
            }
            var encode = c < 0x20 || c > 0x7E || c is ' ' or '"' or '<' or '>'
                || (inQuery ? c == '\'' : c is '^' or '`' or '{' or '}');
            if (!encode)
            {
                text.Append(c);
                i++;
                continue;
            }
            changed = true;
            _ = System.Text.Rune.DecodeFromUtf16(url.AsSpan(i), out var rune, out var consumed);
            var length = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..length])
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            i += consumed;
        }
        return changed ? text.ToString() : null;
    }
}
