using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Intake.Tests.Twilio;
using Hotline.Routing.Outbox;
using Hotline.Routing.Tickets;
using Microsoft.Extensions.DependencyInjection;

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
        await using var restarted = await TestHost.StartAsync(_database, services: s => s.AddSingleton<IOutboxHandler>(recorder));
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
            await using var host = await TestHost.StartAsync(_database, settings: settings);
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

    /// <summary>Runs hotline as its own process with delivery off, does <paramref name="work"/>, then SIGKILLs it.</summary>
    private async Task<string> RunAndKillAsync(IReadOnlyDictionary<string, string> settings, Func<HttpClient, Task<string>> work)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hotline.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["Hotline__DataDirectory"] = _database.DataDirectory;
        start.Environment["Hotline__Database__Provider"] = _database.Provider;
        start.Environment["Hotline__Database__ConnectionString"] = _database.ConnectionString;
        start.Environment["Hotline__Demo__Password"] = TestHost.DemoPassword;
        start.Environment["Hotline__Outbox__Enabled"] = "false"; // the process dies before delivering: nothing may rely on it
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        using var process = Process.Start(start)!;
        try
        {
            var address = await ListeningAddressAsync(process);
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
