namespace Hotline.Host.Http;

/// <summary>
/// Headers every response carries, errors included: set when the response starts, so the exception handler clearing a failed
/// response cannot drop them. An endpoint that needs its own Content-Security-Policy (the server-rendered tracking and rating
/// pages, attachment downloads) sets it and keeps it.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// For the staff console, a Vite-built React SPA served from this origin: scripts only from our own files (no inline script,
    /// no eval), styles also inline because Ant Design injects its CSS-in-JS at run time, images and fonts also as data: and
    /// blob: URLs (previews of uploads), requests — fetch and the SignalR WebSocket — only to this origin ('self' matches ws: and
    /// wss: on the same host in CSP Level 3), never framed.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            if (!headers.ContainsKey("Content-Security-Policy"))
            {
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
            }
            if (context.Request.IsHttps)
            {
                headers.StrictTransportSecurity = "max-age=31536000";
            }
            return Task.CompletedTask;
        });
        return next(context);
    });
}
