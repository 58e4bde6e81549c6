using Microsoft.Playwright;

namespace Hotline.Console.Tests.Browser;

/// <summary>
/// One headless Debian Chromium for every browser test of the run (starting it is the slow part), driven by Playwright for .NET.
/// Playwright's own browser download does not work on these machines; <c>tests/run.sh</c> installs Debian's <c>chromium</c> and
/// <c>fonts-noto-cjk</c> (so screenshots show Chinese glyphs). <c>HOTLINE_CHROMIUM</c> overrides the executable.
/// </summary>
public sealed class BrowserFixture : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string ExecutablePath => Environment.GetEnvironmentVariable("HOTLINE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task<IBrowser> BrowserAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_browser is { IsConnected: true })
            {
                return _browser;
            }
            if (!File.Exists(ExecutablePath))
            {
                throw new InvalidOperationException($"Chromium not found at {ExecutablePath}: run tests/run.sh (it installs Debian's chromium).");
            }
            _playwright ??= await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                // The machine's network is closed: without these, Chromium keeps trying to reach Google's services.
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
            });
            return _browser;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }
        _playwright?.Dispose();
        _gate.Dispose();
    }
}
