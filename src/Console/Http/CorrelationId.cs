namespace Hotline.Host.Http;

/// <summary>
/// One id per request, for following it through the logs: the caller's <c>X-Correlation-Id</c> when it is a plausible id (1–64
/// letters, digits, <c>-</c>, <c>_</c>, <c>.</c>, <c>:</c>; a gateway's or the browser's own), otherwise a new one. It is echoed in the
/// response, becomes the request's <see cref="HttpContext.TraceIdentifier"/> (so a 500's problem quotes it) and is in the log
/// scope of everything logged while the request runs (<c>CorrelationId</c>).
/// </summary>
public static class CorrelationId
{
    public const string Header = "X-Correlation-Id";
    public const string ScopeKey = "CorrelationId";
    private const int MaxLength = 64;

    public static IApplicationBuilder UseCorrelationId(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Hotline.Requests");
        return app.Use(async (context, next) =>
        {
            var id = Accepted(context.Request.Headers[Header].ToString()) ?? Guid.CreateVersion7().ToString("N");
            context.TraceIdentifier = id;
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[Header] = id;
                return Task.CompletedTask;
            });
            using (logger.BeginScope(new Dictionary<string, object> { [ScopeKey] = id }))
            {
                await next(context);
            }
        });
    }

    private static string? Accepted(string value) =>
        value.Length is > 0 and <= MaxLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':') ? value : null;
}
