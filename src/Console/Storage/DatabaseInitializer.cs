using Hotline.Host.Seeding;
using Hotline.Host.Staff;
using Hotline.Intake;
using Hotline.Intake.Storage;
using Hotline.Routing.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Hotline.Host.Storage;

/// <summary>
/// Runs before the server accepts requests: creates or upgrades the schema, seeds reference data and, on a new installation,
/// the demo city. Registered first among hosted services, so nothing else starts on an unmigrated database.
/// </summary>
public sealed class DatabaseInitializer(IServiceProvider services, DatabaseSettings settings, IConfiguration configuration,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public bool Ready { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        var routing = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        await settings.PrepareAsync(routing, cancellationToken);
        await RoutingDatabase.MigrateAsync(routing, scope.ServiceProvider.GetRequiredService<IClock>(), cancellationToken);
        await scope.ServiceProvider.GetRequiredService<HostDbContext>().Database.MigrateAsync(cancellationToken);
        await Knowledge.KnowledgeModule.MigrateAsync(scope.ServiceProvider.GetRequiredService<Knowledge.Storage.KnowledgeDbContext>(),
            scope.ServiceProvider.GetRequiredService<Knowledge.Articles.ArticleIndexer>(), cancellationToken);
        await IntakeDatabase.MigrateAsync(scope.ServiceProvider.GetRequiredService<IntakeDbContext>(), cancellationToken);
        await Feedback.FeedbackModule.MigrateAsync(scope.ServiceProvider.GetRequiredService<Feedback.Storage.FeedbackDbContext>(), cancellationToken);
        await BackfillCitationsAsync(routing, scope.ServiceProvider.GetRequiredService<Knowledge.Storage.KnowledgeDbContext>(), cancellationToken);
        if (configuration.GetValue("Hotline:Demo:Seed", true))
        {
            await DemoCity.SeedReferenceDataAsync(routing, cancellationToken);
            var created = await DemoCity.SeedStaffAsync(
                scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>(),
                scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>(),
                configuration["Hotline:Demo:Password"]);
            PrintAccounts(created);
        }
        try
        {
            await Routing.RoutingModule.ReconcileSearchIndexAsync(routing,
                scope.ServiceProvider.GetRequiredService<Knowledge.Search.ISearchIndex>(), cancellationToken);
        }
        catch (Knowledge.Search.SearchIndexUnavailableException e)
        {
            // An Elasticsearch outage must not keep the host down (/healthz reports it); the catalogue's indexer retries the check.
            scope.ServiceProvider.GetRequiredService<Routing.Catalogue.CatalogueIndexer>()
                .MarkBehind(e, "catalogue entries and past cases could not be checked against the index at start-up");
        }
        var calendar = await scope.ServiceProvider.GetRequiredService<Routing.Calendar.CalendarProvider>().GetAsync(cancellationToken);
        var today = scope.ServiceProvider.GetRequiredService<Routing.Deadlines.DeadlinePolicy>()
            .LocalDateOf(scope.ServiceProvider.GetRequiredService<IClock>().GetCurrentInstant());
        if (calendar.CoverageOn(today).Warning is { } warning)
        {
            logger.LogWarning("Working-day calendar: {Warning}", warning);
        }
        if (!IntakeModule.TwilioConfigured(services))
        {
            logger.LogWarning("SMS and voice channels are off: Hotline:Twilio is not configured (see README). Web, app and agent intake work.");
        }
        if (!IntakeModule.SmtpConfigured(services))
        {
            logger.LogWarning("E-mail to departments is off: Hotline:Smtp is not configured (see README).");
        }
        Ready = true;
        logger.LogInformation("Database ready ({Provider}, data in {DataDirectory})", settings.Provider, settings.DataDirectory);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Counts the knowledge articles cited by direct answers given before citations were counted (an upgrade): once, on one
    /// host, until it has succeeded.
    /// </summary>
    private async Task BackfillCitationsAsync(RoutingDbContext routing, Knowledge.Storage.KnowledgeDbContext knowledge, CancellationToken ct)
    {
        try
        {
            await services.GetRequiredService<Routing.Supervision.BackgroundClaims>().RunOnceAsync(Routing.Dispatch.KnowledgeCitationRecorder.BackfillJob,
                async token =>
                {
                    var added = await Routing.Dispatch.KnowledgeCitationRecorder.BackfillAsync(routing, knowledge, token);
                    logger.LogInformation("Recorded {Count} knowledge citations of direct answers given before citations were counted", added);
                }, ct);
        }
        catch (DbUpdateException e)
        {
            // A write refused (the database busy, say): what was saved stays, nothing is counted twice, and the next start
            // finishes the rest. Not a reason to keep the host down.
            knowledge.ChangeTracker.Clear();
            logger.LogWarning("Knowledge citations of earlier direct answers were not all recorded at start-up; the next start goes on: {Reason}",
                e.GetBaseException().Message);
        }
    }

    // Printed once, on the run that creates the accounts: passwords are random and stored only as hashes.
    private static void PrintAccounts(IReadOnlyList<(string Role, string UserName, string Password)> created)
    {
        if (created.Count == 0)
        {
            return;
        }
        Console.WriteLine();
        Console.WriteLine("==== Hotline 演示账号（只在首次启动时显示，请妥善保存）====");
        foreach (var (role, userName, password) in created)
        {
            Console.WriteLine($"  {role,-6}\t用户名 {userName,-12}\t密码 {password}");
        }
        Console.WriteLine("==========================================================");
        Console.WriteLine();
    }
}
