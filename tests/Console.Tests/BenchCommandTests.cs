using System.Text.Json;
using System.Text.Json.Nodes;
using Hotline.Console.Tests.Infrastructure;

namespace Hotline.Console.Tests;

/// <summary>
/// <c>hotline bench intake</c> end to end at a tiny size, on the database the run is testing: it must run every phase and print
/// one JSON object with every figure README and issue 7 name, with the counts it was asked for. The figures' values are not
/// judged here (benchmarks are run by hand on a quiet machine); that they are measured and complete is.
/// </summary>
public sealed class BenchCommandTests : IAsyncLifetime
{
    private string _messages = "";

    public ValueTask InitializeAsync()
    {
        // Made-up texts: the shared dataset never goes into the repository or its tests' fixtures.
        _messages = Path.Combine(Directory.CreateTempSubdirectory("hotline-bench-test-").FullName, "messages.jsonl");
        File.WriteAllLines(_messages, Enumerable.Range(1, 12).Select(i => JsonSerializer.Serialize(new
        {
            title = $"小区第{i}号楼问题",
            text = $"小区第{i}号楼的路灯已经坏了一周，晚上出行很不方便，请有关部门尽快维修。",
        })));
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Path.GetDirectoryName(_messages)!, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task BenchIntake_RunsEveryPhase_AndPrintsEveryFigure_AsOneJsonObjectOnItsLastLine()
    {
        var args = new List<string>
        {
            "bench", "intake", "--requests", "60", "--concurrency", "4", "--warm-up", "10",
            "--hub-clients", "20", "--push-intakes", "5", "--push-rate", "10", "--messages", _messages, "--max-minutes", "4",
        };
        if (TestDatabase.UsePostgres)
        {
            args.AddRange(["--db", "postgres", "--connection", Environment.GetEnvironmentVariable("HOTLINE_TEST_PG")!]);
        }
        var (code, output, error) = await HotlineCli.RunAsync(args, timeout: TimeSpan.FromMinutes(5));

        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        var last = JsonNode.Parse(output.Split('\n').Last())!.AsObject();
        Assert.Equal("intake", last["bench"]!.GetValue<string>());
        Assert.Equal(TestDatabase.UsePostgres ? "postgres" : "sqlite", last["db"]!.GetValue<string>());
        Assert.Contains("a 201 is sent after COMMIT returned", last["durability"]!.GetValue<string>());
        AssertFigures(last, 60);
        AssertFigures(last["limits"]!["empty_endpoint"]!.AsObject(), 60);
        AssertFigures(last["limits"]!["raw_insert"]!.AsObject(), 60);
        foreach (var ratio in new[] { "requests_per_second_vs_empty_endpoint", "requests_per_second_vs_raw_insert", "p99_vs_empty_endpoint", "p99_vs_raw_insert" })
        {
            Assert.True(last["ratios"]![ratio]!.GetValue<double>() > 0, ratio);
        }
        var push = last["push"]!;
        Assert.Equal(100, push["expected"]!.GetValue<int>()); // 20 connections × 5 intakes
        Assert.Equal(100, push["deliveries"]!.GetValue<int>());
        Assert.Equal(5, push["warm_up"]!.GetValue<int>()); // pushed first, not counted
        Assert.True(push["p99_ms"]!.GetValue<double>() >= push["p50_ms"]!.GetValue<double>());
        // The backlog the burst left was delivered within the drain's bound, and the figures say so.
        var drain = last["outbox_drain"]!;
        Assert.Equal(last["outbox_backlog_after"]!.GetValue<int>(), drain["messages"]!.GetValue<int>());
        Assert.Equal(0, drain["left"]!.GetValue<int>());
    }

    private static void AssertFigures(JsonObject figures, int requests)
    {
        Assert.Equal(requests, figures["requests"]!.GetValue<int>());
        Assert.Equal(0, figures["errors"]!.GetValue<int>());
        Assert.True(figures["requests_per_second"]!.GetValue<double>() > 0);
        var (p50, p95, p99) = (figures["p50_ms"]!.GetValue<double>(), figures["p95_ms"]!.GetValue<double>(), figures["p99_ms"]!.GetValue<double>());
        Assert.True(p50 > 0 && p50 <= p95 && p95 <= p99, $"percentiles {p50} / {p95} / {p99}");
        Assert.True(figures["peak_memory_mb"]!.GetValue<double>() > 0);
        Assert.True(figures["cpu_ms_per_request"]!.GetValue<double>() >= 0);
    }
}
