using System.Net;
using System.Net.Http.Json;
using Hotline.Console.Tests.Infrastructure;

namespace Hotline.Console.Tests;

/// <summary>The web and app channel's rating invitation: the tracking answer carries the signed rating link while it may be used.</summary>
public sealed class TrackingRatingTests : HostTest
{
    [Fact]
    public async Task TheTrackingAnswer_OffersTheRatingLink_OnlyOnceRepliedAndUntilRated()
    {
        var (id, trackingCode) = await SubmitAsync();
        var citizen = Host.Anonymous();
        var path = $"/api/citizen/tickets/{trackingCode}?phone=13812345678";
        Assert.Null((await citizen.GetOkAsync(path))["ratingLink"]); // not answered yet

        var agent = await Host.SignInAsync("agent");
        var housing = await Host.SignInAsync("housing");
        await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
        await housing.PostOkAsync($"/api/tickets/{id}/sign", new { });
        await housing.PostOkAsync($"/api/tickets/{id}/reply", new { reply = "已修复。" });

        var link = (await citizen.GetOkAsync(path)).Str("ratingLink");
        Assert.StartsWith("/rate/", link, StringComparison.Ordinal);
        var token = link["/rate/".Length..];
        var rated = await citizen.PostAsJsonAsync($"/api/citizen/ratings/{token}", new { level = 5 });
        Assert.Equal(HttpStatusCode.Created, rated.StatusCode);
        Assert.Null((await citizen.GetOkAsync(path))["ratingLink"]); // rated: nothing more to offer

        // Someone with the code but another number learns nothing, the link least of all.
        await (await citizen.GetAsync($"/api/citizen/tickets/{trackingCode}?phone=13900000000")).ProblemAsync(HttpStatusCode.NotFound);
    }
}
