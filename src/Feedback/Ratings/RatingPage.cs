using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hotline.Feedback.Ratings;

/// <summary>
/// The page the rating invitation links to (<c>/rate/{token}</c>): the ticket (masked), five levels, optional dimensions and a
/// comment, posted to the citizen rating API. Plain HTML without dependencies; the web console (issue 6) will replace it.
/// </summary>
public static class RatingPage
{
    public const string PathPrefix = "/rate/";

    public static IEndpointRouteBuilder MapRatingPage(this IEndpointRouteBuilder app)
    {
        app.MapGet(PathPrefix + "{token}", Page).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static ContentHttpResult Page(string token, HttpResponse response)
    {
        var safe = WebUtility.HtmlEncode(token.Length > 120 ? token[..120] : token);
        response.Headers.ContentSecurityPolicy = "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'";
        return TypedResults.Content($$"""
            <!doctype html>
            <html lang="zh-CN">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>服务评价 · 12345</title>
              <style>
                body { font: 18px/1.6 system-ui, "Noto Sans CJK SC", sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1f1f1f; }
                fieldset { border: 1px solid #d9d9d9; margin: 1rem 0; } label { display: block; margin: .3rem 0; }
                button { font-size: 1.1rem; padding: .5rem 1.5rem; } textarea { width: 100%; font-size: 1rem; }
                .error { color: #a8071a; } .done { color: #135200; }
              </style>
            </head>
            <body>
              <main>
                <h1>12345 服务评价</h1>
                <div id="ticket" aria-live="polite">正在读取……</div>
                <form id="form" hidden>
                  <fieldset><legend>总体评价（必选）</legend><div id="levels"></div></fieldset>
                  <label for="comment">意见建议（选填）</label>
                  <textarea id="comment" maxlength="1000" rows="4"></textarea>
                  <p><button type="submit">提交评价</button></p>
                </form>
                <div id="result" aria-live="polite"></div>
              </main>
              <script>
                const token = {{System.Text.Json.JsonSerializer.Serialize(safe)}};
                const api = '/api/citizen/ratings/' + encodeURIComponent(token);
                const text = s => { const d = document.createElement('div'); d.textContent = s ?? ''; return d.innerHTML; };
                (async () => {
                  const res = await fetch(api); const body = await res.json();
                  const box = document.getElementById('ticket');
                  if (!res.ok) { box.innerHTML = '<p class="error">' + text(body.detail) + '</p>'; return; }
                  box.innerHTML = '<p>工单 ' + text(body.trackingCode) + '：' + text(body.title) + '</p>'
                    + (body.reply ? '<p><strong>答复：</strong>' + text(body.reply) + '</p>' : '')
                    + (body.rectificationReport ? '<p><strong>整改反馈：</strong>' + text(body.rectificationReport) + '</p>' : '');
                  if (body.alreadyRated) { box.innerHTML += '<p>您已评价过，感谢您的参与。</p>'; return; }
                  document.getElementById('levels').innerHTML = body.levels.map(l =>
                    '<label><input type="radio" name="level" value="' + l.level + '" required> ' + text(l.label) + '</label>').join('');
                  document.getElementById('form').hidden = false;
                })();
                document.getElementById('form').addEventListener('submit', async e => {
                  e.preventDefault();
                  const level = Number(document.querySelector('input[name=level]:checked').value);
                  const res = await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json' },
                    body: JSON.stringify({ level, comment: document.getElementById('comment').value }) });
                  const body = await res.json();
                  document.getElementById('result').innerHTML = res.ok
                    ? '<p class="done">感谢您的评价！</p>' : '<p class="error">' + text(body.detail) + '</p>';
                  if (res.ok) { document.getElementById('form').hidden = true; }
                });
              </script>
            </body>
            </html>
            """, "text/html", System.Text.Encoding.UTF8);
    }
}
