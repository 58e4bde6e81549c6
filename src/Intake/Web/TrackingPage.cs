using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hotline.Intake.Web;

/// <summary>
/// The page the "your ticket was answered" text links to (<c>/track/{code}</c>): the citizen enters the phone number they used and
/// sees progress and the reply, read from the public tracking API. A plain page with no dependencies; the web console (issue 6)
/// will serve its own self-service pages, and this link keeps working in the meantime.
/// </summary>
public static class TrackingPage
{
    public static IEndpointRouteBuilder MapTrackingPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/track/{code}", Page).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static ContentHttpResult Page(string code, HttpResponse response)
    {
        var safe = WebUtility.HtmlEncode(code.Length > 16 ? code[..16] : code);
        response.Headers.ContentSecurityPolicy = "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'";
        return TypedResults.Content($$"""
            <!doctype html>
            <html lang="zh-CN">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>工单查询 {{safe}} · 12345</title>
              <style>
                body { font: 18px/1.6 system-ui, "Noto Sans CJK SC", sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1f1f1f; }
                label, input, button { font-size: 1.1rem; } input { padding: .4rem; width: 12rem; } button { padding: .4rem 1rem; }
                li { margin: .3rem 0; } .error { color: #a8071a; } .reply { background: #f6ffed; padding: .8rem; border-radius: 4px; }
              </style>
            </head>
            <body>
              <main>
                <h1>12345 工单查询</h1>
                <p>查询码：<strong id="code">{{safe}}</strong></p>
                <form id="form">
                  <label for="phone">提交诉求时的手机号码</label><br>
                  <input id="phone" name="phone" inputmode="tel" autocomplete="tel" required>
                  <button type="submit">查询</button>
                </form>
                <div id="result" aria-live="polite"></div>
              </main>
              <script>
                const code = document.getElementById('code').textContent;
                const text = s => { const d = document.createElement('div'); d.textContent = s ?? ''; return d.innerHTML; };
                document.getElementById('form').addEventListener('submit', async e => {
                  e.preventDefault();
                  const out = document.getElementById('result');
                  const phone = document.getElementById('phone').value;
                  const res = await fetch('/api/citizen/tickets/' + encodeURIComponent(code) + '?phone=' + encodeURIComponent(phone));
                  const body = await res.json();
                  if (!res.ok) { out.innerHTML = '<p class="error">' + text(body.detail || '查询失败，请稍后再试。') + '</p>'; return; }
                  out.innerHTML = '<h2>' + text(body.stateLabel) + '</h2><p>' + text(body.title) + '</p>'
                    + (body.reply ? '<div class="reply"><strong>答复：</strong>' + text(body.reply) + '</div>' : '')
                    + '<ol>' + body.progress.map(m => '<li>' + text(new Date(m.at).toLocaleString('zh-CN')) + ' ' + text(m.label) + '</li>').join('') + '</ol>';
                });
              </script>
            </body>
            </html>
            """, "text/html", System.Text.Encoding.UTF8);
    }
}
