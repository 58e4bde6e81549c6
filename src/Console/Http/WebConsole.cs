using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Hotline.Host.Http;

/// <summary>
/// Serves the web console (src/Console/web, built into <c>wwwroot</c> beside the binary by the .NET build). Hashed bundles under
/// <c>/assets/</c> are cached for a year; every other path that is not an API, the hub or a server page answers
/// <c>index.html</c> (never cached), so a deep link such as <c>/department</c> or <c>/citizen/track</c> opens its page.
/// </summary>
public static class WebConsole
{
    /// <summary>Paths that belong to the server, never to the single-page app: an unknown API path stays a 404 problem.</summary>
    private static readonly string[] ServerPrefixes = ["/api", "/hubs", "/openapi", "/healthz", "/rate/", "/track/"];

    public static string DefaultRoot => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    public static WebApplication UseWebConsole(this WebApplication app)
    {
        var root = app.Configuration["Hotline:WebRoot"] is { Length: > 0 } configured ? Path.GetFullPath(configured) : DefaultRoot;
        var index = Path.Combine(root, "index.html");
        if (!File.Exists(index))
        {
            // Built with -p:SkipWebBuild=true (or npm missing): the API works; the pages say why they are absent.
            app.Use((context, next) => context.GetEndpoint() is null && IsAppPage(context.Request) ? NotBuilt(context) : next());
            return app;
        }
        var files = new PhysicalFileProvider(root);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.CacheControl = context.Context.Request.Path.StartsWithSegments("/assets")
                    ? "public, max-age=31536000, immutable"
                    : "no-cache";
            },
        });
        // A page is what no endpoint claimed: middleware after routing rather than MapFallback, whose catch-all route would also be a
        // candidate for every API path and take the framework's answers there (a known route with the wrong content type, 415, or
        // method, 405, became a 404). Paths that look like file names stay 404s (a missing bundle), except under /citizen: a rating
        // link's token has a dot in it (payload.signature).
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint() is not null || !IsAppPage(context.Request))
            {
                await next();
                return;
            }
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.SendFileAsync(files.GetFileInfo("index.html"));
        });
        return app;
    }

    /// <summary>A GET or HEAD of a path outside the server's, whose last segment has no dot unless it is under /citizen.</summary>
    private static bool IsAppPage(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && !IsServerPath(request.Path)
        && (request.Path.StartsWithSegments("/citizen") || !Path.HasExtension(request.Path.Value));

    private static bool IsServerPath(PathString path) =>
        ServerPrefixes.Any(prefix => path.StartsWithSegments(prefix.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));

    private static Task NotBuilt(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers[HeaderNames.CacheControl] = "no-cache";
        return context.Response.WriteAsync(
            "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>12345 热线</title>" +
            "<p>网页工作台未构建（构建时使用了 -p:SkipWebBuild=true 或缺少 npm）。接口照常可用：/openapi/v1.json。</p></html>");
    }
}
