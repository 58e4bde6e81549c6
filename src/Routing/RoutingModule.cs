using Hotline.Routing.Calendar;
using Hotline.Routing.Callback;
using Hotline.Routing.Cases;
using Hotline.Routing.Catalogue;
using Hotline.Routing.Deadlines;
using Hotline.Routing.Departments;
using Hotline.Routing.Dispatch;
using Hotline.Routing.Engine;
using Hotline.Routing.Handling;
using Hotline.Routing.Llm;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Supervision;
using Hotline.Routing.Telemetry;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Routing;

/// <summary>
/// Routing's public surface: the ticket and its life, deadlines on the working-day calendar, departments, and the outbox that
/// tells other modules what happened. The host calls <see cref="AddRouting"/> and <see cref="MapRoutingEndpoints"/>.
/// </summary>
public static class RoutingModule
{
    /// <summary>Registers Routing; <paramref name="configureDatabase"/> chooses the provider and connection (the host owns that decision).</summary>
    public static IServiceCollection AddRouting(this IServiceCollection services, IConfiguration configuration,
        Action<IServiceProvider, DbContextOptionsBuilder> configureDatabase)
    {
        // Pooled: every request and outbox handler uses this context, and creating one (EF's internal services for it) was the
        // largest cost of a citizen intake after the commit itself (README, "Intake throughput").
        services.AddDbContextPool<RoutingDbContext>(configureDatabase);
        services.AddOptions<SlaOptions>().Bind(configuration.GetSection("Hotline:Sla")).ValidateDataAnnotations()
            .Validate(o => !o.Validate().Any(), "Hotline:Sla has invalid values (see the start-up log).").ValidateOnStart();
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection("Hotline:Outbox")).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OverdueOptions>().Bind(configuration.GetSection("Hotline:Overdue")).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CalendarProvider>();
        services.AddSingleton<OutboxSignal>();
        services.AddMetrics();
        services.AddSingleton<HotlineMetrics>(); // the "Hotline" meter: intakes, dispatches, overdue, ratings, outbox backlog
        services.AddScoped<DeadlinePolicy>();
        services.AddScoped<TicketViews>();
        services.AddScoped<TicketWorkflow>();
        services.AddSingleton<GroupCommit>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.AddOptions<RoutingOptions>().Bind(configuration.GetSection("Hotline:Routing")).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ModelStore>();
        services.AddScoped<RoutingEngine>();
        services.AddScoped<RoutingTrainer>();
        // The optional LLM member of the ensemble: registered only when Hotline:Llm names an endpoint and a model.
        services.AddLlmRouting(configuration);
        if ((configuration.GetSection(LlmOptions.SectionName).Get<LlmOptions>() ?? new LlmOptions()).IsConfigured)
        {
            services.AddScoped<IRoutingAdvisor, LlmRoutingMember>(); // the LLM as a member of the engine (it needs the tables above)
        }
        services.AddSingleton<IOutboxHandler, AutoRouter>();
        services.AddSingleton<IOutboxHandler, WaitingTicketsReclassifier>();
        services.AddSingleton<IOutboxHandler, WaitingTicketReclassifier>();
        services.AddScoped<SimilarCaseFinder>();
        services.AddSingleton<IOutboxHandler, CaseIndexer>();
        services.AddSingleton<CatalogueIndexer>();
        services.AddHostedService(sp => sp.GetRequiredService<CatalogueIndexer>());
        services.AddSingleton<Knowledge.Search.ISearchDocumentSource>(sp => sp.GetRequiredService<CatalogueIndexer>());
        services.AddSingleton<IOutboxHandler, KnowledgeCitationRecorder>();
        services.AddHostedService<ScheduledRetraining>();
        services.AddSingleton<BackgroundClaims>();
        services.AddSingleton<OverdueMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<OverdueMonitor>());
        return services;
    }

    /// <summary>Maps staff ticket endpoints under <c>/api/tickets</c>, reference data under <c>/api</c>, admin under <c>/api/admin</c>.</summary>
    public static IEndpointRouteBuilder MapRoutingEndpoints(this IEndpointRouteBuilder app)
    {
        var staff = StaffRoles();
        app.MapGroup("/api/tickets").WithTags("工单").RequireAuthorization(p => p.RequireRole(staff))
            .MapTicketReading()
            .MapDispatch()
            .MapHandling()
            .MapSupervision()
            .MapCallback()
            .MapSimilarCases();
        app.MapGroup("/api").WithTags("基础数据").RequireAuthorization(p => p.RequireRole(staff))
            .MapDepartmentReading()
            .MapCalendarQueries()
            .MapRoutingAdvice()
            .MapCatalogueReading();
        app.MapGroup("/api/admin").WithTags("系统管理").RequireAuthorization(p => p.RequireRole(Tickets.StaffRoles.Admin))
            .MapDepartmentAdmin()
            .MapCalendarAdmin()
            .MapRoutingAdmin()
            .MapCatalogueAdmin();
        return app;
    }

    /// <summary>
    /// Brings the search index in line with Routing's tables at start-up: catalogue entries and closed tickets (past cases) are
    /// re-indexed when the index holds a different number of them (a new, lost or replaced index).
    /// </summary>
    public static async Task ReconcileSearchIndexAsync(RoutingDbContext db, Knowledge.Search.ISearchIndex index, CancellationToken ct)
    {
        await CatalogueSearch.ReconcileAsync(db, index, ct);
        await CaseSearch.ReconcileAsync(db, index, ct);
    }

    private static string[] StaffRoles() => [.. Enum.GetValues<StaffRole>().Select(Tickets.StaffRoles.NameOf)];
}
