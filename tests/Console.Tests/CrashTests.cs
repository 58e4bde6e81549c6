using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Intake.Tests.Twilio;
using Hotline.Routing.Outbox;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Hotline.Console.Tests;

/// <summary>
/// A real crash: Hotline runs as its own process, acknowledges a submission and a dispatch, and is killed with SIGKILL before it
/// delivers anything. A host started on the same database afterwards has the ticket and delivers every committed timeline entry.
/// </summary>
public sealed partial class CrashTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async ValueTask InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task CommittedEntries_SurviveSigkill_AndAreDeliveredAfterRestart()
    {
        var ticketId = await RunAndKillAsync(new Dictionary<string, string>(), async http =>
        {
            var receipt = JsonNode.Parse(await (await http.PostAsJsonAsync("/api/citizen/tickets",
                new { content = "崩溃测试：路灯不亮", phone = "13812345678" })).Content.ReadAsStringAsync())!;
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/api/auth/login", new { userName = "agent", password = TestHost.DemoPassword })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync($"/api/tickets/{receipt.Str("id")}/dispatch", new { leadDepartmentId = "city-housing" })).StatusCode);
            return receipt.Str("id");
        });

        var recorder = new RecordingHandler(TicketEvent.Topic);
        await using var restarted = await RestartAsync(services: s => s.AddSingleton<IOutboxHandler>(recorder));
        for (var i = 0; i < 200 && recorder.Received.Count < 2; i++)
        {
            await Task.Delay(50);
        }
        var agent = await restarted.SignInAsync("agent");
        Assert.Equal("Dispatched", (await agent.GetOkAsync($"/api/tickets/{ticketId}")).Str("state"));
        Assert.Equal(["Registered", "Dispatched"], recorder.Received.Select(m => OutboxWriter.Read<TicketEvent>(m).Kind));
    }

    [Fact]
    public async Task TextAcceptedBeforeSigkill_IsSentExactlyOnce_AcrossRestarts()
    {
        await using var twilio = await FakeTwilio.StartAsync(FakeTwilio.Json(201,
            TwilioFixtures.Read("messages.create.response.201.json")));
        var settings = new Dictionary<string, string>
        {
            ["Hotline:Twilio:AccountSid"] = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            ["Hotline:Twilio:AuthToken"] = "crash-test-token",
            ["Hotline:Twilio:FromNumber"] = "+15005550006",
            ["Hotline:Twilio:PublicBaseUrl"] = "https://hotline.example.test",
            ["Hotline:Twilio:ApiBaseUrl"] = twilio.BaseUrl,
        };
        await RunAndKillAsync(settings, async http =>
        {
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/api/auth/login", new { userName = "agent", password = TestHost.DemoPassword })).StatusCode);
            var created = await http.PostAsJsonAsync("/api/tickets", new { content = "来电：崩溃前登记", phone = "13812345678" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            return "";
        });
        Assert.Empty(twilio.Requests);

        for (var life = 0; life < 2; life++)
        {
            await using var host = await RestartAsync(settings);
            var dispatcher = host.Get<OutboxDispatcher>();
            for (var i = 0; i < 200 && twilio.Requests.Count == 0; i++)
            {
                await dispatcher.DeliverPendingAsync(CancellationToken.None);
                await Task.Delay(25);
            }
            await dispatcher.DeliverPendingAsync(CancellationToken.None);
        }
        var sent = Assert.Single(twilio.Requests);
        Assert.Equal("+8613812345678", sent.Form.Single(f => f.Key == "To").Value);
    }

    [Fact]
    public async Task KilledInTheMiddleOfALoad_LosesNoAcknowledgedTicket_AndSendsEveryTextExactlyOnce()
    {
        // Like Twilio: every accepted message gets its own sid, and the message list (which the sender asks after a crash, for a
        // text it handed over without recording the answer) shows what was accepted.
        var accepted = new System.Collections.Concurrent.ConcurrentQueue<JsonObject>();
        await using var twilio = await FakeTwilio.StartAsync(async context =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var message = JsonNode.Parse(TwilioFixtures.Read("messages.create.response.201.json"))!.AsObject();
            message["sid"] = "SM" + Guid.NewGuid().ToString("N");
            message["to"] = form["To"].ToString();
            message["body"] = form["Body"].ToString();
            message["date_created"] = DateTimeOffset.UtcNow.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", System.Globalization.CultureInfo.InvariantCulture);
            accepted.Enqueue(message);
            context.Response.StatusCode = 201;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(message.ToJsonString());
        }, list: async context =>
        {
            var to = context.Request.Query["To"].ToString();
            var page = new JsonObject
            {
                ["messages"] = new JsonArray([.. accepted.Where(m => m["to"]!.GetValue<string>() == to).Reverse().Select(m => m.DeepClone())]),
                ["page"] = 0,
                ["page_size"] = 50,
                ["next_page_uri"] = null,
            };
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(page.ToJsonString());
        });
        var settings = new Dictionary<string, string>
        {
            ["Hotline:Twilio:AccountSid"] = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            ["Hotline:Twilio:AuthToken"] = "crash-test-token",
            ["Hotline:Twilio:FromNumber"] = "+15005550006",
            ["Hotline:Twilio:PublicBaseUrl"] = "https://hotline.example.test",
            ["Hotline:Twilio:ApiBaseUrl"] = twilio.BaseUrl,
            // Short claims: the batches of the restarted hosts (two deliverers each, under the restart's load) outlive them, so
            // messages are claimed again while an earlier claim's holder is still working: texts must still go once.
            ["Hotline:Outbox:ClaimSeconds"] = "15",
        };
        // Sixteen agents register calls as fast as they can; the process is killed once 120 are acknowledged, while requests,
        // commits and text deliveries are all in flight. Each call comes from its own number, so every text names its ticket.
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(); // phone → ticket id
        var attempted = 0;
        await RunAndKillAsync(settings, async http =>
        {
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/api/auth/login", new { userName = "agent", password = TestHost.DemoPassword })).StatusCode);
            using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var workers = Enumerable.Range(0, 16).Select(async worker =>
            {
                while (acknowledged.Count < 120 && !enough.IsCancellationRequested)
                {
                    var phone = $"139{Interlocked.Increment(ref attempted):D8}";
                    var response = await http.PostAsJsonAsync("/api/tickets", new { content = $"负载中崩溃测试 {phone}：路灯不亮", phone });
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        acknowledged[phone] = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.Str("id");
                    }
                }
            }).ToList();
            await Task.WhenAll(workers);
            return "";
        }, deliver: true);
        Assert.True(acknowledged.Count >= 120, $"only {acknowledged.Count} acknowledged");

        // Two lives after the crash, each delivering what is pending: the second proves nothing is sent again.
        for (var life = 0; life < 2; life++)
        {
            await using var host = await RestartAsync(settings);
            var dispatcher = host.Get<OutboxDispatcher>();
            // Deliver until nothing is pending: the host's own delivery loop runs too and may hold a batch's claim when a pass of
            // ours looks, and each delivered message can queue more (texts). Bounded: what is still pending after two minutes fails
            // below (the killed host's claims run out after ClaimSeconds, the texts it left "sending" after the sender's InFlightWindow).
            var delivering = Stopwatch.StartNew();
            while (delivering.Elapsed < TimeSpan.FromMinutes(2))
            {
                await dispatcher.DeliverPendingAsync(CancellationToken.None);
                using var check = host.Services.CreateScope();
                if (!await check.ServiceProvider.GetRequiredService<Hotline.Routing.Storage.RoutingDbContext>().Outbox
                        .AnyAsync(m => m.DeliveredAt == null))
                {
                    break;
                }
                await Task.Delay(100);
            }
            var agent = await host.SignInAsync("agent");
            foreach (var (phone, id) in acknowledged)
            {
                Assert.Equal("PendingDispatch", (await agent.GetOkAsync($"/api/tickets/{id}")).Str("state"));
            }
            using var scope = host.Services.CreateScope();
            var routing = scope.ServiceProvider.GetRequiredService<Hotline.Routing.Storage.RoutingDbContext>();
            // Consistent: every ticket has its registration on the timeline, and nothing is left undelivered.
            var tickets = routing.Tickets.Select(t => t.Id).ToList();
            var registered = routing.Timeline.Where(e => e.Kind == TimelineEventKind.Registered).Select(e => e.TicketId).ToList();
            Assert.Equal(tickets.Count, registered.Count);
            Assert.True(tickets.ToHashSet().SetEquals(registered), "a ticket without its registration, or the reverse");
            var undelivered = routing.Outbox.Where(m => m.DeliveredAt == null).ToList();
            Assert.True(undelivered.Count == 0, $"{undelivered.Count} undelivered, e.g. " + string.Join(" | ", undelivered.Take(3)
                .Select(m => $"{m.Topic} attempts={m.Attempts} next={m.NextAttemptAt} claimed={m.ClaimedUntil} by {m.ClaimedBy}: {m.LastError}")));
        }
        var textsByNumber = twilio.Requests.GroupBy(r => r.Form.Single(f => f.Key == "To").Value).ToDictionary(g => g.Key, g => g.Count());
        foreach (var phone in acknowledged.Keys)
        {
            Assert.True(textsByNumber.GetValueOrDefault("+86" + phone) == 1,
                $"{phone}: {textsByNumber.GetValueOrDefault("+86" + phone)} texts (expected exactly one)");
        }
        // A request cut off by the kill may or may not have committed; if it did, its text went out once too.
        Assert.All(textsByNumber, pair => Assert.Equal(1, pair.Value));
    }

    /// <summary>
    /// Hotline started again on the killed process's database. On the real clock, as the killed process was: it wrote its claims
    /// and due times on that clock, and the test's fixed date would put them in the past or the future depending on the day the
    /// tests run (after that date, nothing it left would ever be due).
    /// </summary>
    private Task<TestHost> RestartAsync(IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null) =>
        TestHost.StartAsync(_database, settings: settings, services: s =>
        {
            s.AddSingleton<IClock>(SystemClock.Instance);
            services?.Invoke(s);
        });

    /// <summary>
    /// Runs hotline as its own process (outbox delivery off unless <paramref name="deliver"/>), does <paramref name="work"/>, then
    /// SIGKILLs it.
    /// </summary>
    private async Task<string> RunAndKillAsync(IReadOnlyDictionary<string, string> settings, Func<HttpClient, Task<string>> work,
        bool deliver = false)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hotline.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["Hotline__DataDirectory"] = _database.DataDirectory;
        start.Environment["Hotline__Database__Provider"] = _database.Provider;
        start.Environment["Hotline__Database__ConnectionString"] = _database.ConnectionString;
        start.Environment["Hotline__Demo__Password"] = TestHost.DemoPassword;
        start.Environment["Hotline__Outbox__Enabled"] = deliver ? "true" : "false"; // off: nothing may rely on delivery before the kill
        start.Environment["Hotline__RateLimits__PerIpPermits"] = "1000000";
        start.Environment["Hotline__RateLimits__PerPhonePermits"] = "1000000";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        using var process = Process.Start(start)!;
        try
        {
            var address = await ListeningAddressAsync(process);
            // Keep reading the child's output, or a full pipe would block its logging (and so the process) under load.
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = address };
            for (var i = 0; i < 100 && !(await TryHealthyAsync(http)); i++)
            {
                await Task.Delay(100);
            }
            return await work(http);
        }
        finally
        {
            process.Kill(entireProcessTree: true); // SIGKILL: no shutdown hooks, no flushing
            await process.WaitForExitAsync();
        }
    }

    private static async Task<Uri> ListeningAddressAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (Listening().Match(line) is { Success: true } match)
            {
                return new Uri(match.Groups[1].Value);
            }
        }
        throw new InvalidOperationException("hotline exited before listening: " + await process.StandardError.ReadToEndAsync());
    }

    private static async Task<bool> TryHealthyAsync(HttpClient http)
    {
        try
        {
            return (await http.GetAsync("/healthz")).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();
}
