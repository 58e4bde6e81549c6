using System.Net;
using System.Text.Json;
using Hotline.Routing.Llm;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Hotline.Routing.Tests.Llm;

/// <summary>
/// The chat client against a Kestrel that answers with OpenAI's own recorded bodies (../shared/fixtures/openai): what it sends
/// is compared with the recorded requests, and every recorded response and error is mapped.
/// </summary>
public sealed class OpenAiCompatibleChatClientTests
{
    private const string ApiKey = "sk-test-0123456789";

    public static TheoryData<string> RecordedRequests() =>
    [
        "chat.completions.default.request.json",
        "chat.completions.error.401.invalid_api_key.request.json",
        "chat.completions.json_schema.strict.request.json",
        "chat.completions.json_schema.non_strict.request.json",
        "chat.completions.json_schema.refusal.request.json",
    ];

    public static TheoryData<string> RecordedResponses() =>
    [
        "chat.completions.default.response.200.json",
        "chat.completions.json_schema.strict.response.200.json",
        "chat.completions.json_schema.non_strict.response.200.json",
        "chat.completions.json_schema.refusal.response.200.json",
        "chat.completions.json_schema.refusal_py.response.200.json",
        "chat.completions.json_schema.sdk_location.response.200.json",
        "chat.completions.json_schema.finish_length.response.200.json",
        "chat.completions.json_schema.n3.response.200.json",
    ];

    [Theory]
    [MemberData(nameof(RecordedRequests))]
    public async Task Request_BuiltFromTheSameMessagesAndOptions_IsTheRecordedBody(string fixture)
    {
        var recorded = OpenAiFixtures.Json(fixture);
        await using var server = await FakeChatServer.StartAsync(
            FakeChatServer.Json(200, OpenAiFixtures.Read("chat.completions.default.response.200.json")));
        var model = recorded.GetProperty("model").GetString()!;
        var (messages, options) = MessagesAndOptions(recorded);

        await Client(server.Endpoint, model).GetResponseAsync(messages, options, TestContext.Current.CancellationToken);

        var request = Assert.Single(server.Requests);
        using var sent = JsonDocument.Parse(request.Body);
        Assert.True(JsonElement.DeepEquals(recorded, sent.RootElement), $"sent {request.Body}\nrecorded {recorded}");
        Assert.Equal("Bearer " + ApiKey, request.Authorization);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("application/json", request.Accept);
    }

    [Fact]
    public async Task Request_WithoutApiKey_SendsNoAuthorization_AndChineseUnescaped()
    {
        await using var server = await FakeChatServer.StartAsync(
            FakeChatServer.Json(200, OpenAiFixtures.Read("chat.completions.default.response.200.json")));
        var client = new OpenAiCompatibleChatClient(new HttpClient(), server.Endpoint, "qwen2.5:7b", apiKey: null);

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "小区电梯坏了")],
            new ChatOptions { Instructions = "你是派单助手", ModelId = "qwen2.5:14b", MaxOutputTokens = 300, Seed = 7 },
            TestContext.Current.CancellationToken);

        var request = Assert.Single(server.Requests);
        Assert.Equal("", request.Authorization);
        Assert.Contains("小区电梯坏了", request.Body, StringComparison.Ordinal);
        using var sent = JsonDocument.Parse(request.Body);
        using var expected = JsonDocument.Parse("""
            {"model":"qwen2.5:14b","messages":[{"role":"system","content":"你是派单助手"},{"role":"user","content":"小区电梯坏了"}],
             "max_tokens":300,"seed":7}
            """);
        Assert.True(JsonElement.DeepEquals(expected.RootElement, sent.RootElement), request.Body);
    }

    [Fact]
    public async Task Request_JsonWithoutSchema_AsksForJsonObject()
    {
        await using var server = await FakeChatServer.StartAsync(
            FakeChatServer.Json(200, OpenAiFixtures.Read("chat.completions.default.response.200.json")));

        await Client(server.Endpoint).GetResponseAsync([new ChatMessage(ChatRole.User, "hi")],
            new ChatOptions { ResponseFormat = ChatResponseFormat.Json }, TestContext.Current.CancellationToken);

        using var sent = JsonDocument.Parse(Assert.Single(server.Requests).Body);
        Assert.Equal("""{"type":"json_object"}""", sent.RootElement.GetProperty("response_format").GetRawText());
    }

    [Theory]
    [MemberData(nameof(RecordedResponses))]
    public async Task Response_EachRecordedBody_IsMappedFromItsFirstChoice(string fixture)
    {
        var recorded = OpenAiFixtures.Json(fixture);
        await using var server = await FakeChatServer.StartAsync(FakeChatServer.Json(200, OpenAiFixtures.Read(fixture)));

        var response = await Client(server.Endpoint).GetResponseAsync("question", cancellationToken: TestContext.Current.CancellationToken);

        var choice = recorded.GetProperty("choices")[0];
        var message = choice.GetProperty("message");
        Assert.Equal(recorded.GetProperty("id").GetString(), response.ResponseId);
        Assert.Equal(recorded.GetProperty("model").GetString(), response.ModelId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(recorded.GetProperty("created").GetInt64()), response.CreatedAt);
        Assert.Equal(choice.GetProperty("finish_reason").GetString(), response.FinishReason?.Value);
        Assert.Equal(message.GetProperty("content").ValueKind == JsonValueKind.String ? message.GetProperty("content").GetString() : "",
            response.Text);
        var refusal = response.Messages.Single().Contents.OfType<ErrorContent>().SingleOrDefault();
        Assert.Equal(message.GetProperty("refusal").ValueKind == JsonValueKind.String ? message.GetProperty("refusal").GetString() : null,
            refusal?.Message);
        var usage = recorded.GetProperty("usage");
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt64(), response.Usage!.InputTokenCount);
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt64(), response.Usage.OutputTokenCount);
        Assert.Equal(usage.GetProperty("total_tokens").GetInt64(), response.Usage.TotalTokenCount);
        Assert.Equal(ChatRole.Assistant, response.Messages.Single().Role);
    }

    [Fact]
    public async Task Response_Default_CarriesTextUsageDetailsAndServiceTier()
    {
        await using var server = await FakeChatServer.StartAsync(
            FakeChatServer.Json(200, OpenAiFixtures.Read("chat.completions.default.response.200.json")));

        var response = await Client(server.Endpoint).GetResponseAsync("Hello!", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Hello! How can I assist you today?", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT", response.ResponseId);
        Assert.Equal("gpt-5.4", response.ModelId);
        Assert.Equal(new DateTimeOffset(2025, 3, 10, 1, 25, 52, TimeSpan.Zero), response.CreatedAt);
        Assert.Equal((19L, 10L, 29L, 0L, 0L), (response.Usage!.InputTokenCount, response.Usage.OutputTokenCount,
            response.Usage.TotalTokenCount, response.Usage.CachedInputTokenCount, response.Usage.ReasoningTokenCount));
        Assert.Equal("default", response.AdditionalProperties!["service_tier"]);
        Assert.Empty(response.Messages.Single().Contents.OfType<ErrorContent>());
    }

    [Fact]
    public async Task Response_Refusal_IsAnErrorContentWithoutText()
    {
        await using var server = await FakeChatServer.StartAsync(
            FakeChatServer.Json(200, OpenAiFixtures.Read("chat.completions.json_schema.refusal.response.200.json")));

        var response = await Client(server.Endpoint).GetResponseAsync("rob a bank", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("", response.Text);
        var refusal = Assert.IsType<ErrorContent>(Assert.Single(response.Messages.Single().Contents));
        Assert.Equal("Refusal", refusal.ErrorCode);
        Assert.Equal("I'm very sorry, but I can't assist with that request.", refusal.Message);
    }

    [Fact]
    public async Task Response_FinishLength_IsLength_WithTheTruncatedText()
    {
        await using var server = await FakeChatServer.StartAsync(
            FakeChatServer.Json(200, OpenAiFixtures.Read("chat.completions.json_schema.finish_length.response.200.json")));

        var response = await Client(server.Endpoint).GetResponseAsync("weather", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal("{\"", response.Text);
        Assert.Null(response.Usage!.CachedInputTokenCount); // older answer without prompt_tokens_details
        Assert.Equal(0, response.Usage.ReasoningTokenCount);
    }

    [Theory]
    [InlineData("1741569952000", true)] // milliseconds, as some compatible servers send
    [InlineData("\"1741569952\"", false)] // a string: left out
    [InlineData("null", false)]
    public async Task Response_LooseCreatedAndCounts_AreReadOrLeftOut_NotAFailure(string created, bool read)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(OpenAiFixtures.Read("chat.completions.default.response.200.json"))!;
        body["created"] = System.Text.Json.Nodes.JsonNode.Parse(created);
        body["usage"]!["prompt_tokens"] = null;
        body["usage"]!["completion_tokens"] = "10";
        await using var server = await FakeChatServer.StartAsync(FakeChatServer.Json(200, body.ToJsonString()));

        var response = await Client(server.Endpoint).GetResponseAsync("Hello!", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Hello! How can I assist you today?", response.Text);
        Assert.Equal(read ? new DateTimeOffset(2025, 3, 10, 1, 25, 52, TimeSpan.Zero) : null, response.CreatedAt);
        Assert.Equal((null, null, 29L), (response.Usage!.InputTokenCount, response.Usage.OutputTokenCount, response.Usage.TotalTokenCount));
    }

    [Fact]
    public async Task Response_ThreeChoices_TakesTheFirst()
    {
        await using var server = await FakeChatServer.StartAsync(
            FakeChatServer.Json(200, OpenAiFixtures.Read("chat.completions.json_schema.n3.response.200.json")));

        var response = await Client(server.Endpoint).GetResponseAsync("weather", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("""{"city":"San Francisco","temperature":64,"units":"f"}""", Assert.Single(response.Messages).Text);
    }

    [Theory]
    [InlineData("chat.completions.error.400.invalid_function_parameters.response.400.json", 400)]
    [InlineData("chat.completions.error.401.invalid_api_key.response.401.json", 401)]
    [InlineData("chat.completions.messages.error.404.not_found.response.404.json", 404)]
    [InlineData("embeddings.error.400.null_param_code.response.400.json", 400)]
    public async Task Error_RecordedBodies_BecomeChatCompletionExceptions(string fixture, int status)
    {
        var error = OpenAiFixtures.Json(fixture).GetProperty("error");
        await using var server = await FakeChatServer.StartAsync(FakeChatServer.Json(status, OpenAiFixtures.Read(fixture)));

        var thrown = await Assert.ThrowsAsync<ChatCompletionException>(() =>
            Client(server.Endpoint).GetResponseAsync("question", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal((HttpStatusCode)status, thrown.StatusCode);
        Assert.Equal(error.GetProperty("type").GetString(), thrown.ErrorType);
        Assert.Equal(NullableText(error.GetProperty("code")), thrown.ErrorCode);
        Assert.Equal(NullableText(error.GetProperty("param")), thrown.Param);
        Assert.Contains(error.GetProperty("message").GetString()!, thrown.Message, StringComparison.Ordinal);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), thrown.Message, StringComparison.Ordinal);
        Assert.False(thrown.IsTransient);
        Assert.DoesNotContain(ApiKey, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error_TooManyRequests_IsTransient_WithRetryAfter()
    {
        // The spec's 429 uses the same ErrorResponse body (no recorded 429 exists; see the fixtures README).
        const string body = """{"error":{"message":"Rate limit reached for gpt-4o-mini","type":"requests","param":null,"code":"rate_limit_exceeded"}}""";
        await using var server = await FakeChatServer.StartAsync(FakeChatServer.Json(429, body, r => r.Headers.RetryAfter = "7"));

        var thrown = await Assert.ThrowsAsync<ChatCompletionException>(() =>
            Client(server.Endpoint).GetResponseAsync("question", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.TooManyRequests, thrown.StatusCode);
        Assert.Equal("rate_limit_exceeded", thrown.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(7), thrown.RetryAfter);
        Assert.True(thrown.IsTransient);
    }

    [Fact]
    public async Task Error_ProxyPageInsteadOfJson_IsAnErrorWithAnExcerpt()
    {
        await using var server = await FakeChatServer.StartAsync(async context =>
        {
            context.Response.StatusCode = 502;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html><body>502 Bad Gateway</body></html>", context.RequestAborted);
        });

        var thrown = await Assert.ThrowsAsync<ChatCompletionException>(() =>
            Client(server.Endpoint).GetResponseAsync("question", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.BadGateway, thrown.StatusCode);
        Assert.Contains("502 Bad Gateway", thrown.Message, StringComparison.Ordinal);
        Assert.True(thrown.IsTransient);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"id":"chatcmpl-1","choices":[]}""")]
    [InlineData("""{"error":{"message":"model overloaded","type":"server_error","param":null,"code":null}}""")]
    public async Task Error_SuccessStatusWithoutAnAnswer_Throws(string body)
    {
        await using var server = await FakeChatServer.StartAsync(FakeChatServer.Json(200, body));

        await Assert.ThrowsAsync<ChatCompletionException>(() =>
            Client(server.Endpoint).GetResponseAsync("question", cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ConnectionRefused_IsAnHttpRequestException()
    {
        var thrown = await Assert.ThrowsAnyAsync<HttpRequestException>(() =>
            Client(FakeChatServer.ClosedEndpoint()).GetResponseAsync("question", cancellationToken: TestContext.Current.CancellationToken));

        Assert.IsNotType<ChatCompletionException>(thrown);
    }

    [Fact]
    public void Streaming_IsNotSupported()
    {
        using var client = Client(new Uri("http://127.0.0.1:1/v1"));

        Assert.Throws<NotSupportedException>(() => client.GetStreamingResponseAsync("question"));
    }

    [Fact]
    public void Metadata_NamesTheEndpointAndModel()
    {
        using var client = Client(new Uri("http://127.0.0.1:8000/v1"), "Qwen2.5-7B-Instruct");

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.Equal(("openai-compatible", new Uri("http://127.0.0.1:8000/v1"), "Qwen2.5-7B-Instruct"),
            (metadata!.ProviderName, metadata.ProviderUri, metadata.DefaultModelId));
        Assert.Same(client, client.GetService<OpenAiCompatibleChatClient>());
    }

    private static OpenAiCompatibleChatClient Client(Uri endpoint, string model = "gpt-4o-mini") =>
        new(new HttpClient(), endpoint, model, ApiKey);

    /// <summary>The messages and options a caller would pass to produce a recorded request.</summary>
    private static (List<ChatMessage> Messages, ChatOptions Options) MessagesAndOptions(JsonElement recorded)
    {
        var messages = recorded.GetProperty("messages").EnumerateArray()
            .Select(m => new ChatMessage(new ChatRole(m.GetProperty("role").GetString()!), m.GetProperty("content").GetString()))
            .ToList();
        var options = new ChatOptions();
        if (recorded.TryGetProperty("temperature", out var temperature))
        {
            options.Temperature = temperature.GetSingle();
        }
        if (recorded.TryGetProperty("response_format", out var format))
        {
            var schema = format.GetProperty("json_schema");
            options.ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.GetProperty("schema"), schema.GetProperty("name").GetString(),
                schema.GetProperty("description").GetString());
            options.AdditionalProperties = new() { [OpenAiCompatibleChatClient.StrictJsonSchemaKey] = schema.GetProperty("strict").GetBoolean() };
        }
        return (messages, options);
    }

    private static string? NullableText(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetString();
}
