using System.Net.Http.Headers;
using System.Text.Json;
using Hotline.Knowledge;

namespace Hotline.Host.Cli.Bench;

/// <summary>
/// Citizen submissions built from real messages (title and text of each JSONL line, taken round-robin), each from its own
/// mobile number and with its own <c>Idempotency-Key</c>, as the web form sends them.
/// </summary>
public sealed class IntakeRequests
{
    public const string Route = "/api/citizen/tickets";

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private readonly (string Title, string Content)[] _messages;

    private IntakeRequests((string, string)[] messages) => _messages = messages;

    public int Count => _messages.Length;

    /// <summary>Reads <c>{"title","text"}</c> lines; a line without text is skipped.</summary>
    public static IntakeRequests Load(string path)
    {
        var messages = JsonLines.Read(path)
            .Select(l => (Title: Text(l.Root, "title"), Content: Text(l.Root, "text")))
            .Where(m => m.Content.Length > 0)
            .Select(m => (Cut(m.Title, 200), Cut(m.Content, Intake.Web.CitizenEndpoints.MaxContentLength)))
            .ToArray();
        return messages.Length > 0 ? new IntakeRequests(messages) : throw new DataFileException($"{path} 中没有可用的诉求文本。");
    }

    /// <summary>Request number <paramref name="i"/>; true when it was answered 201.</summary>
    public async Task<bool> SendAsync(HttpClient client, int i, CancellationToken ct)
    {
        using var response = await client.SendAsync(Request(i), ct);
        await response.Content.LoadIntoBufferAsync(ct);
        return response.StatusCode == System.Net.HttpStatusCode.Created;
    }

    /// <summary>Request number <paramref name="i"/>; its receipt (JSON) when it was answered 201, otherwise null.</summary>
    public async Task<string?> SubmitAsync(HttpClient client, int i, CancellationToken ct)
    {
        using var response = await client.SendAsync(Request(i), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return response.StatusCode == System.Net.HttpStatusCode.Created ? body : null;
    }

    private HttpRequestMessage Request(int i)
    {
        var (title, content) = _messages[i % _messages.Length];
        var body = JsonSerializer.SerializeToUtf8Bytes(new { title, content, phone = $"139{i % 100_000_000:D8}" });
        var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return request;
    }

    private static string Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : "";

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length];
}
