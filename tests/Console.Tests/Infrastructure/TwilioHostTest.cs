using System.Net;
using System.Xml.Linq;
using Hotline.Intake.Storage;
using Hotline.Intake.Tests.Twilio;
using Hotline.Intake.Twilio;
using Hotline.Routing.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests.Infrastructure;

/// <summary>
/// A host with Twilio configured against a loopback stand-in for Twilio's REST API (answering with Twilio's documented bodies),
/// and helpers to post correctly signed webhooks.
/// </summary>
public abstract class TwilioHostTest : IAsyncLifetime
{
    protected const string AccountSid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    protected const string AuthToken = "test-auth-token-for-hotline";
    protected const string PublicBase = "https://hotline.example.test";

    protected Queue<int> Statuses { get; } = new();

    /// <summary>When set, the stand-in holds every answer until this completes (Twilio slow to answer).</summary>
    protected Task? AnswersHeldUntil { get; set; }
    private TestDatabase _database = null!;
    private protected FakeTwilio Twilio { get; private set; } = null!;
    protected TestHost Host { get; set; } = null!;
    private int _sent;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        Twilio = await FakeTwilio.StartAsync(AnswerAsync, ListAsync);
        Host = await StartHostAsync(deliverOutbox: true);
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await Host.DisposeAsync();
        await Twilio.DisposeAsync();
        await _database.DisposeAsync();
    }

    protected Task<TestHost> StartHostAsync(bool deliverOutbox) => TestHost.StartAsync(_database, deliverOutbox: deliverOutbox, settings: new Dictionary<string, string>
    {
        ["Hotline:Twilio:AccountSid"] = AccountSid,
        ["Hotline:Twilio:AuthToken"] = AuthToken,
        ["Hotline:Twilio:FromNumber"] = "+15005550006",
        ["Hotline:Twilio:PublicBaseUrl"] = PublicBase,
        ["Hotline:Twilio:ApiBaseUrl"] = Twilio.BaseUrl,
    });

    /// <summary>What the stand-in has accepted, as Twilio's message list would show it (newest first).</summary>
    protected List<(string Sid, string To, string Body, DateTimeOffset Created)> Accepted { get; } = [];

    private async Task ListAsync(HttpContext context)
    {
        List<object> messages;
        lock (Accepted)
        {
            messages = [.. Accepted.Where(m => m.To == context.Request.Query["To"].ToString()).OrderByDescending(m => m.Created)
                .Select(m => new { sid = m.Sid, to = m.To, body = m.Body, status = "sent",
                    date_created = m.Created.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", System.Globalization.CultureInfo.InvariantCulture) })];
        }
        await context.Response.WriteAsJsonAsync(new { messages, page = 0, page_size = 50 });
    }

    /// <summary>Answers like Twilio: 201 with the documented body (a fresh sid each time), or the status a test queued.</summary>
    private async Task AnswerAsync(HttpContext context)
    {
        if (AnswersHeldUntil is { } held)
        {
            await held;
        }
        int status;
        lock (Statuses)
        {
            status = Statuses.Count > 0 ? Statuses.Dequeue() : 201;
        }
        if (status == 201)
        {
            var sid = $"SM{Interlocked.Increment(ref _sent):D32}";
            var form = await context.Request.ReadFormAsync();
            lock (Accepted)
            {
                Accepted.Add((sid, form["To"].ToString(), form["Body"].ToString(), Host.Clock.GetCurrentInstant().ToDateTimeOffset()));
            }
            var body = TwilioFixtures.Read("messages.create.response.201.json").Replace("SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", sid, StringComparison.Ordinal);
            await FakeTwilio.Json(201, body)(context);
        }
        else
        {
            await FakeTwilio.Json(status, TwilioFixtures.Read("error.429.verify_v2.json"))(context);
        }
    }

    protected static Dictionary<string, string> IncomingSms(string sid, string from, string body, int media = 0) => new()
    {
        ["MessageSid"] = sid,
        ["SmsSid"] = sid,
        ["AccountSid"] = AccountSid,
        ["From"] = from,
        ["To"] = "+8612345000000",
        ["Body"] = body,
        ["NumMedia"] = media.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FromCountry"] = "CN",
    };

    protected async Task<HttpResponseMessage> PostWebhookAsync(string path, Dictionary<string, string> fields, string? signature = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add(TwilioSignature.HeaderName, signature ?? TwilioSignature.Compute(AuthToken, PublicBase + path, fields));
        return await Host.Anonymous().SendAsync(request);
    }

    protected async Task<string> ReplyOfAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Response", xml.Root!.Name.LocalName);
        return xml.Root.Element("Message")?.Value ?? "";
    }

    protected async Task<T> WithDbAsync<T>(Func<RoutingDbContext, IntakeDbContext, Task<T>> query)
    {
        using var scope = Host.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<RoutingDbContext>(), scope.ServiceProvider.GetRequiredService<IntakeDbContext>());
    }

    protected static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail("the condition did not hold within 10 seconds");
    }

}
