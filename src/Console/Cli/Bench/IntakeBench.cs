using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hotline.Routing.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Host.Cli.Bench;

/// <summary>What <c>hotline bench intake</c> was asked to do.</summary>
public sealed record IntakeBenchOptions(
    int Requests,
    int Concurrency,
    bool Postgres,
    string? Connection,
    string Messages,
    int HubClients,
    int PushIntakes,
    int PushRate,
    int WarmUp,
    TimeSpan Bound,
    IReadOnlyDictionary<string, string> Settings);

/// <summary>
/// <c>hotline bench intake</c>: Hotline in this process on loopback, against a database made for the run (a SQLite file in a
/// temporary folder, or a new PostgreSQL database on the given server, dropped afterwards), then the push probe, the intake load,
/// and the two limits. Everything it prints before the last line is commentary; the last line is one JSON object.
/// </summary>
public static class IntakeBench
{
    /// <summary>
    /// The per-address and per-number limits would turn a bench from one address into a test of the limiter; a city's peak
    /// comes from many addresses and numbers. The limiter itself still runs on every request.
    /// </summary>
    public const string RateLimitOverride = "Hotline:RateLimits:PerIpPermits and PerPhonePermits set to 1000000 for the bench host";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static HttpClient NewClient(Uri address, int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        UseCookies = false,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>The default message file: <c>../shared/datasets/tipdm2020/messages-unlabelled.jsonl</c> beside the repository.</summary>
    public static string DefaultMessages()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Hotline.sln")))
                {
                    return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "datasets", "tipdm2020", "messages-unlabelled.jsonl"));
                }
            }
        }
        return Path.GetFullPath("messages-unlabelled.jsonl");
    }

    public static async Task<int> RunAsync(IntakeBenchOptions options, TextWriter output, CancellationToken cancel)
    {
        var requests = IntakeRequests.Load(options.Messages);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        bound.CancelAfter(options.Bound); // the whole run stops by itself, whatever happens
        var ct = bound.Token;
        var warmUp = Math.Min(options.WarmUp, options.Requests);
        await using var database = await BenchDatabase.CreateAsync(options.Postgres, options.Connection, options.Settings, ct);
        output.WriteLine($"bench intake: {options.Requests} requests (after {warmUp} warm-up), {options.Concurrency} concurrent clients, " +
            $"{requests.Count} messages from {options.Messages}, {database.Provider} in {(database.IsPostgres ? "a new database" : database.DataDirectory)}");
        output.WriteLine($"note: {RateLimitOverride} (the limiter still runs; one address and a few numbers would otherwise hit it at once).");

        var result = new JsonObject
        {
            ["bench"] = "intake",
            ["db"] = database.Provider.ToLowerInvariant(),
            ["requests"] = options.Requests,
            ["concurrency"] = options.Concurrency,
            ["warm_up"] = warmUp,
            ["rate_limits"] = RateLimitOverride,
            ["settings"] = new JsonObject([.. options.Settings.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value))]),
        };
        LoadFigures ours;
        var password = $"Bench-{Guid.NewGuid():N}";
        var app = HotlineApp.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--Hotline:DataDirectory", database.DataDirectory,
            "--Hotline:Database:Provider", database.Provider,
            "--Hotline:Database:ConnectionString", database.ConnectionString,
            "--Hotline:Demo:Password", password,
            "--Hotline:RateLimits:PerIpPermits", "1000000",
            "--Hotline:RateLimits:PerPhonePermits", "1000000",
            "--Logging:LogLevel:Default", "Warning",
            .. options.Settings.SelectMany(s => new[] { $"--{s.Key}", s.Value }),
        ]);
        await using (app)
        {
            await app.StartAsync(ct);
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            result["durability"] = await DurabilityAsync(app.Services, ct);
            output.WriteLine($"durability: {result["durability"]}");

            if (options.HubClients > 0 && options.PushIntakes > 0)
            {
                var agent = await SignInAsync(address, "agent", password, ct);
                output.WriteLine($"push: {options.HubClients} hub connections (agents), {options.PushIntakes} intakes at {options.PushRate}/s…");
                var push = await PushProbe.RunAsync(address, agent, options.HubClients, requests, options.PushIntakes, options.PushRate, ct);
                output.WriteLine($"push: p50 {push.P50Ms} ms, p99 {push.P99Ms} ms, {push.Deliveries}/{push.Expected} deliveries");
                result["push"] = JsonSerializer.SerializeToNode(push, Json);
                await WaitForOutboxAsync(app.Services, TimeSpan.FromMinutes(2), ct);
            }

            using var client = NewClient(address, options.Concurrency);
            output.WriteLine("intake: warming up…");
            await LoadDriver.RunAsync(warmUp, options.Concurrency, (i, t) => requests.SendAsync(client, i, t), ct);
            output.WriteLine("intake: measuring…");
            ours = await LoadDriver.RunAsync(options.Requests, options.Concurrency, (i, t) => requests.SendAsync(client, warmUp + i, t), ct);
            var backlog = await OutboxBacklogAsync(app.Services, ct);
            result["outbox_backlog_after"] = backlog;
            output.WriteLine($"intake: {ours.RequestsPerSecond}/s, p50 {ours.P50Ms} ms, p99 {ours.P99Ms} ms, {ours.Errors} errors");
            output.WriteLine($"outbox: draining the {backlog} messages the burst left (at most {DrainBound.TotalMinutes} minutes)…");
            var drain = await DrainAsync(app.Services, backlog, ct);
            result["outbox_drain"] = drain;
            output.WriteLine($"outbox: {drain["messages_per_second"]} messages/s, {drain["left"]} left after {drain["seconds"]} s");
            await app.StopAsync(CancellationToken.None);
        }

        output.WriteLine("limit: raw insert of the same rows…");
        var raw = await Limits.RawInsertAsync(database, options.Requests, options.Concurrency, warmUp, ct);
        output.WriteLine("limit: empty Kestrel endpoint…");
        var empty = await Limits.EmptyEndpointAsync(requests, options.Requests, options.Concurrency, warmUp, ct);

        foreach (var (name, value) in JsonSerializer.SerializeToNode(ours, Json)!.AsObject().ToList())
        {
            result[name] = value?.DeepClone();
        }
        result["limits"] = new JsonObject
        {
            ["empty_endpoint"] = JsonSerializer.SerializeToNode(empty, Json),
            ["raw_insert"] = JsonSerializer.SerializeToNode(raw, Json),
        };
        result["ratios"] = new JsonObject
        {
            ["requests_per_second_vs_empty_endpoint"] = Ratio(ours.RequestsPerSecond, empty.RequestsPerSecond),
            ["requests_per_second_vs_raw_insert"] = Ratio(ours.RequestsPerSecond, raw.RequestsPerSecond),
            ["p99_vs_empty_endpoint"] = Ratio(ours.P99Ms, empty.P99Ms),
            ["p99_vs_raw_insert"] = Ratio(ours.P99Ms, raw.P99Ms),
        };
        if (!result.ContainsKey("push"))
        {
            result["push"] = null;
        }
        output.WriteLine(result.ToJsonString());
        return ours.Errors == 0 ? 0 : 1;
    }

    private static double Ratio(double ours, double limit) => limit == 0 ? 0 : Math.Round(ours / limit, 3);

    /// <summary>What "committed" means on this database, read from the host's own connection rather than assumed.</summary>
    private static async Task<string> DurabilityAsync(IServiceProvider services, CancellationToken ct)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (db.Database.IsSqlite())
            {
                var journal = await ScalarAsync(db, "PRAGMA journal_mode", ct);
                var synchronous = await ScalarAsync(db, "PRAGMA synchronous", ct) switch
                {
                    "0" => "OFF",
                    "1" => "NORMAL",
                    "2" => "FULL",
                    "3" => "EXTRA",
                    var other => other,
                };
                return $"sqlite journal_mode={journal}, synchronous={synchronous}; a 201 is sent after COMMIT returned";
            }
            return $"postgresql synchronous_commit={await ScalarAsync(db, "SHOW synchronous_commit", ct)}, " +
                $"fsync={await ScalarAsync(db, "SHOW fsync", ct)}; a 201 is sent after COMMIT returned";
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<string> ScalarAsync(RoutingDbContext db, string sql, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    private static async Task<int> OutboxBacklogAsync(IServiceProvider services, CancellationToken ct)
    {
        using var scope = services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<RoutingDbContext>().Outbox.CountAsync(m => m.DeliveredAt == null, ct);
    }

    /// <summary>How long the drain after the measured burst may take before the bench reports what is left and goes on.</summary>
    private static readonly TimeSpan DrainBound = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How fast the background delivers the work a burst of intakes left (routing, console events, texts): the request path
    /// acknowledges after commit and leaves that work to the outbox, so the acknowledged rate alone would overstate what the
    /// host keeps up with for long. The rate is the backlog's net fall per second (handlers may queue new messages).
    /// </summary>
    private static async Task<JsonObject> DrainAsync(IServiceProvider services, int backlog, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        var left = backlog;
        while (left > 0 && started.Elapsed < DrainBound)
        {
            await Task.Delay(500, ct);
            left = await OutboxBacklogAsync(services, ct);
        }
        var seconds = started.Elapsed.TotalSeconds;
        return new JsonObject
        {
            ["messages"] = backlog,
            ["seconds"] = Math.Round(seconds, 1),
            ["messages_per_second"] = seconds == 0 ? 0 : Math.Round((backlog - left) / seconds, 1),
            ["left"] = left,
        };
    }

    /// <summary>Lets the push probe's background work finish, so it does not weigh on the intake figures.</summary>
    private static async Task WaitForOutboxAsync(IServiceProvider services, TimeSpan bound, CancellationToken ct)
    {
        var until = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < until && await OutboxBacklogAsync(services, ct) > 0)
        {
            await Task.Delay(200, ct);
        }
    }

    private static async Task<CookieContainer> SignInAsync(Uri address, string userName, string password, CancellationToken ct)
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = address };
        var response = await http.PostAsJsonAsync("/api/auth/login", new { userName, password }, ct);
        response.EnsureSuccessStatusCode();
        return cookies;
    }
}
