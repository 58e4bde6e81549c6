using Hotline.Console.Tests.Infrastructure;
using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(Hotline.Console.Tests.Browser.BrowserFixture))]

namespace Hotline.Console.Tests.Browser;

/// <summary>
/// A browser test: its own database and host (serving the built web console from src/Console/web/dist, outbox delivery on so
/// live updates flow), and as many browser contexts as it needs — one per person, each with its own cookies, like separate
/// browsers. Browser tests carry the trait Category=Browser; tests/run.sh runs them once (SQLite), not again on PostgreSQL.
/// </summary>
[Collection(BrowserCollection.Name)]
public abstract class BrowserTest(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    protected TestDatabase Database { get; private set; } = null!;
    protected TestHost Host { get; private set; } = null!;
    protected string BaseUrl => Host.Address.ToString().TrimEnd('/');

    public static string RepositoryRoot { get; } = FindRepositoryRoot();
    public static string WebRoot => Path.Combine(RepositoryRoot, "src", "Console", "web", "dist");
    public static string ScreenshotDirectory => Path.Combine(RepositoryRoot, "TestResults", "screenshots");

    public async ValueTask InitializeAsync()
    {
        // Web-first assertions wait as long as actions do (the context's 15 s): Playwright's own 5 s default was what a live
        // connection opened after a reload missed under CI's full load (2 cores, both databases' hosts), passing alone every time.
        // Assertions that time a live update themselves still pass their own shorter timeout.
        Assertions.SetDefaultExpectTimeout(15_000);
        if (!File.Exists(Path.Combine(WebRoot, "index.html")))
        {
            throw new InvalidOperationException($"The web console is not built ({WebRoot}): build src/Console without -p:SkipWebBuild=true.");
        }
        Database = await TestDatabase.CreateAsync();
        var settings = new Dictionary<string, string> { ["Hotline:WebRoot"] = WebRoot };
        foreach (var (key, value) in HostSettings)
        {
            settings[key] = value;
        }
        Host = await TestHost.StartAsync(Database, deliverOutbox: true, settings: settings);
    }

    /// <summary>Settings a test class adds to its host (Twilio for calls, routing options…).</summary>
    protected virtual IReadOnlyDictionary<string, string> HostSettings { get; } = new Dictionary<string, string>();

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }
        await Host.DisposeAsync();
        await Database.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>A new page in its own browser context (its own cookies), at a desktop size unless given another.</summary>
    protected async Task<IPage> NewPageAsync(int width = 1366, int height = 900)
    {
        var browser = await fixture.BrowserAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
            ViewportSize = new ViewportSize { Width = width, Height = height },
            // The console turns Ant Design's animations off for reduced motion: a click cannot land on a dialog still opening.
            ReducedMotion = ReducedMotion.Reduce,
        });
        context.SetDefaultTimeout(15_000);
        _contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the sign-in page, as a person would, and waits for the role's home page.</summary>
    protected async Task<IPage> SignedInPageAsync(string userName, string password = TestHost.DemoPassword, int width = 1366, int height = 900)
    {
        var page = await NewPageAsync(width, height);
        await page.GotoAsync("/login");
        await page.GetByLabel("用户名").FillAsync(userName);
        await page.GetByLabel("密码").FillAsync(password);
        // Waiting for the sign-in's answer first means a failure says whether the host refused, answered late, or the page did
        // not move on. (A CI run once timed out here with no more to go on; a 401 to the page's first "who am I", answered after
        // the sign-in, could send the page back to the form, and AuthProvider now ignores such a late answer.)
        var answer = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { NameRegex = new("登\\s*录") }).ClickAsync(),
            r => r.Url.EndsWith("/api/auth/login", StringComparison.Ordinal));
        Assert.True(answer.Ok, $"Sign-in as {userName} answered {answer.Status}: {await answer.TextAsync()}");
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        // The live connection is open once the header says so; a test acting before that could miss its first event.
        await Assertions.Expect(page.GetByTestId("live-status")).ToHaveAttributeAsync("data-status", "connected");
        return page;
    }

    /// <summary>Saves a full-page screenshot under TestResults/screenshots (the run's artefacts).</summary>
    protected static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, $"{name}.png"), FullPage = true });
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hotline.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Hotline.sln not found above the test binaries.");
    }
}

/// <summary>Browser tests run one after another: each drives a real Chromium, and the machine has two cores.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection
{
    public const string Name = "Browser";
}
