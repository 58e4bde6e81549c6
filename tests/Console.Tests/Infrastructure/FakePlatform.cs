using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Hotline.Console.Tests.Infrastructure;

/// <summary>
/// A stand-in for a provincial 好差评 platform: a real Kestrel on a dynamic loopback port that records every POST (headers and
/// the exact body bytes) and answers with the statuses a test queued (200 when none is queued).
/// </summary>
public sealed class FakePlatform : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<PlatformRequest> _requests = [];
    private readonly Queue<int> _statuses = new();

    private FakePlatform(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public IReadOnlyList<PlatformRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public void Answer(params int[] statuses)
    {
        lock (_statuses)
        {
            foreach (var status in statuses)
            {
                _statuses.Enqueue(status);
            }
        }
    }

    public static async Task<FakePlatform> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var fake = new FakePlatform(app);
        app.MapPost("/api/hcp/records", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            lock (fake._requests)
            {
                fake._requests.Add(new PlatformRequest(
                    context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                    context.Request.ContentType, buffer.ToArray()));
            }
            int status;
            lock (fake._statuses)
            {
                status = fake._statuses.Count > 0 ? fake._statuses.Dequeue() : 200;
            }
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(status < 300 ? "{\"code\":0,\"message\":\"ok\"}" : $"{{\"code\":{status},\"message\":\"记录格式不正确\"}}",
                context.RequestAborted);
        });
        await app.StartAsync();
        fake.Url = app.Urls.Single() + "/api/hcp/records";
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>What the platform received.</summary>
public sealed record PlatformRequest(IReadOnlyDictionary<string, string> Headers, string? ContentType, byte[] Body)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}
