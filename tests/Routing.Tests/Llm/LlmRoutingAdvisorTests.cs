using System.Text.Json;
using Hotline.Routing.Llm;
using Hotline.Routing.Tickets;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Routing.Tests.Llm;

/// <summary>
/// The routing advisor end to end: its prompt goes through the real chat client to a loopback server that answers with
/// OpenAI's recorded envelopes, and every way the model can fail to answer ends as "no verdict", never as an exception.
/// </summary>
public sealed class LlmRoutingAdvisorTests
{
    private const string ApiKey = "sk-routing-test";

    private static readonly string ValidAnswer = """
        {"reason":"小区电梯故障属物业管理，由住建局监管。","category_id":"urban-construction","department_id":"city-housing",
         "ticket_type":"投诉","urgency":"一般","confidence":0.86}
        """;

    [Fact]
    public async Task ValidAnswer_IsAVerdict_WithTheModelThatGaveIt()
    {
        await using var server = await FakeChatServer.StartAsync(FakeChatServer.Json(200, OpenAiFixtures.WithContent(ValidAnswer)));

        var verdict = await Advisor(server.Endpoint).AdviseAsync(Question(), TestContext.Current.CancellationToken);

        Assert.NotNull(verdict);
        Assert.Equal(("urban-construction", "city-housing", TicketType.Complaint, Urgency.Normal, 0.86),
            (verdict.CategoryId, verdict.DepartmentId, verdict.Type, verdict.Urgency, verdict.Confidence));
        Assert.Equal("小区电梯故障属物业管理，由住建局监管。", verdict.Reason);
        Assert.Equal("gpt-4o-mini-2024-07-18", verdict.Model);
        Assert.Equal("chatcmpl-D8dV4ifvKdFi2kN5oeBkKM1JhjyCE", verdict.ResponseId);
    }

    [Fact]
    public async Task Request_HasTheShapeOfTheRecordedStrictSchemaRequests()
    {
        await using var server = await FakeChatServer.StartAsync(FakeChatServer.Json(200, OpenAiFixtures.WithContent(ValidAnswer)));

        await Advisor(server.Endpoint).AdviseAsync(Question(), TestContext.Current.CancellationToken);

        var request = Assert.Single(server.Requests);
        Assert.Equal("Bearer " + ApiKey, request.Authorization);
        using var document = JsonDocument.Parse(request.Body);
        var sent = document.RootElement;
        // The recorded refusal request is the one with a temperature: the same fields, no others.
        var recorded = OpenAiFixtures.Json("chat.completions.json_schema.refusal.request.json");
        Assert.Equal(Keys(recorded), Keys(sent));
        Assert.Equal(Keys(recorded.GetProperty("response_format")), Keys(sent.GetProperty("response_format")));
        Assert.Equal(Keys(recorded.GetProperty("response_format").GetProperty("json_schema")),
            Keys(sent.GetProperty("response_format").GetProperty("json_schema")));

        Assert.Equal("gpt-4o-mini", sent.GetProperty("model").GetString());
        Assert.Equal(0, sent.GetProperty("temperature").GetDouble());
        Assert.Equal(["system", "user"], sent.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        var format = sent.GetProperty("response_format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        var jsonSchema = format.GetProperty("json_schema");
        Assert.Equal("routing_verdict", jsonSchema.GetProperty("name").GetString());
        Assert.True(jsonSchema.GetProperty("strict").GetBoolean());
        var schema = jsonSchema.GetProperty("schema");
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        // Strict mode: every property is required.
        Assert.Equal(Keys(schema.GetProperty("properties")), schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()!).Order());
        Assert.Equal(["category_id", "confidence", "department_id", "reason", "ticket_type", "urgency"], Keys(schema.GetProperty("properties")));
        Assert.Equal(Question().Departments.Select(d => d.Id),
            schema.GetProperty("properties").GetProperty("department_id").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(Question().Categories.Select(c => c.Id),
            schema.GetProperty("properties").GetProperty("category_id").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Prompt_CarriesTheCaseRemitsAndPrecedents_ButNoPersonalData()
    {
        await using var server = await FakeChatServer.StartAsync(FakeChatServer.Json(200, OpenAiFixtures.WithContent(ValidAnswer)));
        var question = Question() with
        {
            Content = "我是张三丰，电话13812345678，身份证110101199003074512。阳光花园3号楼电梯坏了一周，物业不修。",
            KnownNames = ["张三丰"],
        };

        await Advisor(server.Endpoint).AdviseAsync(question, TestContext.Current.CancellationToken);

        using var document = JsonDocument.Parse(Assert.Single(server.Requests).Body);
        var user = document.RootElement.GetProperty("messages")[1].GetProperty("content").GetString()!;
        Assert.DoesNotContain("13812345678", document.RootElement.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("110101199003074512", document.RootElement.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("张三丰", user, StringComparison.Ordinal);
        Assert.Contains("我是【姓名】，电话【手机号】，身份证【身份证号】。阳光花园3号楼电梯坏了一周，物业不修。", user, StringComparison.Ordinal);
        Assert.Contains("city-housing：市住房和城乡建设局。职责：房屋建设、物业管理", user, StringComparison.Ordinal);
        Assert.Contains("所在区域：城东区", user, StringComparison.Ordinal);
        Assert.Contains("登记类型：投诉", user, StringComparison.Ordinal);
        Assert.Contains("承办：市住房和城乡建设局 | 答复摘要：已督促物业更换电梯主板", user, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("chat.completions.json_schema.refusal.response.200.json", LlmOutcome.Refused)]
    [InlineData("chat.completions.json_schema.refusal_py.response.200.json", LlmOutcome.Refused)]
    [InlineData("chat.completions.json_schema.finish_length.response.200.json", LlmOutcome.Truncated)]
    // A well-formed answer to another question (the recorded Location schema) has none of the routing fields.
    [InlineData("chat.completions.json_schema.sdk_location.response.200.json", LlmOutcome.Invalid)]
    public async Task RecordedAnswersThatAreNoVerdict_FallBack(string fixture, LlmOutcome outcome)
    {
        await using var server = await FakeChatServer.StartAsync(FakeChatServer.Json(200, OpenAiFixtures.Read(fixture)));

        var consultation = await Advisor(server.Endpoint).ConsultAsync(Question(), TestContext.Current.CancellationToken);

        Assert.Null(consultation.Verdict);
        Assert.Equal(outcome, consultation.Outcome);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData("""{"reason":"理由","category_id":"urban-construction","department_id":""", "not JSON")]
    [InlineData("""{"reason":"理由","category_id":"urban-construction","department_id":"city-police","ticket_type":"投诉","urgency":"一般","confidence":0.9}""", "city-police")]
    [InlineData("""{"reason":"理由","category_id":"public-security","department_id":"city-housing","ticket_type":"投诉","urgency":"一般","confidence":0.9}""", "public-security")]
    [InlineData("""{"reason":"理由","category_id":"urban-construction","department_id":"city-housing","urgency":"一般","confidence":0.9}""", "ticket_type")]
    [InlineData("""{"reason":"理由","category_id":"urban-construction","department_id":"city-housing","ticket_type":"投诉","urgency":"特急","confidence":0.9}""", "urgency")]
    [InlineData("""{"reason":"理由","category_id":"urban-construction","department_id":"city-housing","ticket_type":"投诉","urgency":"一般","confidence":86}""", "confidence")]
    [InlineData("""{"reason":"理由","category_id":"urban-construction","department_id":"city-housing","ticket_type":"投诉","urgency":"一般","confidence":"很高"}""", "confidence")]
    [InlineData("""{"reason":"理由","category_id":"urban-construction","department_id":"city-housing","ticket_type":"投诉","urgency":"一般","confidence":1e400}""", "confidence")]
    [InlineData("""{"reason":"","category_id":"urban-construction","department_id":"city-housing","ticket_type":"投诉","urgency":"一般","confidence":0.9}""", "reason")]
    [InlineData("""["city-housing"]""", "not a JSON object")]
    [InlineData("", "empty")]
    public async Task AnswersThatFailTheChecks_FallBack(string content, string detail)
    {
        await using var server = await FakeChatServer.StartAsync(FakeChatServer.Json(200, OpenAiFixtures.WithContent(content)));

        var consultation = await Advisor(server.Endpoint).ConsultAsync(Question(), TestContext.Current.CancellationToken);

        Assert.Null(consultation.Verdict);
        Assert.Equal(LlmOutcome.Invalid, consultation.Outcome);
        Assert.Contains(detail, consultation.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConfidenceWrittenAsAString_IsStillRead()
    {
        // Servers without constrained decoding sometimes quote numbers; the answer is otherwise a verdict like any other.
        await using var server = await FakeChatServer.StartAsync(FakeChatServer.Json(200,
            OpenAiFixtures.WithContent(ValidAnswer.Replace("\"confidence\":0.86", "\"confidence\":\"0.86\"", StringComparison.Ordinal))));

        var verdict = await Advisor(server.Endpoint).AdviseAsync(Question(), TestContext.Current.CancellationToken);

        Assert.Equal(("city-housing", 0.86), (verdict?.DepartmentId, verdict?.Confidence));
    }

    [Fact]
    public async Task AnswerInAMarkdownFence_IsStillRead()
    {
        await using var server = await FakeChatServer.StartAsync(
            FakeChatServer.Json(200, OpenAiFixtures.WithContent("```json\n" + ValidAnswer.Trim() + "\n```")));

        var verdict = await Advisor(server.Endpoint).AdviseAsync(Question(), TestContext.Current.CancellationToken);

        Assert.Equal("city-housing", verdict?.DepartmentId);
    }

    [Fact]
    public async Task Unauthorized_FallsBack()
    {
        await using var server = await FakeChatServer.StartAsync(
            FakeChatServer.Json(401, OpenAiFixtures.Read("chat.completions.error.401.invalid_api_key.response.401.json")));

        var consultation = await Advisor(server.Endpoint).ConsultAsync(Question(), TestContext.Current.CancellationToken);

        Assert.Null(consultation.Verdict);
        Assert.Equal(LlmOutcome.ServerError, consultation.Outcome);
        Assert.Contains("invalid_api_key", consultation.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerError_FallsBack()
    {
        await using var server = await FakeChatServer.StartAsync(FakeChatServer.Json(500,
            """{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}"""));

        var verdict = await Advisor(server.Endpoint).AdviseAsync(Question(), TestContext.Current.CancellationToken);
        var consultation = await Advisor(server.Endpoint).ConsultAsync(Question(), TestContext.Current.CancellationToken);

        Assert.Null(verdict);
        Assert.Equal(LlmOutcome.ServerError, consultation.Outcome);
        Assert.Contains("500", consultation.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerThatNeverAnswers_TimesOut_AndFallsBack()
    {
        await using var server = await FakeChatServer.StartAsync(FakeChatServer.Silent());

        var consultation = await Advisor(server.Endpoint, timeoutSeconds: 1).ConsultAsync(Question(), TestContext.Current.CancellationToken);

        Assert.Null(consultation.Verdict);
        Assert.Equal(LlmOutcome.TimedOut, consultation.Outcome);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task ConnectionRefused_FallsBack()
    {
        var consultation = await Advisor(FakeChatServer.ClosedEndpoint()).ConsultAsync(Question(), TestContext.Current.CancellationToken);

        Assert.Null(consultation.Verdict);
        Assert.Equal(LlmOutcome.Unreachable, consultation.Outcome);
    }

    [Fact]
    public async Task CallersOwnCancellation_IsNotSwallowed()
    {
        await using var server = await FakeChatServer.StartAsync(FakeChatServer.Silent());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Advisor(server.Endpoint).ConsultAsync(Question(), cancelled.Token));
    }

    [Fact]
    public async Task NoCandidates_AsksNothing()
    {
        await using var server = await FakeChatServer.StartAsync(FakeChatServer.Json(200, OpenAiFixtures.WithContent(ValidAnswer)));

        var consultation = await Advisor(server.Endpoint).ConsultAsync(Question() with { Departments = [] }, TestContext.Current.CancellationToken);

        Assert.Equal(LlmOutcome.NoCandidates, consultation.Outcome);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task RepeatedOutages_PauseTheModel_UntilThePauseIsOver()
    {
        var failing = true;
        await using var server = await FakeChatServer.StartAsync(context => failing
            ? FakeChatServer.Json(503, """{"error":{"message":"overloaded","type":"server_error","param":null,"code":null}}""")(context)
            : FakeChatServer.Json(200, OpenAiFixtures.WithContent(ValidAnswer))(context));
        var clock = new TestClock(Instant.FromUtc(2026, 12, 1, 9, 0));
        var options = Settings(server.Endpoint, failuresBeforePause: 2, pauseSeconds: 60);
        var breaker = new LlmCircuitBreaker(clock, options);
        var advisor = Advisor(server.Endpoint, options, breaker);
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal(LlmOutcome.ServerError, (await advisor.ConsultAsync(Question(), ct)).Outcome);
        Assert.Equal(LlmOutcome.ServerError, (await advisor.ConsultAsync(Question(), ct)).Outcome);
        var skipped = await advisor.ConsultAsync(Question(), ct);
        clock.Advance(Duration.FromSeconds(59));
        var stillSkipped = await advisor.ConsultAsync(Question(), ct);

        Assert.Equal((LlmOutcome.Paused, LlmOutcome.Paused), (skipped.Outcome, stillSkipped.Outcome));
        Assert.Equal(2, server.Requests.Count);

        clock.Advance(Duration.FromSeconds(1));
        Assert.Equal(LlmOutcome.ServerError, (await advisor.ConsultAsync(Question(), ct)).Outcome);
        Assert.Equal(LlmOutcome.Paused, (await advisor.ConsultAsync(Question(), ct)).Outcome); // one more failure pauses again
        Assert.Equal(3, server.Requests.Count);

        failing = false;
        clock.Advance(Duration.FromSeconds(60));
        Assert.Equal(LlmOutcome.Answered, (await advisor.ConsultAsync(Question(), ct)).Outcome);
        failing = true;
        Assert.Equal(LlmOutcome.ServerError, (await advisor.ConsultAsync(Question(), ct)).Outcome); // the count started again
        Assert.Equal(LlmOutcome.ServerError, (await advisor.ConsultAsync(Question(), ct)).Outcome);
        Assert.Equal(6, server.Requests.Count);
    }

    [Fact]
    public async Task UnusableAnswers_DoNotPauseTheModel()
    {
        await using var server = await FakeChatServer.StartAsync(FakeChatServer.Json(200, OpenAiFixtures.WithContent("{\"reason\":")));
        var options = Settings(server.Endpoint, failuresBeforePause: 1);
        var advisor = Advisor(server.Endpoint, options, new LlmCircuitBreaker(new TestClock(Instant.FromUtc(2026, 12, 1, 9, 0)), options));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(LlmOutcome.Invalid, (await advisor.ConsultAsync(Question(), TestContext.Current.CancellationToken)).Outcome);
        }
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task Registration_Configured_ResolvesAnAdvisorThatAsksTheServer()
    {
        await using var server = await FakeChatServer.StartAsync(FakeChatServer.Json(200, OpenAiFixtures.WithContent(ValidAnswer)));
        await using var services = Services(new()
        {
            ["Hotline:Llm:Endpoint"] = server.Endpoint.ToString(),
            ["Hotline:Llm:Model"] = "gpt-4o-mini",
            ["Hotline:Llm:ApiKey"] = ApiKey,
        });
        await using var scope = services.CreateAsyncScope();

        var verdict = await scope.ServiceProvider.GetRequiredService<LlmRoutingAdvisor>().AdviseAsync(Question(), TestContext.Current.CancellationToken);

        Assert.Equal("city-housing", verdict?.DepartmentId);
        Assert.True(LlmRouting.IsConfigured(services));
        Assert.Equal("Bearer " + ApiKey, Assert.Single(server.Requests).Authorization);
    }

    [Fact]
    public async Task Registration_NotConfigured_RegistersNoAdvisorAndNoChatClient()
    {
        await using var services = Services([]);
        await using var scope = services.CreateAsyncScope();

        Assert.Null(scope.ServiceProvider.GetService<LlmRoutingAdvisor>());
        Assert.Null(scope.ServiceProvider.GetService<IChatClient>());
        Assert.False(LlmRouting.IsConfigured(services));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8000/v1", null, "only partly set")]
    [InlineData(null, "gpt-4o-mini", "only partly set")]
    [InlineData("api.openai.com/v1", "gpt-4o-mini", "absolute http(s) URL")]
    public async Task Registration_HalfSetOrInvalid_FailsValidation(string? endpoint, string? model, string problem)
    {
        await using var services = Services(new() { ["Hotline:Llm:Endpoint"] = endpoint, ["Hotline:Llm:Model"] = model });

        var thrown = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<LlmOptions>>().Value);

        Assert.Contains(problem, thrown.Message, StringComparison.Ordinal);
    }

    internal static LlmRoutingQuestion Question() => new(
        "阳光花园电梯故障",
        "阳光花园3号楼电梯坏了一周，物业不修。",
        TicketType.Complaint,
        "城东区",
        [
            new CandidateDepartment("city-housing", "市住房和城乡建设局", "房屋建设、物业管理、城市建设、燃气与供热行业监管。"),
            new CandidateDepartment("city-environment", "市生态环境局", "大气、水、噪声、固体废物污染防治与环境执法。"),
            new CandidateDepartment("chengdong-gov", "城东区人民政府", "城东区属地事项。"),
        ],
        [
            new CandidateCategory("urban-construction", "城乡建设", "city-housing"),
            new CandidateCategory("environment", "环境保护", "city-environment"),
        ],
        [
            new SimilarCase("文昌小区电梯停运两周无人维修", "城乡建设", "市住房和城乡建设局", "已督促物业更换电梯主板，电梯已恢复运行。", 0.71),
        ]);

    private static LlmRoutingAdvisor Advisor(Uri endpoint, int timeoutSeconds = 8)
    {
        var options = Settings(endpoint, timeoutSeconds: timeoutSeconds);
        return Advisor(endpoint, options, new LlmCircuitBreaker(new TestClock(Instant.FromUtc(2026, 12, 1, 9, 0)), options));
    }

    private static LlmRoutingAdvisor Advisor(Uri endpoint, IOptions<LlmOptions> options, LlmCircuitBreaker breaker) =>
        new(new OpenAiCompatibleChatClient(new HttpClient(), endpoint, options.Value.Model!, ApiKey), breaker, options,
            NullLogger<LlmRoutingAdvisor>.Instance);

    private static IOptions<LlmOptions> Settings(Uri endpoint, int timeoutSeconds = 8, int failuresBeforePause = 3, int pauseSeconds = 60) =>
        Options.Create(new LlmOptions
        {
            Endpoint = endpoint.ToString(),
            Model = "gpt-4o-mini",
            ApiKey = ApiKey,
            TimeoutSeconds = timeoutSeconds,
            FailuresBeforePause = failuresBeforePause,
            PauseSeconds = pauseSeconds,
        });

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IClock>(new TestClock(Instant.FromUtc(2026, 12, 1, 9, 0)));
        services.AddLlmRouting(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    private static List<string> Keys(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name).Order()];
}
