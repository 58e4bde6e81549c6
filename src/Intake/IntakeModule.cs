using Hotline.Intake.Web;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Intake;

/// <summary>
/// Intake's public surface: every channel a contact arrives on. Today the web form and app API (<c>/api/citizen</c>) and the
/// agent's registration of a call (<c>POST /api/tickets</c>); SMS and voice webhooks come with issue 3.
/// </summary>
public static class IntakeModule
{
    public static IServiceCollection AddIntake(this IServiceCollection services, IConfiguration configuration)
    {
        _ = configuration;
        return services;
    }

    public static IEndpointRouteBuilder MapIntakeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/citizen").WithTags("市民服务").AllowAnonymous().MapCitizenTickets();
        app.MapGroup("/api/tickets").WithTags("工单")
            .RequireAuthorization(p => p.RequireRole([.. Enum.GetValues<StaffRole>().Select(StaffRoles.NameOf)]))
            .MapAgentIntake();
        return app;
    }
}
