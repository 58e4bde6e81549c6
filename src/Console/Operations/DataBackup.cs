using System.IO.Compression;
using Hotline.Host.Storage;
using Microsoft.Data.Sqlite;

namespace Hotline.Host.Operations;

/// <summary>What a backup archive holds.</summary>
public sealed record BackupSummary(string Output, IReadOnlyList<string> Databases, int OtherFiles, long Bytes);

/// <summary>
/// <c>hotline backup --output FILE</c>: one zip archive of the data directory, taken while the host runs. Every SQLite database
/// in it (the main <c>hotline.db</c>, the search index <c>search.db</c>, any other) is copied with SQLite's online backup API —
/// one consistent snapshot each, writers are not stopped (write-ahead log) — and checked with <c>PRAGMA quick_check</c>; the
/// other files (sign-in keys, attachments, which are written once under their hash and never changed) are copied as they are.
/// Paths in the archive are relative to the data directory, so restoring is unzipping into an empty one. The archive is written
/// next to <c>FILE</c> and renamed when complete: a failed backup never leaves a half archive under the name.
/// </summary>
public static class DataBackup
{
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    public static async Task<BackupSummary> CreateAsync(DatabaseSettings settings, string output, CancellationToken ct)
    {
        var dataDirectory = Path.GetFullPath(settings.DataDirectory);
        if (!Directory.Exists(dataDirectory))
        {
            throw new DirectoryNotFoundException($"数据目录 {dataDirectory} 不存在。");
        }
        output = Path.GetFullPath(output);
        var partial = output + ".partial";
        var staging = Directory.CreateTempSubdirectory("hotline-backup-").FullName;
        var databases = new List<string>();
        var others = 0;
        try
        {
            await using (var archiveFile = File.Create(partial))
            using (var archive = new ZipArchive(archiveFile, ZipArchiveMode.Create))
            {
                var files = Directory.EnumerateFiles(dataDirectory, "*", SearchOption.AllDirectories)
                    .Where(f => f != output && f != partial && !IsSqliteSideFile(f) && !IsUnfinishedUpload(f))
                    .Order(StringComparer.Ordinal).ToList();
                // A SQLite main database configured outside the data directory goes in too, under its own name.
                if (settings.Provider == DatabaseProvider.Sqlite
                    && new SqliteConnectionStringBuilder(settings.ConnectionString).DataSource is { Length: > 0 } main
                    && Path.GetFullPath(main) is var mainPath && !files.Contains(mainPath) && File.Exists(mainPath))
                {
                    files.Insert(0, mainPath);
                }
                foreach (var file in files)
                {
                    ct.ThrowIfCancellationRequested();
                    var name = file.StartsWith(dataDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                        ? Path.GetRelativePath(dataDirectory, file).Replace(Path.DirectorySeparatorChar, '/')
                        : Path.GetFileName(file);
                    if (await IsSqliteAsync(file, ct))
                    {
                        var copy = Path.Combine(staging, $"{databases.Count}.db");
                        SnapshotSqlite(file, copy);
                        archive.CreateEntryFromFile(copy, name, CompressionLevel.Optimal);
                        File.Delete(copy);
                        databases.Add(name);
                    }
                    else
                    {
                        try
                        {
                            archive.CreateEntryFromFile(file, name, CompressionLevel.Optimal);
                            others++;
                        }
                        catch (FileNotFoundException)
                        {
                            // Removed while we walked the folder (a temporary file); nothing to keep.
                        }
                    }
                }
            }
            File.Move(partial, output, overwrite: true);
            return new BackupSummary(output, databases, others, new FileInfo(output).Length);
        }
        finally
        {
            File.Delete(partial);
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>SQLite's online backup of <paramref name="source"/> into <paramref name="copy"/>, then a quick integrity check of the copy.</summary>
    private static void SnapshotSqlite(string source, string copy)
    {
        using (var from = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = source,
            Mode = SqliteOpenMode.ReadWrite, // read-only cannot open a WAL database whose -shm the host has not created yet
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString()))
        using (var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false }.ToString()))
        {
            from.Open();
            to.Open();
            from.BackupDatabase(to);
        }
        using var check = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false }.ToString());
        check.Open();
        using var command = check.CreateCommand();
        command.CommandText = "PRAGMA quick_check;";
        if (command.ExecuteScalar() as string != "ok")
        {
            throw new InvalidDataException($"备份的 {Path.GetFileName(source)} 未通过完整性检查（PRAGMA quick_check）。");
        }
    }

    private static async Task<bool> IsSqliteAsync(string file, CancellationToken ct)
    {
        var header = new byte[SqliteHeader.Length];
        try
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, ct) == header.Length
                && header.AsSpan().SequenceEqual(SqliteHeader);
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    // The write-ahead log and shared memory belong to the live database; the snapshot already contains what they hold.
    private static bool IsSqliteSideFile(string file) =>
        file.EndsWith("-wal", StringComparison.Ordinal) || file.EndsWith("-shm", StringComparison.Ordinal)
        || file.EndsWith("-journal", StringComparison.Ordinal);

    // An upload being written (attachments/tmp/*.part) is not yet referenced by any ticket.
    private static bool IsUnfinishedUpload(string file) => file.EndsWith(".part", StringComparison.Ordinal);
}
