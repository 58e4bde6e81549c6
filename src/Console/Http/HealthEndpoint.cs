using Hotline.Host.Storage;
using Hotline.Knowledge.Search;
using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Host.Http;

/// <summary>
/// <c>GET /healthz</c> for load balancers and monitors: 200 when the database answers a trivial query and the search index
/// answers a count; otherwise 503 with a JSON body naming what failed (<c>failed: ["searchIndex"]</c>). Each check gets
/// <see cref="CheckTimeout"/>, so a hanging dependency makes the probe fail rather than hang.
/// </summary>
public static class HealthEndpoint
{
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async (DatabaseInitializer initializer, RoutingDbContext db, ISearchIndex index,
            ILoggerFactory logs, CancellationToken ct) =>
        {
            var logger = logs.CreateLogger(typeof(HealthEndpoint));
            var database = initializer.Ready
                ? await CheckAsync("database", t => db.Database.ExecuteSqlRawAsync("SELECT 1", t), logger, ct)
                : "starting";
            var searchIndex = await CheckAsync("searchIndex", t => index.CountAsync(null, t), logger, ct);
            string[] failed = [.. new[] { ("database", database), ("searchIndex", searchIndex) }
                .Where(c => c.Item2 != "ok").Select(c => c.Item1)];
            var body = new { status = failed.Length == 0 ? "ok" : "unavailable", database, searchIndex, failed };
            return failed.Length == 0 ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<string> CheckAsync<T>(string name, Func<CancellationToken, Task<T>> check, ILogger logger,
        CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            await check(timeout.Token);
            return "ok";
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Whatever the dependency throws (refused connection, timeout, a locked file) means "not healthy", never a 500.
            logger.LogWarning("Health check {Check} failed: {Error}", name, e.GetType().Name + ": " + e.Message);
            return timeout.IsCancellationRequested ? "timeout" : "unreachable";
        }
    }
}
