using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using Hotline.Feedback.Storage;
using Hotline.Host.Operations;
using Hotline.Host.Storage;
using Hotline.Routing.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Host.Cli;

/// <summary>
/// <c>hotline audit verify</c>: walks every hash chain of the configured database (<see cref="AuditVerifier"/>). Exit codes: 0 every
/// chain holds, 3 a broken link (printed), 1 the database could not be read.
/// </summary>
internal static class AuditCommand
{
    public const int BrokenChain = 3;

    public static Command Create()
    {
        var verify = new Command("verify", "校验工单时间线、个人信息查看日志、好差评历史的哈希链；报告第一处断链（表、工单、序号、应为与实际）");
        verify.SetAction((_, ct) => VerifyAsync(ct));
        return new Command("audit", "审计：防篡改的哈希链") { verify };
    }

    private static async Task<int> VerifyAsync(CancellationToken ct)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var settings = DatabaseSettings.From(configuration);
        if (settings.Provider == DatabaseProvider.Sqlite
            && new SqliteConnectionStringBuilder(settings.ConnectionString).DataSource is { Length: > 0 } file && !File.Exists(file))
        {
            await Console.Error.WriteLineAsync($"错误：数据库文件 {file} 不存在（检查 Hotline__DataDirectory）。");
            return 1;
        }
        await using var routing = new RoutingDbContext(Options<RoutingDbContext>(settings, RoutingDbContext.HistoryTable));
        await using var feedback = new FeedbackDbContext(Options<FeedbackDbContext>(settings, FeedbackDbContext.HistoryTable));
        AuditReport report;
        try
        {
            report = await new AuditVerifier(routing, feedback, settings).VerifyAsync(ct);
        }
        catch (DbException e)
        {
            await Console.Error.WriteLineAsync($"错误：无法读取数据库：{e.Message}");
            return 1;
        }
        if (report.Broken is { } broken)
        {
            Console.WriteLine($"BROKEN {broken}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{report.Entries} entries checked up to the break; later entries and chains were not checked."));
            return BrokenChain;
        }
        foreach (var table in report.Tables)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{table.Table}: {table.Entries} entries in {table.Chains} chain{(table.Chains == 1 ? "" : "s")}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"personal-data access log head: {report.PersonalDataAccessLength} entries, {report.PersonalDataAccessHead ?? "(empty)"}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"OK: {report.Entries} entries checked, every chain holds."));
        return 0;
    }

    private static DbContextOptions<TContext> Options<TContext>(DatabaseSettings settings, string historyTable) where TContext : DbContext
    {
        var options = new DbContextOptionsBuilder<TContext>();
        settings.Configure(options, historyTable);
        return options.Options;
    }
}
