using Hotline.Feedback.Appeals;
using Hotline.Feedback.Callbacks;
using Hotline.Feedback.History;
using Hotline.Feedback.Platform;
using Hotline.Feedback.Ratings;
using Hotline.Feedback.Rectification;
using Hotline.Feedback.Storage;
using Hotline.Routing.Audit;
using Hotline.Routing.Outbox;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Feedback;

/// <summary>
/// Feedback's public surface: ratings from every channel (<see cref="RatingService"/>), the citizen's rating link
/// (<c>/api/citizen/ratings/{token}</c>), and for staff under <c>/api/feedback</c> the ratings (identity protected), callbacks (回访),
/// rectification of bad reviews (差评整改), appeals (申诉复核) and the audit of pushes to the 好差评 platform
/// (<see cref="PlatformPusher"/>). The host calls <see cref="AddFeedback"/>, <see cref="MapFeedbackEndpoints"/> and
/// <see cref="MigrateAsync"/> after Routing's migration.
/// </summary>
public static class FeedbackModule
{
    /// <summary>Registers Feedback; <paramref name="configureDatabase"/> points its context at the host's database.</summary>
    public static IServiceCollection AddFeedback(this IServiceCollection services, IConfiguration configuration,
        Action<IServiceProvider, DbContextOptionsBuilder> configureDatabase)
    {
        services.AddDbContext<FeedbackDbContext>(configureDatabase);
        services.AddOptions<FeedbackOptions>().Bind(configuration.GetSection(FeedbackOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => !o.Validate().Any(), $"{FeedbackOptions.SectionName} has invalid values (TokenKey must be base64 of 32+ bytes).")
            .ValidateOnStart();
        services.AddSingleton<RatingTokens>();
        services.AddScoped<FeedbackJournal>();
        services.AddScoped<RectificationDeadlines>();
        services.AddScoped<RatingService>();
        services.AddScoped<RatingViews>();
        services.AddScoped<RectificationDesk>();
        services.AddScoped<RectificationViews>();
        services.AddScoped<AppealDesk>();
        services.AddScoped<AppealViews>();
        services.AddScoped<CallbackDesk>();
        services.AddSingleton<IOutboxHandler, CallbackPlanner>();
        services.AddOptions<PlatformOptions>().Bind(configuration.GetSection(PlatformOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => !o.Validate().Any(), $"{PlatformOptions.SectionName} is invalid or only partly set (Endpoint needs Secret and RegionCode).")
            .ValidateOnStart();
        services.AddHttpClient(PlatformPusher.HttpClientName);
        services.AddScoped<PlatformRecords>();
        services.AddSingleton<IOutboxHandler, PlatformPusher>();
        services.AddSingleton<RectificationMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<RectificationMonitor>());
        return services;
    }

    /// <summary>
    /// Maps the citizen's rating link under <c>/api/citizen</c> (with <paramref name="citizenRateLimitPolicy"/>, the host's limit
    /// for anonymous endpoints) and the staff endpoints under <c>/api/feedback</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapFeedbackEndpoints(this IEndpointRouteBuilder app, string? citizenRateLimitPolicy)
    {
        var citizen = app.MapGroup("/api/citizen").WithTags("市民评价").AllowAnonymous();
        if (citizenRateLimitPolicy is not null)
        {
            citizen.RequireRateLimiting(citizenRateLimitPolicy);
        }
        citizen.MapCitizenRatings();
        app.MapGroup("/api/feedback").WithTags("好差评")
            .RequireAuthorization(p => p.RequireRole([.. Enum.GetValues<StaffRole>().Select(StaffRoles.NameOf)]))
            .MapRatings()
            .MapRectifications()
            .MapAppeals()
            .MapCallbacks()
            .MapPlatformDeliveries();
        app.MapRatingPage(citizenRateLimitPolicy);
        return app;
    }

    /// <summary>Creates or upgrades Feedback's tables (after Routing's: the history trigger shares Routing's refusal function).</summary>
    public static async Task MigrateAsync(FeedbackDbContext db, CancellationToken ct)
    {
        await db.Database.MigrateAsync(ct);
        // History rows written before hash chains existed are hashed once, per ticket (see Routing's AuditSeal).
        await AuditSeal.SealLogAsync(db, AuditLogs.FeedbackHistory, (key, after, take) =>
        {
            var ticket = new TicketId(Guid.Parse(key));
            return db.History.Where(h => h.TicketId == ticket && h.Sequence > after).OrderBy(h => h.Sequence).Take(take).ToListAsync(ct);
        }, ct);
    }
}
