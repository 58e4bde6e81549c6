using System.CommandLine;
using System.Globalization;
using Hotline.Host.Operations;
using Hotline.Host.Storage;
using Microsoft.Data.Sqlite;

namespace Hotline.Host.Cli;

/// <summary><c>hotline backup --output FILE</c>: see <see cref="DataBackup"/>. Exit codes: 0 written, 1 failed (nothing written).</summary>
internal static class BackupCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--output", "-o") { Description = "备份文件（zip），例如 /backup/hotline-2026-11-23.zip", Required = true };
        var backup = new Command("backup", "在线备份数据目录（SQLite 数据库用在线备份 API 取一致快照，服务无需停止）") { output };
        backup.SetAction(async (result, ct) =>
        {
            var settings = DatabaseSettings.From(new ConfigurationBuilder().AddEnvironmentVariables().Build());
            try
            {
                var summary = await DataBackup.CreateAsync(settings, result.GetValue(output)!, ct);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"backup written: {summary.Output} ({summary.Bytes / 1048576.0:0.0} MB): databases {string.Join(", ", summary.Databases)}; {summary.OtherFiles} other files"));
                if (settings.Provider == DatabaseProvider.Postgres)
                {
                    await Console.Error.WriteLineAsync("注意：主数据库是 PostgreSQL，不在此备份中，请用 pg_dump 备份；此文件只含数据目录（检索索引、登录密钥、附件）。");
                }
                return 0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException or InvalidDataException)
            {
                await Console.Error.WriteLineAsync($"错误：备份失败：{e.Message}");
                return 1;
            }
        });
        return backup;
    }
}
