using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hotline.Console.Tests.Infrastructure;

namespace Hotline.Console.Tests;

/// <summary>The citizen-facing API: submission, idempotency, tracking, and every kind of bad input.</summary>
public sealed class IntakeTests : HostTest
{
    private async Task<HttpResponseMessage> SubmitWithKeyAsync(object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/citizen/tickets") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await Host.Anonymous().SendAsync(request);
    }

    [Fact]
    public async Task Submit_Answers201_WithIdAndTrackingCode_AndTheTicketAwaitsDispatch()
    {
        var response = await Host.Anonymous().PostAsJsonAsync("/api/citizen/tickets",
            new { content = "小区垃圾清运不及时，气味很大。", phone = "+86 139 0000 2222", name = "李四", address = "东湖街道幸福里 3 栋" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var receipt = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Matches("^[2-9A-HJ-NP-Z]{10}$", receipt.Str("trackingCode"));
        Assert.Equal($"/api/citizen/tickets/{receipt.Str("trackingCode")}", response.Headers.Location?.OriginalString);

        var agent = await Host.SignInAsync("agent");
        var ticket = await agent.GetOkAsync($"/api/tickets/{receipt.Str("id")}");
        Assert.Equal("PendingDispatch", ticket.Str("state"));
        Assert.Equal("Web", ticket.Str("channel"));
        Assert.Equal("139****2222", ticket["citizen"]!.Str("phone"));
        Assert.Equal("东湖街道幸福里 3 栋", ticket.Str("address"));
    }

    [Fact]
    public async Task Submit_WithCoordinates_KeepsThem_AndRefusesOutOfRangeOrHalfGivenOnes()
    {
        var response = await Host.Anonymous().PostAsJsonAsync("/api/citizen/tickets",
            new { content = "井盖缺失。", phone = "13812345678", address = "文昌路与科创大道交叉口", latitude = 30.5728, longitude = 104.0668 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var agent = await Host.SignInAsync("agent");
        var ticket = await agent.GetOkAsync($"/api/tickets/{JsonNode.Parse(await response.Content.ReadAsStringAsync())!.Str("id")}");
        Assert.Equal(30.5728, ticket["coordinates"]!["latitude"]!.GetValue<double>());
        Assert.Equal(104.0668, ticket["coordinates"]!["longitude"]!.GetValue<double>());
        var plain = await SubmitAsync();
        Assert.Null((await agent.GetOkAsync($"/api/tickets/{plain.Id}"))["coordinates"]);

        var before = await CountRowsAsync();
        foreach (var (body, field) in new (object, string)[]
        {
            (new { content = "井盖缺失。", phone = "13812345678", latitude = 91.0, longitude = 104.0 }, "latitude"),
            (new { content = "井盖缺失。", phone = "13812345678", latitude = 30.0, longitude = -180.5 }, "longitude"),
            (new { content = "井盖缺失。", phone = "13812345678", latitude = 30.0 }, "longitude"),
        })
        {
            var refused = await Host.Anonymous().PostAsJsonAsync("/api/citizen/tickets", body);
            var problem = await refused.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(Api.IsChinese(problem["errors"]![field]![0]!.GetValue<string>()));
        }
        Assert.Equal(before, await CountRowsAsync());
    }

    [Fact]
    public async Task IdempotencyKey_RetryReturnsTheSameTicket_DifferentBodyIsRefused()
    {
        var body = new { content = "路灯不亮。", phone = "13812345678" };
        var first = JsonNode.Parse(await (await SubmitWithKeyAsync(body, "k-1")).Content.ReadAsStringAsync())!;
        var retry = await SubmitWithKeyAsync(body, "k-1");
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(first.Str("id"), JsonNode.Parse(await retry.Content.ReadAsStringAsync())!.Str("id"));

        var reused = await SubmitWithKeyAsync(new { content = "另一件事。", phone = "13812345678" }, "k-1");
        await reused.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(1, (await CountRowsAsync()).Tickets);
    }

    [Fact]
    public async Task Tracking_NeedsTheRightPhone_AndShowsNothingInternal()
    {
        var (id, code) = await SubmitAsync();
        var agent = await Host.SignInAsync("agent");
        await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing", note = "内部派单说明" });

        var wrongPhone = await Host.Anonymous().GetAsync($"/api/citizen/tickets/{code}?phone=13900000000");
        var problem = await wrongPhone.ProblemAsync(HttpStatusCode.NotFound);
        Assert.True(Api.IsChinese(problem.Str("detail")));
        var wrongCode = await Host.Anonymous().GetAsync("/api/citizen/tickets/ZZZZZZZZZZ?phone=13812345678");
        Assert.Equal(problem.Str("detail"), (await wrongCode.ProblemAsync(HttpStatusCode.NotFound)).Str("detail"));

        var tracking = await Host.Anonymous().GetOkAsync($"/api/citizen/tickets/{code.ToLowerInvariant()}?phone=%2B8613812345678");
        Assert.Equal("待签收", tracking.Str("stateLabel"));
        Assert.Equal("市住房和城乡建设局", tracking.Str("handlingDepartment"));
        Assert.NotNull(tracking["replyDue"]);
        Assert.DoesNotContain("内部派单说明", tracking.ToJsonString());
        // Exactly the public fields: no citizen data, no content, no staff, no internal notes.
        Assert.Equal(["trackingCode", "type", "state", "stateLabel", "title", "receivedAt", "replyDue", "handlingDepartment", "reply",
            "repliedAt", "closedAt", "progress"], tracking.AsObject().Select(p => p.Key));
        Assert.All(tracking["progress"]!.AsArray(), m => Assert.Equal(["at", "label", "text"], m!.AsObject().Select(p => p.Key)));
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadBodies => new()
    {
        { "malformed JSON", "{\"content\":", HttpStatusCode.BadRequest, "" },
        { "not JSON at all", "content=hello", HttpStatusCode.BadRequest, "" },
        { "empty body", "", HttpStatusCode.BadRequest, "" },
        { "wrong field type", "{\"content\":\"路灯\",\"phone\":\"13812345678\",\"anonymous\":\"yes\"}", HttpStatusCode.BadRequest, "" },
        { "content as number", "{\"content\":42,\"phone\":\"13812345678\"}", HttpStatusCode.BadRequest, "" },
        { "missing content", "{\"phone\":\"13812345678\"}", HttpStatusCode.BadRequest, "content" },
        { "blank content", "{\"content\":\"   \",\"phone\":\"13812345678\"}", HttpStatusCode.BadRequest, "content" },
        { "missing phone", "{\"content\":\"路灯不亮\"}", HttpStatusCode.BadRequest, "phone" },
        { "invalid phone", "{\"content\":\"路灯不亮\",\"phone\":\"12345\"}", HttpStatusCode.BadRequest, "phone" },
        { "unknown type", "{\"content\":\"路灯不亮\",\"phone\":\"13812345678\",\"type\":\"抱怨\"}", HttpStatusCode.BadRequest, "type" },
        { "title too long", "{\"content\":\"路灯\",\"phone\":\"13812345678\",\"title\":\"" + new string('标', 201) + "\"}", HttpStatusCode.BadRequest, "title" },
        { "content over 10,000", "{\"content\":\"" + new string('长', 10_001) + "\",\"phone\":\"13812345678\"}", HttpStatusCode.BadRequest, "content" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task BadSubmission_GetsAChineseProblem_AndWritesNothing(string why, string body, HttpStatusCode status, string field)
    {
        var before = await CountRowsAsync();
        var response = await Host.Anonymous().PostRawAsync("/api/citizen/tickets", body);
        var problem = await response.ProblemAsync(status);
        Assert.True(Api.IsChinese(problem.Str("title") + problem["detail"]), why);
        if (field.Length > 0)
        {
            var messages = problem["errors"]![field]!.AsArray();
            Assert.True(Api.IsChinese(messages[0]!.GetValue<string>()), why);
        }
        Assert.Equal(before, await CountRowsAsync());
    }

    [Fact]
    public async Task ContentOfExactly10000Characters_IsAccepted()
    {
        var response = await Host.Anonymous().PostAsJsonAsync("/api/citizen/tickets", new { content = new string('字', 10_000), phone = "13812345678" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task WrongContentType_Gets415()
    {
        var response = await Host.Anonymous().PostRawAsync("/api/citizen/tickets", "content=x", "text/plain");
        var problem = await response.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.True(Api.IsChinese(problem.Str("detail")));
    }

    [Fact]
    public async Task BodyOverOneMegabyte_Gets413_AndWritesNothing()
    {
        var huge = "{\"content\":\"" + new string('a', 1_100_000) + "\",\"phone\":\"13812345678\"}";
        var response = await Host.Anonymous().PostRawAsync("/api/citizen/tickets", huge);
        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, (await CountRowsAsync()).Tickets);
    }

    [Fact]
    public async Task OversizedIdempotencyKey_IsRefused()
    {
        var response = await SubmitWithKeyAsync(new { content = "路灯", phone = "13812345678" }, new string('k', 129));
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["Idempotency-Key"]);
        var longest = await SubmitWithKeyAsync(new { content = "路灯", phone = "13812345678" }, new string('k', 128));
        Assert.Equal(HttpStatusCode.Created, longest.StatusCode);
        var retry = await SubmitWithKeyAsync(new { content = "路灯", phone = "13812345678" }, new string('k', 128));
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(1, (await CountRowsAsync()).Tickets);
    }
}
