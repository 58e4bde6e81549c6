using System.Text.Json.Nodes;
using Hotline.Knowledge.Search;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Hotline.Knowledge.Tests.Search.Elasticsearch;

/// <summary>
/// A stand-in for an Elasticsearch cluster: a real Kestrel on a dynamic loopback port that records every request and answers
/// each <c>METHOD /path</c> the way the test says (the query string is recorded, not matched). A request nobody set an answer
/// for gets a 500 in Elasticsearch's error shape, so a test fails with the unexpected request in its message.
/// </summary>
internal sealed class FakeElasticsearch : IAsyncDisposable
{
    public const string Alias = "hotline-knowledge";

    private readonly WebApplication _app;
    private readonly List<RecordedRequest> _requests = [];
    private readonly Dictionary<string, Func<HttpContext, Task>> _answers = new(StringComparer.Ordinal);

    private FakeElasticsearch(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    /// <summary>When set, every request gets this status and body, whatever was set per path: a cluster that went down.</summary>
    public (int Status, string Body)? Outage { get; set; }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The requests as "METHOD /path", in order: enough to check a protocol's sequence.</summary>
    public IReadOnlyList<string> Calls => [.. Requests.Select(r => $"{r.Method} {r.Path}")];

    public static async Task<FakeElasticsearch> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var fake = new FakeElasticsearch(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.Url = app.Urls.Single();
        return fake;
    }

    /// <summary>Options for an index on this fake, behind <see cref="Alias"/>, with the analyzer given (no detection by default).</summary>
    public ElasticsearchOptions Options(ChineseAnalyzer analyzer = ChineseAnalyzer.Cjk) =>
        new() { Url = Url, Index = Alias, Analyzer = analyzer, Replicas = 0, TimeoutSeconds = 10 };

    /// <summary>Answers <c>METHOD /path</c> with this status and JSON body.</summary>
    public FakeElasticsearch Answer(string method, string path, int status, string body) => Answer(method, path, async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(body, context.RequestAborted);
    });

    public FakeElasticsearch Answer(string method, string path, Func<HttpContext, Task> answer)
    {
        lock (_answers)
        {
            _answers[$"{method} {path}"] = answer;
        }
        return this;
    }

    /// <summary>The alias exists and points at <c>{Alias}-000001</c>: what <c>GET /_alias/{alias}</c> answers on a running installation.</summary>
    public FakeElasticsearch WithAlias(string index = Alias + "-000001") =>
        Answer("GET", $"/_alias/{Alias}", 200, new JsonObject { [index] = new JsonObject { ["aliases"] = new JsonObject { [Alias] = new JsonObject() } } }.ToJsonString());

    /// <summary>
    /// No such alias: Elasticsearch answers 404 with the bare-string form of <c>error</c> the spec mentions for such edge cases
    /// (<c>{"error":"alias [x] missing","status":404}</c>).
    /// </summary>
    public FakeElasticsearch WithoutAlias() =>
        Answer("GET", $"/_alias/{Alias}", 404, $$"""{"error":"alias [{{Alias}}] missing","status":404}""");

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var request = new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "",
            context.Request.ContentType, context.Request.Headers.Authorization.ToString(), body);
        lock (_requests)
        {
            _requests.Add(request);
        }
        if (Outage is { } outage)
        {
            context.Response.StatusCode = outage.Status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(outage.Body, context.RequestAborted);
            return;
        }
        Func<HttpContext, Task>? answer;
        lock (_answers)
        {
            _answers.TryGetValue($"{request.Method} {request.Path}", out answer);
        }
        if (answer is null)
        {
            context.Response.StatusCode = 500;
            context.Response.ContentType = "application/json";
            var error = new JsonObject
            {
                ["error"] = new JsonObject { ["type"] = "fake_has_no_answer", ["reason"] = $"no answer set for {request.Method} {request.Path}" },
                ["status"] = 500,
            };
            await context.Response.WriteAsync(error.ToJsonString(), context.RequestAborted);
            return;
        }
        await answer(context);
    }
}

/// <summary>What the fake received.</summary>
internal sealed record RecordedRequest(string Method, string Path, string Query, string? ContentType, string Authorization, string Body)
{
    public JsonNode Json => JsonNode.Parse(Body) ?? throw new InvalidOperationException($"{Method} {Path} had no JSON body.");

    /// <summary>An NDJSON body's lines, each parsed (the body's final newline ends the last line; it does not start another).</summary>
    public IReadOnlyList<JsonNode> Lines
    {
        get
        {
            Assert.EndsWith("\n", Body, StringComparison.Ordinal);
            return [.. Body[..^1].Split('\n').Select(line => JsonNode.Parse(line)!)];
        }
    }
}
