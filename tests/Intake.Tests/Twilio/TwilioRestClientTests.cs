using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hotline.Intake.Twilio;
using Microsoft.AspNetCore.Http;
using NodaTime;

namespace Hotline.Intake.Tests.Twilio;

/// <summary>The REST client against a Kestrel that answers like Twilio, with Twilio's own example bodies from the fixtures.</summary>
public sealed class TwilioRestClientTests
{
    private const string AccountSid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string AuthToken = "test-auth-token";
    private const string From = "+14155552345";
    private const string To = "+8613812345678";
    private const string Body = "【12345】您的诉求已受理，工单号 A1B2C3。查询进度 & 评价：https://12345.example.gov.cn/t?c=A1B2C3 👍";

    [Fact]
    public async Task SendSms_Created_ReturnsSidAndStatus_FromTheDocumentedRequest()
    {
        await using var twilio = await FakeTwilio.StartAsync(FakeTwilio.Json(201, TwilioFixtures.Read("messages.create.response.201.json")));
        var sms = new OutgoingSms(To, Body) { StatusCallback = "https://12345.example.gov.cn/twilio/sms/status" };

        var result = await Client(twilio).SendSmsAsync(sms, TestContext.Current.CancellationToken);

        Assert.Equal(SmsSendOutcome.Accepted, result.Outcome);
        Assert.Equal(201, result.HttpStatus);
        Assert.Equal("SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", result.Sid);
        var message = result.Message!;
        Assert.Equal(TwilioMessageStatus.Queued, message.Status);
        Assert.Equal("queued", message.StatusText);
        Assert.Equal(1, message.NumSegments);
        Assert.Equal(Instant.FromUtc(2023, 8, 24, 5, 1, 45), message.DateCreated);
        Assert.Equal("+14155552345", message.From);
        Assert.Null(message.ErrorCode);
        Assert.Null(result.Error);

        var request = Assert.Single(twilio.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/2010-04-01/Accounts/{AccountSid}/Messages.json", request.RawTarget);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")), request.Authorization);
        Assert.Equal("application/x-www-form-urlencoded", request.ContentType);
        Assert.Equal("application/json", request.Accept);
        Assert.Equal(
            [
                KeyValuePair.Create("To", To),
                KeyValuePair.Create("From", From),
                KeyValuePair.Create("Body", Body),
                KeyValuePair.Create("StatusCallback", "https://12345.example.gov.cn/twilio/sms/status"),
            ],
            request.Form);
    }

    [Fact]
    public async Task SendSms_WithMessagingService_SendsItInsteadOfFrom()
    {
        await using var twilio = await FakeTwilio.StartAsync(
            FakeTwilio.Json(201, TwilioFixtures.Read("messages.create.response.201.messaging-service.json")));
        var options = Options(twilio);
        options.MessagingServiceSid = "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

        var result = await Client(options).SendSmsAsync(new OutgoingSms(To, "您好"), TestContext.Current.CancellationToken);

        Assert.Equal(SmsSendOutcome.Accepted, result.Outcome);
        Assert.Equal("SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", result.Sid);
        Assert.Null(result.Message!.From);
        Assert.Equal("MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", result.Message.MessagingServiceSid);
        Assert.Equal(Instant.FromUtc(2015, 7, 30, 20, 12, 31), result.Message.DateCreated);
        var request = Assert.Single(twilio.Requests);
        Assert.Equal(
            [
                KeyValuePair.Create("To", To),
                KeyValuePair.Create("MessagingServiceSid", "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
                KeyValuePair.Create("Body", "您好"),
            ],
            request.Form);
    }

    [Theory]
    [InlineData("error.429.verify_v2.json", 429, 20429, true)]
    [InlineData("error.500.oauth_v2.json", 500, 20500, true)]
    [InlineData("error.400.oauth_v2.json", 400, 400, false)]
    public async Task SendSms_TwiliosErrorExamples_AreClassified(string fixture, int status, int code, bool retryable)
    {
        var body = TwilioFixtures.Read(fixture);
        await using var twilio = await FakeTwilio.StartAsync(FakeTwilio.Json(status, body));

        var result = await Client(twilio).SendSmsAsync(new OutgoingSms(To, Body), TestContext.Current.CancellationToken);

        Assert.Equal(retryable ? SmsSendOutcome.Retryable : SmsSendOutcome.Permanent, result.Outcome);
        Assert.Equal(status, result.HttpStatus);
        using var expected = JsonDocument.Parse(body);
        Assert.Equal(
            new TwilioRestError(code, expected.RootElement.GetProperty("message").GetString()!,
                expected.RootElement.GetProperty("more_info").GetString(), status),
            result.Error);
        Assert.Null(result.Message);
        Assert.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(AuthToken, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendSms_TooManyRequests_CarriesRetryAfter()
    {
        await using var twilio = await FakeTwilio.StartAsync(
            FakeTwilio.Json(429, TwilioFixtures.Read("error.429.verify_v2.json"), r => r.Headers.RetryAfter = "7"));

        var result = await Client(twilio).SendSmsAsync(new OutgoingSms(To, Body), TestContext.Current.CancellationToken);

        Assert.Equal(SmsSendOutcome.Retryable, result.Outcome);
        Assert.Equal(Duration.FromSeconds(7), result.RetryAfter);
    }

    [Theory]
    // The example body Twilio's debugging docs cite for an invalid number (see the fixtures README), and an opted-out recipient.
    [InlineData(21211, "The 'To' number 5551234567 is not a valid phone number.")]
    [InlineData(21610, "Attempt to send to unsubscribed recipient")]
    public async Task SendSms_RecipientRefused_IsPermanent(int code, string text)
    {
        var body = JsonSerializer.Serialize(new { code, message = text, more_info = $"https://www.twilio.com/docs/errors/{code}", status = 400 });
        await using var twilio = await FakeTwilio.StartAsync(FakeTwilio.Json(400, body));

        var result = await Client(twilio).SendSmsAsync(new OutgoingSms(To, Body), TestContext.Current.CancellationToken);

        Assert.Equal(SmsSendOutcome.Permanent, result.Outcome);
        Assert.Equal(new TwilioRestError(code, text, $"https://www.twilio.com/docs/errors/{code}", 400), result.Error);
        Assert.Null(result.Sid);
    }

    [Fact]
    public async Task SendSms_ProxyErrorPage_IsRetryableWithoutTwilioError()
    {
        await using var twilio = await FakeTwilio.StartAsync(async context =>
        {
            context.Response.StatusCode = 502;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html><body>Bad Gateway</body></html>", context.RequestAborted);
        });

        var result = await Client(twilio).SendSmsAsync(new OutgoingSms(To, Body), TestContext.Current.CancellationToken);

        Assert.Equal(SmsSendOutcome.Retryable, result.Outcome);
        Assert.Equal(502, result.HttpStatus);
        Assert.Null(result.Error);
    }

    [Fact]
    public async Task SendSms_CreatedWithUnreadableBody_IsStillAccepted()
    {
        // Twilio has queued the message; calling it a failure would make the outbox send it twice.
        await using var twilio = await FakeTwilio.StartAsync(FakeTwilio.Json(201, "<Response/>"));

        var result = await Client(twilio).SendSmsAsync(new OutgoingSms(To, Body), TestContext.Current.CancellationToken);

        Assert.Equal(SmsSendOutcome.Accepted, result.Outcome);
        Assert.Null(result.Message);
    }

    [Fact]
    public async Task SendSms_TwilioTooSlow_IsRetryable()
    {
        await using var twilio = await FakeTwilio.StartAsync(async context =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up, as intended.
            }
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };

        var result = await new TwilioRestClient(http, Microsoft.Extensions.Options.Options.Create(Options(twilio)))
            .SendSmsAsync(new OutgoingSms(To, Body), TestContext.Current.CancellationToken);

        Assert.Equal(SmsSendOutcome.Retryable, result.Outcome);
        Assert.Null(result.HttpStatus);
        Assert.Contains("did not answer", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendSms_NobodyListening_IsRetryable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var options = Options($"http://127.0.0.1:{port}");

        var result = await Client(options).SendSmsAsync(new OutgoingSms(To, Body), TestContext.Current.CancellationToken);

        Assert.Equal(SmsSendOutcome.Retryable, result.Outcome);
        Assert.Null(result.HttpStatus);
        Assert.Contains("could not be reached", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendSms_CallerCancels_Throws()
    {
        await using var twilio = await FakeTwilio.StartAsync(async context =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up, as intended.
            }
        });
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Client(twilio).SendSmsAsync(new OutgoingSms(To, Body), cancel.Token));
    }

    [Fact]
    public async Task SendSms_NotConfigured_Throws()
    {
        var options = new TwilioOptions { AccountSid = AccountSid, AuthToken = AuthToken };

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => Client(options).SendSmsAsync(new OutgoingSms(To, Body), TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(200, "Accepted")]
    [InlineData(201, "Accepted")]
    [InlineData(301, "Permanent")]
    [InlineData(400, "Permanent")]
    [InlineData(401, "Permanent")]
    [InlineData(404, "Permanent")]
    [InlineData(408, "Retryable")]
    [InlineData(429, "Retryable")]
    [InlineData(500, "Retryable")]
    [InlineData(502, "Retryable")]
    [InlineData(503, "Retryable")]
    public void Classify_HttpStatus(int status, string expected)
    {
        Assert.Equal(Enum.Parse<SmsSendOutcome>(expected), TwilioRestClient.Classify((HttpStatusCode)status));
    }

    [Fact]
    public async Task FindSent_MatchesTheSameBodyToTheNumber_CreatedSinceTheAttempt()
    {
        // Newest first, as Twilio lists them; only the body and the creation time tell this text from the others to the number.
        string[] dates = [];
        await using var twilio = await FakeTwilio.StartAsync(FakeTwilio.Json(201, "{}"), list: async context =>
        {
            Assert.Equal(To, context.Request.Query["To"].ToString());
            var messages = dates.Select((date, i) => new JsonObject
            {
                ["sid"] = $"SM{i:D32}",
                ["to"] = To,
                ["body"] = i == 0 ? "另一条短信" : Body,
                ["date_created"] = date,
            });
            await FakeTwilio.Json(200, new JsonObject { ["messages"] = new JsonArray([.. messages]) }.ToJsonString())(context);
        });
        var client = Client(twilio);
        var since = Instant.FromUtc(2026, 11, 22, 18, 50);
        var ct = TestContext.Current.CancellationToken;

        dates = ["Sun, 22 Nov 2026 18:55:00 +0000", "Sun, 22 Nov 2026 18:49:59 +0000"]; // the same text, but older
        Assert.Equal(new SentLookup(true, null, null), await client.FindSentAsync(To, Body, since, ct));
        dates = ["Sun, 22 Nov 2026 18:55:00 +0000", "Sun, 22 Nov 2026 18:50:00 +0000"];
        Assert.Equal(new SentLookup(true, "SM00000000000000000000000000000001", null), await client.FindSentAsync(To, Body, since, ct));
        dates = ["Sun, 22 Nov 2026 18:55:00 +0000", "Sun, 22 Nov 2026 18:52:24 GMT"]; // the zone as .NET's "r" format writes it
        Assert.Equal("SM00000000000000000000000000000001", (await client.FindSentAsync(To, Body, since, ct)).Sid);
        dates = ["Sun, 22 Nov 2026 18:55:00 +0000", "昨天"]; // unreadable: counted as sent rather than risk a second text
        Assert.Equal("SM00000000000000000000000000000001", (await client.FindSentAsync(To, Body, since, ct)).Sid);
    }

    [Theory]
    [InlineData("Thu, 24 Aug 2023 05:01:45 +0000", "2023-08-24T05:01:45Z")]
    [InlineData("Thu, 30 Jul 2015 20:12:33 +0000", "2015-07-30T20:12:33Z")]
    [InlineData("Mon, 1 Jan 2024 08:00:00 +0800", "2024-01-01T00:00:00Z")]
    [InlineData("Sun, 22 Nov 2026 18:52:24 GMT", "2026-11-22T18:52:24Z")]
    [InlineData("Sun, 22 Nov 2026 18:52:24 UT", "2026-11-22T18:52:24Z")]
    [InlineData("2023-08-24T05:01:45Z", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void ParseRfc2822_TwiliosDates(string? text, string? expected)
    {
        Assert.Equal(expected, TwilioRestClient.ParseRfc2822(text)?.ToString());
    }

    [Fact]
    public void ParseStatus_EveryDocumentedStatus_IsKnown()
    {
        using var properties = JsonDocument.Parse(TwilioFixtures.Read("message.resource.properties.json"));
        var statuses = properties.RootElement.GetProperty("status").GetProperty("enum").EnumerateArray().Select(s => s.GetString()).ToList();

        Assert.Equal(13, statuses.Count);
        Assert.All(statuses, s => Assert.NotEqual(TwilioMessageStatus.Unknown, TwilioRestClient.ParseStatus(s)));
        Assert.Equal(TwilioMessageStatus.PartiallyDelivered, TwilioRestClient.ParseStatus("partially_delivered"));
        Assert.Equal(TwilioMessageStatus.Unknown, TwilioRestClient.ParseStatus("teleported"));
    }

    private static TwilioOptions Options(FakeTwilio twilio) => Options(twilio.BaseUrl);

    private static TwilioOptions Options(string apiBaseUrl) => new()
    {
        AccountSid = AccountSid,
        AuthToken = AuthToken,
        FromNumber = From,
        ApiBaseUrl = apiBaseUrl,
    };

    private static TwilioRestClient Client(FakeTwilio twilio) => Client(Options(twilio));

    // One HttpClient per test, as the host's IHttpClientFactory would hand out; tests end with the process.
    private static TwilioRestClient Client(TwilioOptions options) =>
        new(new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, Microsoft.Extensions.Options.Options.Create(options));
}
