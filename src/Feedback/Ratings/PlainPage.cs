using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Feedback.Ratings;

/// <summary>
/// The frame of the server-rendered citizen pages that SMS links open (<c>/rate/{token}</c> here, <c>/track/{code}</c> in Intake):
/// plain HTML forms that work with JavaScript off, on any phone. With JavaScript on, the page hands over to the web console's
/// self-service page (the <c>enhanceTo</c> address of <see cref="Render"/>) once it has checked that the console is served —
/// a host built without the web console keeps the plain page.
/// </summary>
public static class PlainPage
{
    /// <summary>A path every build of the web console answers with its index page (and a host without it with 404).</summary>
    public const string ConsoleProbePath = "/citizen";

    private const string Styles = """
        body { font: 18px/1.6 system-ui, "Noto Sans CJK SC", sans-serif; max-width: 40rem; margin: 1.5rem auto; padding: 0 1rem; color: #1f1f1f; }
        h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; }
        label { display: block; margin: .4rem 0; } input[type=text], input[type=tel], textarea { font-size: 1.1rem; padding: .4rem; width: 100%; box-sizing: border-box; }
        button { font-size: 1.1rem; padding: .5rem 1.5rem; background: #1456c8; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
        fieldset { border: 1px solid #8c8c8c; margin: 1rem 0; } :focus-visible { outline: 3px solid #1456c8; outline-offset: 2px; }
        .error { color: #a8071a; } .done { color: #135200; } .reply { background: #f6ffed; padding: .8rem; border-radius: 4px; white-space: pre-wrap; }
        dt { font-weight: 600; } dd { margin: 0 0 .5rem; } footer { margin-top: 2rem; font-size: .9rem; color: #555; }
        """;

    /// <summary>
    /// A whole page: <paramref name="bodyHtml"/> must already be encoded (use <see cref="Encode"/> for every value). With
    /// <paramref name="enhanceTo"/>, a browser running scripts is sent on to that address; the page stays hidden for at most 1.5 s
    /// while it checks, so it does not flash.
    /// </summary>
    public static ContentHttpResult Render(HttpResponse response, string title, string bodyHtml, string? enhanceTo = null,
        int statusCode = StatusCodes.Status200OK)
    {
        response.Headers.ContentSecurityPolicy = "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'";
        response.Headers.CacheControl = "no-store";
        var html = new StringBuilder();
        html.Append($$"""
            <!doctype html>
            <html lang="zh-CN">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>{{Encode(title)}} · 12345</title>
              <style>{{Styles}}</style>
            """);
        if (enhanceTo is not null)
        {
            // JSON-encoded: the serializer escapes <, > and & too, so the address cannot end the script element.
            html.Append($$"""
                  <script>
                    (function () {
                      var root = document.documentElement, show = function () { root.style.visibility = ''; };
                      root.style.visibility = 'hidden';
                      var timer = setTimeout(show, 1500);
                      fetch({{JsonSerializer.Serialize(ConsoleProbePath)}}, { method: 'HEAD' }).then(function (r) {
                        if (r.ok && (r.headers.get('content-type') || '').indexOf('text/html') === 0) { location.replace({{JsonSerializer.Serialize(enhanceTo)}}); }
                        else { clearTimeout(timer); show(); }
                      }, function () { clearTimeout(timer); show(); });
                    })();
                  </script>
                """);
        }
        html.Append($$"""
            </head>
            <body>
              <main>
                <h1>{{Encode(title)}}</h1>
            {{bodyHtml}}
              </main>
              <footer>12345 政务服务便民热线：电话 12345，也可发送短信办理。</footer>
            </body>
            </html>
            """);
        return TypedResults.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, statusCode);
    }

    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>A time as citizens read it, in the zone the host already converted it to.</summary>
    public static string Time(DateTimeOffset? at) => at is { } t ? t.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : "—";
}
