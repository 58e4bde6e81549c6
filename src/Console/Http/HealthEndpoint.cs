using Hotline.Host.Storage;
using Hotline.Routing.Storage;

namespace Hotline.Host.Http;

/// <summary><c>GET /healthz</c>: 200 once the database is migrated and reachable, 503 otherwise.</summary>
public static class HealthEndpoint
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async (DatabaseInitializer initializer, RoutingDbContext db, CancellationToken ct) =>
        {
            var database = initializer.Ready && await db.Database.CanConnectAsync(ct);
            var body = new { status = database ? "ok" : "unavailable", database = database ? "ok" : "unreachable" };
            return database ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
