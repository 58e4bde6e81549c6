using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Intake.Twilio;
using Hotline.Routing.Engine;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests.Browser;

/// <summary>What the agent and dispatcher journeys set up through the API: knowledge articles, citizen submissions, calls.</summary>
internal static class CentreData
{
    public const string TwilioAccountSid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    public const string TwilioAuthToken = "test-auth-token-for-hotline";
    public const string TwilioPublicBase = "https://hotline.example.test";

    /// <summary>
    /// A host with the voice channel on (webhooks signed with <see cref="TwilioAuthToken"/>; texts go to a closed port and are
    /// retried in the background, which no journey waits for), and every ticket waiting for a person: with automatic dispatch off,
    /// the engine only suggests.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> CentreSettings = new Dictionary<string, string>
    {
        ["Hotline:Routing:AutoDispatch"] = "false",
        ["Hotline:Twilio:AccountSid"] = TwilioAccountSid,
        ["Hotline:Twilio:AuthToken"] = TwilioAuthToken,
        ["Hotline:Twilio:FromNumber"] = "+15005550006",
        ["Hotline:Twilio:PublicBaseUrl"] = TwilioPublicBase,
        ["Hotline:Twilio:ApiBaseUrl"] = "http://127.0.0.1:9",
    };

    /// <summary>Creates an article as the admin and publishes it unless told otherwise; returns its id.</summary>
    public static async Task<string> ArticleAsync(HttpClient admin, string title, string body, string? keywords = null, string? validUntil = null,
        bool publish = true)
    {
        var response = await admin.PostAsJsonAsync("/api/knowledge/articles", new { title, body, keywords, validUntil });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var id = JsonNode.Parse(text)!.Str("id");
        if (publish)
        {
            await admin.PostOkAsync($"/api/knowledge/articles/{id}/status", new { status = "Published", version = 1 });
        }
        return id;
    }

    /// <summary>A citizen's web submission (no sign-in); returns the ticket's id and tracking code.</summary>
    public static async Task<(string Id, string TrackingCode)> SubmitAsync(HttpClient anonymous, string content, string phone = "13700001111")
    {
        var created = await anonymous.PostOkAsync("/api/citizen/tickets", new { content, phone });
        return (created.Str("id"), created.Str("trackingCode"));
    }

    /// <summary>
    /// Waits (bounded) until the routing engine has recorded its decision on a ticket. A change made through the API while the
    /// engine is committing its decision is refused as a concurrent change (409), as it would be for a person.
    /// </summary>
    public static async Task WaitUntilClassifiedAsync(HttpClient staff, string ticketId)
    {
        for (var i = 0; i < 200; i++)
        {
            if ((await staff.GetAsync($"/api/tickets/{ticketId}/routing")).IsSuccessStatusCode)
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"ticket {ticketId} was not classified within 10 seconds");
    }

    /// <summary>
    /// Waits (bounded) until the routing engine has handled a new ticket, whether it recorded a decision or had nothing to say
    /// (an untrained engine with no catalogue match records none). A dispatch sent while the engine commits its decision is
    /// refused as a concurrent change (409), so a test dispatching a fresh ticket itself waits for this first.
    /// </summary>
    public static async Task WaitUntilEngineHandledAsync(TestHost host, string ticketId)
    {
        var engine = host.Services.GetServices<IOutboxHandler>().OfType<AutoRouter>().Single().Name;
        for (var i = 0; i < 200; i++)
        {
            using var scope = host.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
            if (await db.OutboxDeliveries.AnyAsync(d => d.Handler == engine && db.Outbox.Any(m => m.Id == d.MessageId
                    && m.Payload.Contains(ticketId) && m.Payload.Contains(nameof(TimelineEventKind.Registered)))))
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"the routing engine had not handled ticket {ticketId} within 10 seconds");
    }

    /// <summary>Posts a Twilio voice webhook signed as Twilio signs it, like tests/Console.Tests/VoiceTests.cs.</summary>
    public static async Task VoiceWebhookAsync(TestHost host, string path, string callSid, string from, string callStatus = "ringing")
    {
        var fields = new Dictionary<string, string>
        {
            ["CallSid"] = callSid,
            ["AccountSid"] = TwilioAccountSid,
            ["From"] = from,
            ["To"] = "+8612345000000",
            ["CallStatus"] = callStatus,
            ["Direction"] = "inbound",
            ["ApiVersion"] = "2010-04-01",
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add(TwilioSignature.HeaderName, TwilioSignature.Compute(TwilioAuthToken, TwilioPublicBase + path, fields));
        var response = await host.Anonymous().SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}");
    }
}
