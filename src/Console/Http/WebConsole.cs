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
            app.MapFallback(context => IsServerPath(context.Request.Path) ? NotFound(context) : NotBuilt(context))
                .ReadOnly().ExcludeFromDescription();
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
        async Task ServeIndex(HttpContext context)
        {
            if (IsServerPath(context.Request.Path))
            {
                await NotFound(context);
                return;
            }
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.SendFileAsync(files.GetFileInfo("index.html"));
        }
        app.MapFallback(ServeIndex).ReadOnly().ExcludeFromDescription();
        // The default fallback leaves paths that look like file names to the static files (a missing bundle stays a 404); a
        // rating link's token has a dot in it (payload.signature), so every path under /citizen is the app's.
        app.MapFallback("/citizen/{**path}", ServeIndex).ReadOnly().ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Pages are only read: a fallback that also matched POST would stand in for an API endpoint that refused the request's
    /// content type (415) or method (405) and turn the refusal into a 404.
    /// </summary>
    private static TBuilder ReadOnly<TBuilder>(this TBuilder fallback) where TBuilder : IEndpointConventionBuilder =>
        fallback.WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));

    private static bool IsServerPath(PathString path) =>
        ServerPrefixes.Any(prefix => path.StartsWithSegments(prefix.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Title = "未找到", Detail = $"没有 {context.Request.Method} {context.Request.Path} 这个接口。", Status = 404 },
        }).AsTask();
    }

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
