using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Hotline.Knowledge.Articles;
using Hotline.Knowledge.Search;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Hotline.Knowledge.Tests.Articles;

/// <summary>The search endpoint on a real Kestrel with an Elasticsearch index whose cluster cannot be reached.</summary>
public sealed class ArticleSearchEndpointTests
{
    [Fact]
    public async Task CitizenSearch_ClusterUnreachable_Answers503InChinese()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there: the cluster is down
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ISearchIndex>(new ElasticsearchSearchIndex(new ElasticsearchOptions { Url = $"http://127.0.0.1:{port}" }));
        builder.Services.AddSingleton<IClock>(SystemClock.Instance);
        await using var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.MapGroup("/api/citizen").MapCitizenSearch();
        await app.StartAsync(TestContext.Current.CancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        var response = await http.GetAsync(new Uri("/api/citizen/knowledge/search?q=居住证怎么办理", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal("知识检索暂不可用", problem["title"]!.GetValue<string>());
        Assert.Equal(503, problem["status"]!.GetValue<int>());
        Assert.Contains("稍后", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
