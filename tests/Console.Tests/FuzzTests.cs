using System.Text;
using Hotline.Console.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Console.Tests;

/// <summary>
/// A bounded fuzz run over every API endpoint the host registers (public ones as an anonymous caller, staff ones signed in as a
/// supervisor, admin ones as an admin): malformed JSON, wrong types, huge and deeply nested bodies, invalid UTF-8, wrong content types,
/// abusive headers and query strings, odd path values. The host must never answer 5xx, every error it writes must be a problem
/// document, and a refused write must leave every table as it was. A fixed seed makes a failure reproducible; the number of
/// inputs tried is printed (and written to TestResults/fuzz-summary.txt).
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output) : HostTest
{
    private const int Seed = 20261122;
    private const string Oversized = "2 MB body", OversizedHeader = "40 KB header";

    private static readonly string[] BodyShapes =
    [
        "", "{", "}", "[", "{\"content\":", "null", "true", "42", "\"text\"", "[]", "[{}]", "{}", "{\"\":\"\"}",
        "{\"content\":5,\"phone\":[],\"level\":\"五\",\"days\":\"x\",\"version\":-1,\"approve\":\"yes\",\"leadDepartmentId\":{}}",
        "{\"content\":null,\"phone\":null,\"level\":null,\"version\":null}",
        "{\"level\":1e309,\"days\":99999999999999999999,\"version\":2147483648,\"page\":-5}",
        "{\"content\":\"\\u0000\\u0001\",\"phone\":\"\\ud800\",\"name\":\"<script>alert(1)</script>\",\"title\":\"'; DROP TABLE Tickets;--\"}",
        "{\"content\":\"a\",\"content\":\"b\"}",
        "{\"leadDepartmentId\":\"../../etc/passwd\",\"targetId\":\"not-a-guid\",\"coHandlerDepartmentIds\":[1,2,3]}",
        "{\"reason\":\"" + new string('长', 20_000) + "\"}",
    ];

    private static readonly string[] QueryShapes =
    [
        "?page=-1&pageSize=999999", "?page=abc", "?date=not-a-date&period=century", "?from=2026-13-45&to=1900-01-01",
        "?q=" + new string('查', 5_000), "?state=Nonsense,Closed", "?format=exe", "?after=-99999999999", "?phone=%00%0a",
        "?department=%27%20OR%201%3D1--", "?size=2147483648", "?metric=%3Cscript%3E",
    ];

    [Fact]
    public async Task EveryEndpoint_SurvivesMalformedInput_WithProblemsAndNoPartialWrites()
    {
        var (ticketId, trackingCode) = await SubmitAsync("小区路面塌陷，存在安全隐患。");
        var anonymous = Host.Anonymous();
        var supervisor = await Host.SignInAsync("supervisor");
        var admin = await Host.SignInAsync("admin");
        var sacrificial = new Dictionary<HttpClient, HttpClient>
        {
            [anonymous] = Host.Anonymous(),
            [supervisor] = await Host.SignInAsync("supervisor"),
            [admin] = await Host.SignInAsync("admin"),
        };
        var random = new Random(Seed);
        var failures = new List<string>();
        var tried = 0;

        var endpoints = Host.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } p && (p.StartsWith("/api/", StringComparison.Ordinal) || p.StartsWith("/webhooks/", StringComparison.Ordinal)))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Pattern: e.RoutePattern.RawText!)))
            .Where(e => e.Pattern != "/api/auth/logout") // it would sign the fuzzing clients out
            .Distinct()
            .OrderBy(e => e.Pattern, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal)
            .ToList();
        Assert.True(endpoints.Count > 80, $"only {endpoints.Count} endpoints found");

        foreach (var (method, pattern) in endpoints)
        {
            var client = pattern.StartsWith("/api/admin", StringComparison.Ordinal) ? admin
                : pattern.StartsWith("/api/citizen", StringComparison.Ordinal) || pattern.StartsWith("/webhooks", StringComparison.Ordinal)
                  || pattern.StartsWith("/api/public", StringComparison.Ordinal) ? anonymous
                : supervisor;
            var first = true;
            foreach (var path in Paths(pattern, ticketId, trackingCode))
            {
                var inputs = new List<(string Name, Func<HttpRequestMessage> Make)>();
                if (!first)
                {
                    // A hostile path value is tried with one plain body; the body shapes ran on the real path.
                    inputs.Add(("hostile path", () => Request(method, path, "{}"u8.ToArray(), "application/json")));
                    goto send;
                }
                first = false;
                for (var b = 0; b < BodyShapes.Length; b++)
                {
                    var body = BodyShapes[b];
                    inputs.Add(($"body shape {b}", () => Request(method, path, Encoding.UTF8.GetBytes(body), "application/json")));
                }
                for (var q = 0; q < QueryShapes.Length; q++)
                {
                    var query = QueryShapes[q];
                    inputs.Add(($"query shape {q}", () => Request(method, path + query, method == "GET" ? null : "{}"u8.ToArray(), "application/json")));
                }
                inputs.Add(("invalid UTF-8", () => Request(method, path, [0x7B, 0x22, 0x63, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0xC3, 0x28, 0x22, 0x7D], "application/json")));
                inputs.Add(("nested 10,000 deep", () => Request(method, path, Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000)), "application/json")));
                inputs.Add((Oversized, () => Request(method, path, Encoding.UTF8.GetBytes("{\"content\":\"" + new string('x', 2 * 1024 * 1024) + "\"}"), "application/json")));
                inputs.Add(("JSON as text/plain", () => Request(method, path, "{\"content\":\"路灯坏了\"}"u8.ToArray(), "text/plain")));
                inputs.Add(("form body", () => Request(method, path, "content=%E8%B7%AF%E7%81%AF&phone=abc"u8.ToArray(), "application/x-www-form-urlencoded")));
                inputs.Add(("multipart with an exe", () => Request(method, path, "--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"../../a.exe\"\r\n\r\nMZ\r\n--x--"u8.ToArray(),
                    "multipart/form-data; boundary=x")));
                inputs.Add(("abusive headers", () =>
                {
                    var request = Request(method, path, "{}"u8.ToArray(), "application/json");
                    request.Headers.TryAddWithoutValidation("X-Forwarded-For", "1.2.3.4, <script>");
                    request.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', 2_000));
                    request.Headers.TryAddWithoutValidation("X-Twilio-Signature", "forged");
                    request.Headers.TryAddWithoutValidation("Accept", "*/*;q=abc");
                    return request;
                }
                ));
                inputs.Add((OversizedHeader, () =>
                {
                    var request = Request(method, path, "{}"u8.ToArray(), "application/json");
                    request.Headers.TryAddWithoutValidation("X-Oversized", new string('h', 40_000)); // beyond Kestrel's header limit: 431
                    return request;
                }
                ));
                // Random bytes, seeded.
                for (var i = 0; i < 3; i++)
                {
                    var bytes = new byte[random.Next(1, 512)];
                    random.NextBytes(bytes);
                    var type = i % 2 == 0 ? "application/json" : "application/octet-stream";
                    inputs.Add(($"random bytes {i}", () => Request(method, path, bytes, type)));
                }

            send:
                {
                    foreach (var (name, make) in inputs)
                    {
                        var before = method == "GET" ? null : await SnapshotAsync();
                        using var request = make();
                        var description = $"{method} {request.RequestUri} [{name}]";
                        HttpResponseMessage response;
                        try
                        {
                            // Kestrel closes the connection after refusing an oversized request; those go on a connection of
                            // their own so the pooled one the next input uses is not the one being closed.
                            response = await (name is Oversized or OversizedHeader ? sacrificial[client] : client).SendAsync(request);
                        }
                        catch (HttpRequestException ex) when (name is Oversized or OversizedHeader)
                        {
                            // Kestrel answers 413/431 and closes the connection before the client has sent everything: the
                            // client may see the reset instead of the answer. Refused either way; nothing may have been written.
                            _ = ex;
                            tried++;
                            if (before is not null && await SnapshotAsync() != before)
                            {
                                failures.Add($"{description}: refused, but something was written");
                            }
                            continue;
                        }
                        catch (HttpRequestException ex)
                        {
                            failures.Add($"{description}: connection failed: {ex.Message}");
                            continue;
                        }
                        tried++;
                        using (response)
                        {
                            var status = (int)response.StatusCode;
                            var text = await response.Content.ReadAsStringAsync();
                            if (status >= 500)
                            {
                                failures.Add($"{description}: {status} {Clip(text)}");
                            }
                            else if (status >= 400 && status != 431 && status != 413 && response.Content.Headers.ContentLength != 0
                                && response.Content.Headers.ContentType?.MediaType is not ("application/problem+json" or "text/xml" or "application/xml"))
                            {
                                failures.Add($"{description}: {status} is not a problem document ({response.Content.Headers.ContentType}): {Clip(text)}");
                            }
                            if (status >= 400 && before is not null && await SnapshotAsync() != before)
                            {
                                failures.Add($"{description}: refused with {status}, but something was written");
                            }
                        }
                    }
                }
            }
        }
        var summary = $"fuzz: {tried} inputs tried over {endpoints.Count} endpoints (seed {Seed}), {failures.Count} failures";
        output.WriteLine(summary);
        Directory.CreateDirectory(Path.Combine(Browser.BrowserTest.RepositoryRoot, "TestResults"));
        await File.AppendAllTextAsync(Path.Combine(Browser.BrowserTest.RepositoryRoot, "TestResults", "fuzz-summary.txt"),
            $"{summary} [{(TestDatabase.UsePostgres ? "postgres" : "sqlite")}]\n");
        Assert.True(failures.Count == 0, summary + ":\n" + string.Join("\n", failures.Take(60)));
    }

    /// <summary>Concrete paths for a route pattern: real ids where a parameter names one, and hostile values.</summary>
    private static IEnumerable<string> Paths(string pattern, string ticketId, string trackingCode)
    {
        string Fill(string value, string guid) => System.Text.RegularExpressions.Regex.Replace(pattern, "\\{[^}]+\\}", m =>
            m.Value.Contains(":guid", StringComparison.Ordinal) ? guid
            : m.Value.Contains(":int", StringComparison.Ordinal) ? "2027"
            : m.Value.Contains("trackingCode", StringComparison.Ordinal) ? (value == "" ? trackingCode : value)
            : value == "" ? "x" : value);
        yield return Fill("", ticketId).TrimEnd('/');
        if (pattern.Contains('{', StringComparison.Ordinal))
        {
            yield return Fill("%2e%2e%2f%2e%2e%2fetc%2fpasswd", Guid.Empty.ToString());
            yield return Fill(new string('9', 300), Guid.NewGuid().ToString());
        }
    }

    private static HttpRequestMessage Request(string method, string path, byte[]? body, string contentType)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null && method != "GET")
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        return request;
    }

    private static string Clip(string text) => text.Length > 300 ? text[..300] + "…" : text;

    private async Task<string> SnapshotAsync()
    {
        using var scope = Host.Services.CreateScope();
        var routing = scope.ServiceProvider.GetRequiredService<Hotline.Routing.Storage.RoutingDbContext>();
        var feedback = scope.ServiceProvider.GetRequiredService<Hotline.Feedback.Storage.FeedbackDbContext>();
        var intake = scope.ServiceProvider.GetRequiredService<Hotline.Intake.Storage.IntakeDbContext>();
        var versions = string.Join(",", routing.Tickets.OrderBy(t => t.ReceivedAt).Select(t => t.Version));
        return $"{routing.Tickets.Count()}|{routing.Timeline.Count()}|{routing.Outbox.Count()}|{routing.PersonalDataAccess.Count()}|" +
            $"{feedback.Ratings.Count()}|{feedback.Rectifications.Count()}|{feedback.Appeals.Count()}|{feedback.History.Count()}|" +
            $"{intake.Citizens.Count()}|{intake.Calls.Count()}|{versions}";
    }
}
