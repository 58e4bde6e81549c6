using System.Net;
using System.Net.Http.Json;
using Hotline.Routing.Outbox;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Hotline.Console.Tests.Infrastructure;

/// <summary>
/// Hotline running on a real Kestrel on loopback (a dynamic port), against a test database, with a test clock. Clients are plain
/// <see cref="HttpClient"/>s over TCP with their own cookie jars, one per signed-in role.
/// </summary>
public sealed class TestHost : IAsyncDisposable
{
    public const string DemoPassword = "Demo-Pass-2026!";

    private readonly Factory _factory;
    private readonly List<HttpClient> _clients = [];
    private readonly Dictionary<HttpClient, CookieContainer> _cookies = [];

    private TestHost(Factory factory, Uri address)
    {
        _factory = factory;
        Address = address;
    }

    public Uri Address { get; }
    public TestClock Clock => _factory.Clock;
    public IServiceProvider Services => _factory.Services;

    public static Task<TestHost> StartAsync(TestDatabase database, TestClock? clock = null, bool deliverOutbox = true,
        Action<IServiceCollection>? services = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var factory = new Factory(database, clock ?? new TestClock(TestClock.Shanghai(2026, 11, 23)), deliverOutbox, services, settings);
        factory.UseKestrel();
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return Task.FromResult(new TestHost(factory, new Uri(address)));
    }

    public HttpClient Anonymous()
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, UseCookies = true }) { BaseAddress = Address };
        _clients.Add(client);
        _cookies[client] = cookies;
        return client;
    }

    /// <summary>A client signed in as one of the demo accounts (agent, dispatcher, housing, supervisor, admin) or one made by a test.</summary>
    public async Task<HttpClient> SignInAsync(string userName, string password = DemoPassword)
    {
        var client = Anonymous();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { userName, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return client;
    }

    /// <summary>The cookie jar of a client made here (its sign-in cookie), e.g. for a WebSocket of the same user.</summary>
    public CookieContainer CookiesOf(HttpClient client) => _cookies[client];

    public T Get<T>() where T : notnull => _factory.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
        await _factory.DisposeAsync();
    }

    private sealed class Factory(TestDatabase database, TestClock clock, bool deliverOutbox, Action<IServiceCollection>? services,
        IReadOnlyDictionary<string, string>? settings) : WebApplicationFactory<Program>
    {
        public TestClock Clock { get; } = clock;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("urls", "http://127.0.0.1:0");
            builder.UseSetting("Hotline:DataDirectory", database.DataDirectory);
            builder.UseSetting("Hotline:Database:Provider", database.Provider);
            builder.UseSetting("Hotline:Database:ConnectionString", database.ConnectionString);
            builder.UseSetting("Hotline:Demo:Password", DemoPassword);
            builder.UseSetting("Hotline:Outbox:Enabled", deliverOutbox ? "true" : "false");
            builder.UseSetting("Hotline:Outbox:PollIntervalMilliseconds", "50");
            // Tests run the overdue check themselves, at the instants they choose.
            builder.UseSetting("Hotline:Overdue:Enabled", "false");
            // Tests post many submissions from one address and one number; the rate-limit tests set low limits in `settings`.
            builder.UseSetting("Hotline:RateLimits:PerIpPermits", "1000000");
            builder.UseSetting("Hotline:RateLimits:PerPhonePermits", "1000000");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                builder.UseSetting(key, value);
            }
            builder.ConfigureTestServices(s =>
            {
                s.AddSingleton<IClock>(Clock);
                services?.Invoke(s);
            });
        }
    }
}

/// <summary>Records every outbox message of one topic it is given, to prove delivery.</summary>
public sealed class RecordingHandler(string topic, string name = "test-recorder") : IOutboxHandler
{
    private readonly List<OutboxMessage> _received = [];

    public string Name => name;
    public string Topic => topic;

    public IReadOnlyList<OutboxMessage> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    public Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        lock (_received)
        {
            _received.Add(message);
        }
        return Task.CompletedTask;
    }
}
