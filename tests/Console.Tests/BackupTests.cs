using System.IO.Compression;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Feedback.Storage;
using Hotline.Host.Operations;
using Hotline.Host.Storage;
using Hotline.Routing.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests;

/// <summary>
/// <c>hotline backup</c> on the SQLite default while the host takes intakes: the archive restores into a new data directory, a
/// host starts on it, and every ticket acknowledged before the backup began is there, with its hash chains intact.
/// </summary>
public sealed class BackupTests : HostTest
{
    [Fact]
    public async Task BackupWhileIntakesAreWritten_RestoresIntoANewDataDirectory_WithEveryAcknowledgedTicket()
    {
        Assert.SkipWhen(Database.IsPostgres, "The backup command covers the SQLite default; PostgreSQL is backed up with pg_dump.");
        var acknowledged = new List<(string Id, string TrackingCode)>();
        for (var i = 0; i < 10; i++)
        {
            acknowledged.Add(await SubmitAsync(content: $"第 {i} 号路灯不亮，请维修。"));
        }
        var agent = await Host.SignInAsync("agent");
        await agent.PostOkAsync($"/api/tickets/{(await SubmitAsync()).Id}/citizen-contact", new { purpose = "核实" });

        // Intakes keep arriving while the backup runs (bounded: at most 400, and stopped as soon as the backup is done).
        using var stop = new CancellationTokenSource();
        var during = 0;
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && during < 400)
            {
                await SubmitAsync(content: $"备份期间的第 {during} 件诉求：小区噪音扰民。");
                during++;
            }
        });
        var archive = Path.Combine(Directory.CreateTempSubdirectory("hotline-backup-test-").FullName, "hotline.zip");
        try
        {
            var (code, output, error) = await RunCliAsync("backup", "--output", archive);
            await stop.CancelAsync();
            await writer;
            Assert.True(code == 0, output + error);
            Assert.Contains("hotline.db", output);
            Assert.Contains("search.db", output);
            Assert.True(during > 0, "intakes were written while the backup ran");

            await using var restored = await TestDatabase.CreateAsync();
            ZipFile.ExtractToDirectory(archive, restored.DataDirectory);
            Assert.True(File.Exists(Path.Combine(restored.DataDirectory, "hotline.db")));
            await using var host = await TestHost.StartAsync(restored, deliverOutbox: false);

            var restoredAgent = await host.SignInAsync("agent");
            foreach (var (id, trackingCode) in acknowledged)
            {
                Assert.Equal(trackingCode, (await restoredAgent.GetOkAsync($"/api/tickets/{id}")).Str("trackingCode"));
            }
            using var scope = host.Services.CreateScope();
            var services = scope.ServiceProvider;
            var report = await new AuditVerifier(services.GetRequiredService<RoutingDbContext>(),
                services.GetRequiredService<FeedbackDbContext>(), services.GetRequiredService<DatabaseSettings>()).VerifyAsync(CancellationToken.None);
            Assert.Null(report.Broken);
            Assert.Equal(1, report.PersonalDataAccessLength);
        }
        finally
        {
            await stop.CancelAsync();
            Directory.Delete(Path.GetDirectoryName(archive)!, recursive: true);
        }
    }

    [Fact]
    public async Task BackupOfAMissingDataDirectory_FailsAndWritesNothing()
    {
        var archive = Path.Combine(Path.GetTempPath(), $"hotline-{Guid.NewGuid():N}.zip");
        var (code, _, error) = await RunCliAsync(new Dictionary<string, string> { ["Hotline__DataDirectory"] = "/nonexistent/hotline" },
            "backup", "--output", archive);

        Assert.Equal(1, code);
        Assert.Contains("不存在", error);
        Assert.False(File.Exists(archive));
    }

    private Task<(int ExitCode, string Output, string Error)> RunCliAsync(params string[] args) =>
        RunCliAsync(new Dictionary<string, string>(), args);

    private Task<(int ExitCode, string Output, string Error)> RunCliAsync(Dictionary<string, string> environment, params string[] args)
    {
        var variables = new Dictionary<string, string?>
        {
            ["Hotline__DataDirectory"] = Database.DataDirectory,
            ["Hotline__Database__Provider"] = Database.Provider,
            ["Hotline__Database__ConnectionString"] = Database.ConnectionString,
        };
        foreach (var (key, value) in environment)
        {
            variables[key] = value;
        }
        return HotlineCli.RunAsync(args, variables, TimeSpan.FromMinutes(2));
    }
}
