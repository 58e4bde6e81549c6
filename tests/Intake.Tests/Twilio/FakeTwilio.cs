using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Hotline.Intake.Tests.Twilio;

/// <summary>
/// A stand-in for <c>api.twilio.com</c>: a real Kestrel on a dynamic loopback port that records each Messages.json request and
/// answers it the way the test says.
/// </summary>
internal sealed class FakeTwilio : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<CapturedRequest> _requests = [];

    private FakeTwilio(WebApplication app) => _app = app;

    /// <summary>Where the fake listens, to use as <c>ApiBaseUrl</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<CapturedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<FakeTwilio> StartAsync(Func<HttpContext, Task> answer, Func<HttpContext, Task>? list = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var fake = new FakeTwilio(app);
        app.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            lock (fake._requests)
            {
                fake._requests.Add(new CapturedRequest(
                    context.Request.Method,
                    context.Features.Get<IHttpRequestFeature>()!.RawTarget,
                    context.Request.Headers.Authorization.ToString(),
                    context.Request.ContentType,
                    context.Request.Headers.Accept.ToString(),
                    [.. form.SelectMany(f => f.Value.Select(v => KeyValuePair.Create(f.Key, v ?? "")))]));
            }
            await answer(context);
        });
        if (list is not null)
        {
            app.MapGet("/2010-04-01/Accounts/{accountSid}/Messages.json", list);
        }
        await app.StartAsync();
        fake.BaseUrl = app.Urls.Single();
        return fake;
    }

    /// <summary>Answers with this status and JSON body, as Twilio does.</summary>
    public static Func<HttpContext, Task> Json(int status, string body, Action<HttpResponse>? headers = null) => async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        headers?.Invoke(context.Response);
        await context.Response.WriteAsync(body, context.RequestAborted);
    };

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>What the fake received.</summary>
internal sealed record CapturedRequest(
    string Method,
    string RawTarget,
    string Authorization,
    string? ContentType,
    string Accept,
    IReadOnlyList<KeyValuePair<string, string>> Form);
