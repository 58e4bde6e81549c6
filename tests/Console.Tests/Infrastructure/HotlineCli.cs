using System.Diagnostics;

namespace Hotline.Console.Tests.Infrastructure;

/// <summary>Runs the built <c>hotline</c> command line as its own process and captures what it printed.</summary>
public static class HotlineCli
{
    /// <summary>
    /// Runs <c>hotline</c> with <paramref name="args"/>; <paramref name="environment"/> sets variables (a null value removes one).
    /// A run longer than <paramref name="timeout"/> is killed, with its children, and the wait throws.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(IEnumerable<string> args,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hotline.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, (await output).Trim(), (await error).Trim());
    }
}
