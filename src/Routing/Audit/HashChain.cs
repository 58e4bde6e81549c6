using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NodaTime;

namespace Hotline.Routing.Audit;

/// <summary>
/// The hash that chains one append-only entry to the one before it (tamper evidence for the ticket timeline, the personal-data
/// access log and Feedback's history). <c>SHA-256(previous || field₁ || field₂ || …)</c>, where <c>previous</c> is the previous
/// entry's hash as 32 raw bytes (32 zero bytes for a chain's first entry) and each field, in a fixed order, is a 4-byte
/// big-endian length and its UTF-8 bytes, or <c>FF FF FF FF</c> for a null. Length prefixes make the encoding unambiguous
/// (<c>"ab","c"</c> ≠ <c>"a","bc"</c>) without escaping, so the hash can be recomputed in any language from the rows alone.
/// Stored as 64 lower-case hex digits.
/// </summary>
public static class HashChain
{
    public const int HexLength = 64;

    /// <summary>The hash of an entry whose canonical fields are <paramref name="fields"/>, following <paramref name="previous"/>.</summary>
    public static string Link(string? previous, IReadOnlyList<ChainField> fields)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> previousBytes = stackalloc byte[32];
        previousBytes.Clear();
        if (previous is not null)
        {
            if (previous.Length != HexLength || Convert.FromHexString(previous, previousBytes, out _, out _) != OperationStatus.Done)
            {
                // A malformed stored hash cannot be the start of anything; hashing its text keeps the mismatch visible.
                previousBytes.Clear();
                hash.AppendData(Encoding.UTF8.GetBytes(previous));
            }
        }
        hash.AppendData(previousBytes);
        Span<byte> length = stackalloc byte[4];
        foreach (var field in fields)
        {
            if (field.Value is null)
            {
                BinaryPrimitives.WriteUInt32BigEndian(length, uint.MaxValue);
                hash.AppendData(length);
                continue;
            }
            var bytes = Encoding.UTF8.GetBytes(field.Value);
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// An instant as ISO-8601 UTC with microseconds. Truncated to the microsecond because that is all PostgreSQL keeps (SQLite
    /// keeps 100 ns), so the value hashed when the entry is written equals the one read back on either database.
    /// </summary>
    public static string Text(Instant at)
    {
        var ticks = at.ToUnixTimeTicks();
        var truncated = Instant.FromUnixTimeTicks(ticks - (((ticks % 10) + 10) % 10));
        return truncated.ToDateTimeUtc().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
    }

    public static string Text(Guid id) => id.ToString("D");

    public static string Text(long number) => number.ToString(CultureInfo.InvariantCulture);

    /// <summary>An enum as its name, which is what the database stores.</summary>
    public static string Text<T>(T value) where T : struct, Enum => value.ToString();

    public static string? Text<T>(T? value) where T : struct, Enum => value?.ToString();
}

/// <summary>One field of an entry's canonical form: its column name (for documentation and the coverage test) and its text.</summary>
public readonly record struct ChainField(string Column, string? Value);
