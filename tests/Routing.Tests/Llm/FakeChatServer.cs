using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Hotline.Routing.Tests.Llm;

/// <summary>
/// A stand-in for an OpenAI-compatible server: a real Kestrel on a dynamic loopback port that records each
/// <c>POST /v1/chat/completions</c> and answers it the way the test says.
/// </summary>
internal sealed class FakeChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<ChatRequest> _requests = [];

    private FakeChatServer(WebApplication app) => _app = app;

    /// <summary>The API base to configure as <c>Hotline:Llm:Endpoint</c> (ends in <c>/v1</c>).</summary>
    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<ChatRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<FakeChatServer> StartAsync(Func<HttpContext, Task> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var server = new FakeChatServer(app);
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            lock (server._requests)
            {
                server._requests.Add(new ChatRequest(body, context.Request.Headers.Authorization.ToString(),
                    context.Request.ContentType, context.Request.Headers.Accept.ToString()));
            }
            await answer(context);
        });
        await app.StartAsync();
        server.Endpoint = new Uri(app.Urls.Single() + "/v1");
        return server;
    }

    /// <summary>Answers with this status and JSON body, as OpenAI does.</summary>
    public static Func<HttpContext, Task> Json(int status, string body, Action<HttpResponse>? headers = null) => async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        headers?.Invoke(context.Response);
        await context.Response.WriteAsync(body, context.RequestAborted);
    };

    /// <summary>Takes the request and never answers (until the client gives up and the connection closes).</summary>
    public static Func<HttpContext, Task> Silent() => async context =>
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    };

    /// <summary>An API base on a loopback port nothing listens on: connecting is refused.</summary>
    public static Uri ClosedEndpoint()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/v1");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>What the fake received.</summary>
internal sealed record ChatRequest(string Body, string Authorization, string? ContentType, string Accept);
