using System.Diagnostics;

namespace Hotline.Host.Cli.Bench;

/// <summary>
/// Throughput and latency of one phase: requests per second over the phase's wall-clock time, latency percentiles of every
/// request (failed ones included), how many failed, the largest working set sampled while it ran, and the processor time the
/// process used per request (the whole process: server, background work and load generator share it). Processor time per
/// request does not depend on what else the machine is running; the other figures do.
/// </summary>
public sealed record LoadFigures(int Requests, double RequestsPerSecond, double P50Ms, double P95Ms, double P99Ms, int Errors, double PeakMemoryMb,
    double CpuMsPerRequest);

/// <summary>
/// A closed-loop load: <c>concurrency</c> workers each send the next request as soon as their previous one is answered, until
/// <c>requests</c> were sent or the time bound passes. The same driver measures Hotline and both limits, so the ratios compare
/// like with like.
/// </summary>
public static class LoadDriver
{
    /// <summary>Sends <paramref name="requests"/> requests from <paramref name="concurrency"/> workers, until done or <paramref name="ct"/> fires.</summary>
    /// <param name="requests">How many requests to send.</param>
    /// <param name="concurrency">How many workers send at once.</param>
    /// <param name="send">Sends request number <c>i</c>; true when it got the expected answer.</param>
    /// <param name="ct">The time bound.</param>
    public static async Task<LoadFigures> RunAsync(int requests, int concurrency, Func<int, CancellationToken, Task<bool>> send,
        CancellationToken ct)
    {
        var latencies = new long[requests];
        var next = -1;
        var errors = 0;
        var completed = 0;
        using var memory = MemorySampler.Start();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while (!ct.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < requests)
            {
                var sent = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    ok = await send(i, ct);
                }
                catch (Exception) when (!ct.IsCancellationRequested)
                {
                    ok = false; // a refused connection or a reset counts as an error, not as the end of the run
                }
                latencies[i] = Stopwatch.GetTimestamp() - sent;
                Interlocked.Increment(ref completed);
                if (!ok)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }, CancellationToken.None)).ToList();
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        // Requests never sent because the time bound passed count as errors: the phase did not do what was asked.
        errors += requests - completed;
        var done = latencies.Where(l => l > 0).ToArray(); // a request that was never sent has no latency
        var sorted = done.Select(t => t * 1000.0 / Stopwatch.Frequency).Order().ToArray();
        return new LoadFigures(completed, Round(completed / elapsed.TotalSeconds), Round(Percentile(sorted, 0.50)),
            Round(Percentile(sorted, 0.95)), Round(Percentile(sorted, 0.99)), errors, Round(memory.PeakBytes / 1048576.0),
            Round(cpuUsed.TotalMilliseconds / Math.Max(1, completed)));
    }

    /// <summary>The nearest-rank percentile of sorted values (0 for none).</summary>
    public static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static double Round(double value) => Math.Round(value, value >= 100 ? 0 : 2);
}

/// <summary>Samples the process's working set every 50 ms and keeps the largest (a phase's peak; the OS peak never goes down).</summary>
public sealed class MemorySampler : IDisposable
{
    private readonly Timer _timer;
    private long _peak;

    private MemorySampler()
    {
        _peak = Environment.WorkingSet;
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(50));
    }

    public long PeakBytes
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _peak);
        }
    }

    public static MemorySampler Start() => new();

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        var now = Environment.WorkingSet;
        long seen;
        while (now > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
        {
        }
    }
}
