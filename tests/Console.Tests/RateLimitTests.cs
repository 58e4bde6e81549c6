using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Hotline.Console.Tests.Infrastructure;

namespace Hotline.Console.Tests;

/// <summary>
/// The citizen endpoints are limited per client address (every /api/citizen request) and per phone number (submissions).
/// Low limits here: 6 requests per address, 3 knowledge searches per address, 2 submissions per number, in windows long enough
/// not to reset during a test.
/// </summary>
public sealed class RateLimitTests : HostTest
{
    private const int WindowSeconds = 600;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Hotline:RateLimits:PerIpPermits"] = "6",
        ["Hotline:RateLimits:PerIpWindowSeconds"] = $"{WindowSeconds}",
        ["Hotline:RateLimits:PerIpSearchPermits"] = "3",
        ["Hotline:RateLimits:PerPhonePermits"] = "2",
        ["Hotline:RateLimits:PerPhoneWindowSeconds"] = $"{WindowSeconds}",
    };

    [Fact]
    public async Task SubmissionsFromOnePhone_BeyondTheLimit_Get429WithRetryAfter_OtherPhonesAreUnaffected()
    {
        var client = Host.Anonymous();
        var first = await SubmitAsync(client, "13812345678", "k-1");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await SubmitAsync(client, "13812345678")).StatusCode);
        var before = await CountRowsAsync();

        // The same number spelled differently is the same number; a photo on the refused request is not kept either.
        var form = Files.Form(new() { ["phone"] = "+86 138-1234-5678" }, ("a.png", Files.Png(seed: 1), "image/png"));
        var limited = await client.PostAsync("/api/citizen/tickets", form);
        var problem = await AssertTooManyAsync(limited);
        Assert.Contains("手机号码", problem.Str("detail"));
        Assert.Equal(before, await CountRowsAsync());
        Assert.False(Directory.Exists(Path.Combine(Database.DataDirectory, "attachments"))
            && Directory.EnumerateFiles(Path.Combine(Database.DataDirectory, "attachments"), "*", SearchOption.AllDirectories).Any());

        // A retry of an accepted submission (same Idempotency-Key) is answered, not counted.
        var retry = await SubmitAsync(client, "13812345678", "k-1");
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(JsonNode.Parse(await first.Content.ReadAsStringAsync())!.Str("id"),
            JsonNode.Parse(await retry.Content.ReadAsStringAsync())!.Str("id"));

        Assert.Equal(HttpStatusCode.Created, (await SubmitAsync(client, "13900002222")).StatusCode);
    }

    [Fact]
    public async Task RequestsFromOneAddress_BeyondTheLimit_Get429WithRetryAfter_OtherAddressesAreUnaffected()
    {
        var client = Host.Anonymous();
        var (_, code) = await SubmitAndReadAsync(client, "13700000001");
        for (var i = 2; i <= 5; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await SubmitAsync(client, $"1370000000{i}")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/citizen/tickets/{code}?phone=13700000001")).StatusCode);
        var before = await CountRowsAsync();

        var problem = await AssertTooManyAsync(await SubmitAsync(client, "13700000009"));
        Assert.Contains("网络", problem.Str("detail"));
        await AssertTooManyAsync(await client.GetAsync($"/api/citizen/tickets/{code}?phone=13700000001"));
        // The knowledge search as the citizen types has a budget of its own: spent submissions leave it, and it does not spend them.
        var search = "/api/citizen/knowledge/search?q=" + Uri.EscapeDataString("居住证");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(search)).StatusCode);
        }
        await AssertTooManyAsync(await client.GetAsync(search));
        Assert.Equal(before, await CountRowsAsync());

        // Another address has its own budget; staff endpoints are not limited by the citizen policy.
        using var elsewhere = ClientFrom(IPAddress.Parse("127.0.0.2"));
        Assert.Equal(HttpStatusCode.Created, (await SubmitAsync(elsewhere, "13700000009")).StatusCode);
        var agent = await Host.SignInAsync("agent");
        Assert.Equal(6, (await agent.GetOkAsync("/api/tickets"))["total"]!.GetValue<int>());
    }

    private static async Task<JsonNode> AssertTooManyAsync(HttpResponseMessage response)
    {
        var problem = await response.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(Api.IsChinese(problem.Str("title")));
        Assert.True(Api.IsChinese(problem.Str("detail")));
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, WindowSeconds);
        Assert.Equal((int)retryAfter.Value.TotalSeconds, problem["retryAfter"]!.GetValue<int>());
        return problem;
    }

    private static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string phone, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/citizen/tickets")
        {
            Content = JsonContent.Create(new { content = "路灯不亮，晚上行人看不清路。", phone }),
        };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        return await client.SendAsync(request);
    }

    private static async Task<(string Id, string TrackingCode)> SubmitAndReadAsync(HttpClient client, string phone)
    {
        var response = await SubmitAsync(client, phone);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var receipt = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (receipt.Str("id"), receipt.Str("trackingCode"));
    }

    /// <summary>A client whose connections come from another loopback address (all of 127.0.0.0/8 reaches the host).</summary>
    private HttpClient ClientFrom(IPAddress local) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = Host.Address };
}
