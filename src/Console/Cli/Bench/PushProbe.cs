using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Hotline.Host.Live;

namespace Hotline.Host.Cli.Bench;

/// <summary>End-to-end push figures: intake request sent → a hub connection received the ticket's <c>Registered</c> event.</summary>
public sealed record PushFigures(int HubClients, int Intakes, double RatePerSecond, long Deliveries, long Expected, double P50Ms,
    double P99Ms, double MaxMs, double PeakMemoryMb, int WarmUp);

/// <summary>
/// Opens <c>hubClients</c> connections to <c>/hubs/console</c> as agents (the role that receives every intake event, so each
/// connection gets every event: the worst case for fan-out), then submits intakes at a steady rate and times every connection's
/// arrival of each ticket's <c>Registered</c> event from the moment its request was sent.
/// </summary>
public static class PushProbe
{
    /// <summary>Intakes pushed before the measured ones, not counted.</summary>
    public const int WarmUp = 5;

    public static async Task<PushFigures> RunAsync(Uri host, CookieContainer agent, int hubClients, IntakeRequests requests, int intakes,
        int ratePerSecond, CancellationToken ct)
    {
        var sentAt = new ConcurrentDictionary<string, long>();
        // Arrivals are joined with send times at the end: an event can arrive before its request's answer has been read.
        var arrivals = new ConcurrentQueue<(string TrackingCode, long At)>();
        void Arrived(HubMessage message)
        {
            var now = Stopwatch.GetTimestamp();
            if (message.Target != nameof(IConsoleClient.TicketChanged) || message.Arguments is not [var live])
            {
                return;
            }
            var data = live.GetProperty("data");
            if (data.GetProperty("kind").GetString() == "Registered")
            {
                arrivals.Enqueue((data.GetProperty("trackingCode").GetString()!, now));
            }
        }

        var hub = new Uri(host, LiveConsole.HubPath);
        var clients = new List<SignalRJsonClient>(hubClients);
        using var memory = MemorySampler.Start();
        try
        {
            // Connected a few at a time: a thousand simultaneous negotiations would measure the connect storm, not the push.
            for (var i = 0; i < hubClients; i += 50)
            {
                var batch = await Task.WhenAll(Enumerable.Range(i, Math.Min(50, hubClients - i))
                    .Select(_ => SignalRJsonClient.ConnectAsync(hub, agent, keep: false, arrived: Arrived, ct)));
                clients.AddRange(batch);
            }
            using var client = IntakeBench.NewClient(host, 16);
            var interval = TimeSpan.FromSeconds(1.0 / ratePerSecond);
            // A few events go through the whole path first, unmeasured, as the intake phase has its warm-up: the first events
            // after start-up pay for compiling the delivery and fan-out code (one took 170 ms), and with every connection
            // receiving every event, one slow event is 1 % of all deliveries — it would be the p99 by itself.
            for (var i = 0; i < WarmUp && !ct.IsCancellationRequested; i++)
            {
                await requests.SubmitAsync(client, 2_000_000 + i, ct);
                await Task.Delay(interval, ct);
            }
            var warmed = Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency;
            while (arrivals.Count < (long)WarmUp * hubClients && Stopwatch.GetTimestamp() < warmed && !ct.IsCancellationRequested)
            {
                await Task.Delay(50, ct);
            }
            arrivals.Clear();
            var start = Stopwatch.GetTimestamp();
            var submissions = new List<Task>(intakes);
            for (var i = 0; i < intakes && !ct.IsCancellationRequested; i++)
            {
                var due = start + (long)(i * interval.TotalSeconds * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, ct);
                }
                submissions.Add(SubmitAsync(client, i));
            }
            await Task.WhenAll(submissions);
            // Wait (bounded) for the stragglers, then count what arrived.
            var expected = (long)sentAt.Count * hubClients;
            var deadline = Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency;
            while (arrivals.Count < expected && Stopwatch.GetTimestamp() < deadline && !ct.IsCancellationRequested)
            {
                await Task.Delay(100, ct);
            }
            var elapsedSeconds = intakes / (double)ratePerSecond;
            var sorted = arrivals.Where(a => sentAt.ContainsKey(a.TrackingCode))
                .Select(a => (a.At - sentAt[a.TrackingCode]) * 1000.0 / Stopwatch.Frequency).Order().ToArray();
            return new PushFigures(hubClients, sentAt.Count, LoadDriver.Round(sentAt.Count / elapsedSeconds), sorted.Length, expected,
                LoadDriver.Round(LoadDriver.Percentile(sorted, 0.50)), LoadDriver.Round(LoadDriver.Percentile(sorted, 0.99)),
                LoadDriver.Round(sorted.LastOrDefault()), LoadDriver.Round(memory.PeakBytes / 1048576.0), WarmUp);
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }

        async Task SubmitAsync(HttpClient client, int i)
        {
            var sent = Stopwatch.GetTimestamp();
            if (await requests.SubmitAsync(client, 1_000_000 + i, ct) is { } receipt)
            {
                using var json = JsonDocument.Parse(receipt);
                sentAt[json.RootElement.GetProperty("trackingCode").GetString()!] = sent;
            }
        }
    }
}
