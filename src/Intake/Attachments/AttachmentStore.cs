using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Hotline.Intake.Attachments;

/// <summary>
/// Attachment bytes on disk, addressed by their SHA-256: <c>{Directory}/ab/cd/abcd…</c>. Identical content is stored once.
/// A file is written under a temporary name in the same folder tree and renamed into place only when complete and verified, so
/// a reader never sees half a file and a crash leaves at most a stray temporary file. The database keeps only the metadata
/// (<see cref="Hotline.Routing.Tickets.AttachmentInfo"/>).
/// </summary>
public sealed class AttachmentStore(IOptions<AttachmentOptions> options)
{
    private string Root => options.Value.Directory!;

    /// <summary>Whether <paramref name="sha256"/> is a SHA-256 in lower-case hex, the only form a path is built from.</summary>
    public static bool IsSha256(string? sha256) =>
        sha256 is { Length: 64 } && sha256.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    public string PathOf(string sha256)
    {
        if (!IsSha256(sha256))
        {
            throw new ArgumentException("Not a lower-case hex SHA-256.", nameof(sha256));
        }
        return Path.Combine(Root, sha256[..2], sha256[2..4], sha256);
    }

    /// <summary>
    /// Stores <paramref name="content"/> under <paramref name="sha256"/> unless it is already there. The bytes are hashed again
    /// while written; a mismatch throws and leaves nothing behind. Returns whether this call wrote the file.
    /// </summary>
    public async Task<bool> SaveAsync(Stream content, string sha256, CancellationToken ct)
    {
        var target = PathOf(sha256);
        if (File.Exists(target))
        {
            return false;
        }
        var temporary = Path.Combine(Directory.CreateDirectory(Path.Combine(Root, "tmp")).FullName, $"{Guid.NewGuid():N}.part");
        try
        {
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                await using (var file = new FileStream(temporary, WriteOptions()))
                {
                    var buffer = new byte[81_920];
                    int read;
                    while ((read = await content.ReadAsync(buffer, ct)) > 0)
                    {
                        hash.AppendData(buffer, 0, read);
                        await file.WriteAsync(buffer.AsMemory(0, read), ct);
                    }
                    await file.FlushAsync(ct);
                    file.Flush(flushToDisk: true);
                }
                if (Convert.ToHexStringLower(hash.GetHashAndReset()) != sha256)
                {
                    throw new InvalidOperationException($"An attachment changed while it was stored (expected {sha256}).");
                }
            }
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            try
            {
                File.Move(temporary, target, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(target))
            {
                return false; // the same content arrived concurrently and was stored first
            }
        }
        finally
        {
            File.Delete(temporary); // no-op once moved
        }
    }

    /// <summary>Opens a stored file for reading, or null when no file has this hash.</summary>
    public Stream? OpenRead(string sha256)
    {
        try
        {
            return new FileStream(PathOf(sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 81_920, useAsync: true);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static FileStreamOptions WriteOptions()
    {
        var write = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Citizens' photos are personal data: readable by the service account only.
            write.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        return write;
    }
}
