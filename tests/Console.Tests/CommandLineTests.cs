using Hotline.Console.Tests.Infrastructure;

namespace Hotline.Console.Tests;

/// <summary>The <c>hotline calendar</c> verbs, run as a separate process the way an operator runs them.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly TempDirectory _dataDirectory = new("hotline-cli-");

    private Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) =>
        HotlineCli.RunAsync(args, new Dictionary<string, string?>
        {
            ["Hotline__DataDirectory"] = _dataDirectory.Path,
            ["Hotline__Database__Provider"] = "Sqlite",
            ["Hotline__Database__ConnectionString"] = null,
        });

    [Fact]
    public async Task AddWorkingDays_PrintsTheDueDate()
    {
        var (code, output, _) = await RunAsync("calendar", "add-working-days", "--from", "2025-09-26", "--days", "15");
        Assert.Equal(0, code);
        Assert.Equal("2025-10-23", output);
    }

    [Fact]
    public async Task IsWorkingDay_KnowsMakeUpSaturdays_AndTheSpringFestival()
    {
        Assert.Equal((0, "true"), await Short("calendar", "is-working-day", "--date", "2026-02-28"));
        Assert.Equal((0, "false"), await Short("calendar", "is-working-day", "--date", "2026-02-16"));
        Assert.Equal((0, "false"), await Short("calendar", "is-working-day", "--date", "2026-11-22"));
    }

    [Fact]
    public async Task YearWithoutNotice_ExitsWith2_AndSaysWhy()
    {
        var (code, output, error) = await RunAsync("calendar", "is-working-day", "--date", "2027-01-04");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("2027", error);
    }

    [Fact]
    public async Task MalformedDate_IsAnError()
    {
        var (code, _, error) = await RunAsync("calendar", "is-working-day", "--date", "26/02/2026");
        Assert.NotEqual(0, code);
        Assert.Contains("yyyy-MM-dd", error);
    }

    private async Task<(int, string)> Short(params string[] args)
    {
        var (code, output, _) = await RunAsync(args);
        return (code, output);
    }

    public void Dispose() => _dataDirectory.Dispose();
}
