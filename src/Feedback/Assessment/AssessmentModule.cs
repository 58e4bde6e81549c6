using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Feedback.Assessment;

/// <summary>Registers the assessment (考核) and maps its endpoints under <c>/api/assessment</c>.</summary>
public static class AssessmentModule
{
    public static IServiceCollection AddAssessment(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AssessmentOptions>().Bind(configuration.GetSection(AssessmentOptions.Section))
            .Validate(o => o.Weights.All(w => Metrics.IsRate(w.Key) && w.Value >= 0) && o.Weights.Values.Sum() > 0,
                "Hotline:Assessment:Weights must weigh rates only, with non-negative weights that are not all zero.")
            .Validate(o => o.RepeatWindowDays is >= 1 and <= 365, "Hotline:Assessment:RepeatWindowDays must be 1 to 365.")
            .ValidateOnStart();
        services.AddScoped<AssessmentCalculator>();
        services.AddSingleton<PublicSummaryCache>();
        return services;
    }

    public static IEndpointRouteBuilder MapAssessmentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api").WithTags("考核统计")
            .RequireAuthorization(p => p.RequireRole(StaffRoles.Supervisor, StaffRoles.Admin, StaffRoles.Department))
            .MapAssessment();
        return app;
    }
}
