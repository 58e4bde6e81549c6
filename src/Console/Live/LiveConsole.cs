using Hotline.Routing.Outbox;

namespace Hotline.Host.Live;

/// <summary>The live console's server side: the hub, the fan-out from the outbox, and catch-up.</summary>
public static class LiveConsole
{
    public const string HubPath = "/hubs/console";

    /// <summary>Every staff role (the hub's authorization attribute needs a constant).</summary>
    public const string StaffRoleList = "agent,dispatcher,department,supervisor,admin";

    public static IServiceCollection AddLiveConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSignalR();
        services.AddOptions<LiveConsoleOptions>().Bind(configuration.GetSection("Hotline:Console")).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LivePublisher>();
        services.AddSingleton<PushedEvents>();
        services.AddHostedService<ClusterFanOut>();
        services.AddSingleton<LiveSessions>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveSessions>());
        services.AddSingleton<IOutboxHandler, TicketFanOut>();
        services.AddSingleton<IOutboxHandler, FeedbackFanOut>();
        services.AddSingleton<IOutboxHandler, CallFanOut>();
        services.AddSingleton<IOutboxHandler, MissedCallFanOut>();
        return services;
    }

    public static IEndpointRouteBuilder MapLiveConsole(this IEndpointRouteBuilder app)
    {
        app.MapHub<ConsoleHub>(HubPath);
        app.MapGroup("/api/console").WithTags("实时工作台").RequireAuthorization(p => p.RequireRole(StaffRoleList.Split(',')))
            .MapGet("/events", CatchUp.GetAsync);
        return app;
    }
}
