using System.Text.Json;
using System.Text.Json.Nodes;
using Hotline.Console.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hotline.Console.Tests;

/// <summary>
/// The optional LLM member inside the running host, against a loopback server that answers in OpenAI's Chat Completions format:
/// its opinion is recorded with the decision; when it names another department, automatic dispatch waits for a dispatcher;
/// when it is down, the offline members decide alone; it is never asked while an agent types.
/// </summary>
public sealed class LlmRoutingTests : IAsyncLifetime
{
    private const string StallText = "每天晚上小区门口有流动摊贩占道经营，摆摊卖烧烤，堵住了出入口，请管一管。";

    private WebApplication _llm = null!;
    private readonly List<JsonNode> _requests = [];
    private Func<JsonNode, IResult> _answer = _ => Results.StatusCode(503);

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        _llm = builder.Build();
        _llm.Urls.Add("http://127.0.0.1:0");
        _llm.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            var body = (await JsonNode.ParseAsync(context.Request.Body))!;
            lock (_requests)
            {
                _requests.Add(body);
            }
            return _answer(body);
        });
        await _llm.StartAsync();
    }

    public async ValueTask DisposeAsync() => await _llm.DisposeAsync();

    private string Endpoint => _llm.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1";

    /// <summary>A completion as OpenAI sends it, whose content names <paramref name="department"/>.</summary>
    private static IResult Completion(string department) => Results.Json(new
    {
        id = "chatcmpl-test1",
        @object = "chat.completion",
        created = 1_763_800_000,
        model = "test-model-2026",
        choices = new[]
        {
            new
            {
                index = 0,
                message = new
                {
                    role = "assistant",
                    content = JsonSerializer.Serialize(new
                    {
                        reason = "占道经营属城市管理执法职责。",
                        category_id = "urban-construction",
                        department_id = department,
                        ticket_type = "投诉",
                        urgency = "一般",
                        confidence = 0.9,
                    }),
                    refusal = (string?)null,
                },
                finish_reason = "stop",
            },
        },
        usage = new { prompt_tokens = 900, completion_tokens = 60, total_tokens = 960 },
    });

    private async Task<(TestHost Host, TestDatabase Database)> StartHostAsync()
    {
        var database = await TestDatabase.CreateAsync();
        var host = await TestHost.StartAsync(database, deliverOutbox: false, settings: new Dictionary<string, string>
        {
            ["Hotline:Routing:ConfidenceThreshold"] = "0.5",
            ["Hotline:Llm:Endpoint"] = Endpoint,
            ["Hotline:Llm:Model"] = "test-model",
            ["Hotline:Llm:TimeoutSeconds"] = "5",
        });
        await SmallHistory.TrainAsync(host);
        return (host, database);
    }

    private static async Task<string> RegisterAsync(TestHost host, string phone, string? name = null, string content = StallText)
    {
        var agent = await host.SignInAsync("agent");
        var registered = await agent.PostOkAsync("/api/tickets", new { content, phone, name, areaId = "chengdong-donghu" });
        await SmallHistory.DeliverAllAsync(host);
        return registered.Str("id");
    }

    [Fact]
    public async Task TheLlmsOpinionIsRecorded_AndDisagreementHoldsAutomaticDispatchForADispatcher()
    {
        var (host, database) = await StartHostAsync();
        await using var _ = host;
        await using var __ = database;
        var agent = await host.SignInAsync("agent");

        // Typing asks the offline members only.
        await agent.PostOkAsync("/api/routing/suggest", new { content = StallText, areaId = "chengdong-donghu" });
        Assert.Empty(_requests);

        // Agreement: the ticket goes to the street office as the offline members decided, with the LLM's opinion on record.
        _answer = _ => Completion("donghu-office");
        var agreed = await RegisterAsync(host, "13812340001", name: "王建国", content: "我叫王建国，" + StallText);
        Assert.Single(_requests);
        var prompt = string.Join("\n", _requests[0]["messages"]!.AsArray().Select(m => m!["content"]!.GetValue<string>()));
        Assert.Contains("东湖街道办事处", prompt);              // the candidate departments with their remits
        Assert.DoesNotContain("13812340001", prompt);          // no personal data: not the phone, nor the name written in the text
        Assert.DoesNotContain("王建国", prompt);
        Assert.Contains("占道经营", prompt);
        var ticket = await agent.GetOkAsync($"/api/tickets/{agreed}");
        Assert.Equal("donghu-office", ticket["leadDepartment"]!.Str("id"));
        var decision = (await agent.GetOkAsync($"/api/tickets/{agreed}/routing"))["decision"]!;
        Assert.Contains(decision["ensemble"]!["members"]!.AsArray(), m => m!.Str("Member") == "llm" && m!.Str("Said").Contains("test-model-2026", StringComparison.Ordinal));

        // Disagreement: the LLM names another department; the ticket waits for a dispatcher instead of being dispatched.
        _answer = _ => Completion("city-environment");
        var disputed = await RegisterAsync(host, "13812340002");
        Assert.Equal("PendingDispatch", (await agent.GetOkAsync($"/api/tickets/{disputed}")).Str("state"));
        var held = (await agent.GetOkAsync($"/api/tickets/{disputed}/routing"))["decision"]!["ensemble"]!["holds"]!.AsArray();
        Assert.NotEmpty(held);

        // Outage: the offline members decide alone and the ticket is dispatched.
        _answer = _ => Results.StatusCode(503);
        var alone = await RegisterAsync(host, "13812340003");
        Assert.Equal("donghu-office", (await agent.GetOkAsync($"/api/tickets/{alone}"))["leadDepartment"]!.Str("id"));
    }
}
