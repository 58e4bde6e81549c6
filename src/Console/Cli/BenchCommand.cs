using System.CommandLine;
using Hotline.Host.Cli.Bench;
using Hotline.Knowledge;

namespace Hotline.Host.Cli;

/// <summary>
/// <c>hotline bench intake</c>: throughput, latency and push figures of citizen intake, with the machine's limits measured in the
/// same run. Prints commentary, then one JSON object as the last line. Exit codes: 0 done, 1 bad arguments, a missing file or
/// requests that failed.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var requests = new Option<int>("--requests") { Description = "计量的诉求提交数", DefaultValueFactory = _ => 20_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "并发客户端数", DefaultValueFactory = _ => 64 };
        var db = new Option<string>("--db") { Description = "sqlite（临时目录中的新文件）或 postgres（在 --connection 指定的服务器上新建、用后删除的数据库）", DefaultValueFactory = _ => "sqlite" };
        db.AcceptOnlyFromAmong("sqlite", "postgres");
        var connection = new Option<string?>("--connection") { Description = "PostgreSQL 连接串（服务器与账号；需要建库权限）" };
        var messages = new Option<string?>("--messages") { Description = "诉求文本 JSONL（每行 {\"title\",\"text\"}），默认 ../shared/datasets/tipdm2020/messages-unlabelled.jsonl" };
        var hubClients = new Option<int>("--hub-clients") { Description = "推送测量时保持的 SignalR 连接数（0：不测推送）", DefaultValueFactory = _ => 1_000 };
        var pushIntakes = new Option<int>("--push-intakes") { Description = "推送测量中提交的诉求数", DefaultValueFactory = _ => 100 };
        var pushRate = new Option<int>("--push-rate") { Description = "推送测量中每秒提交的诉求数（一个省的高峰约每秒几件）", DefaultValueFactory = _ => 5 };
        var warmUp = new Option<int>("--warm-up") { Description = "每个阶段计量前不计入的预热请求数", DefaultValueFactory = _ => 1_000 };
        var set = new Option<string[]>("--set") { Description = "给基准主机的额外设置 KEY=VALUE（可多次），如 Hotline:Database:SqliteSynchronous=Normal", AllowMultipleArgumentsPerToken = false };
        var minutes = new Option<int>("--max-minutes") { Description = "整个运行的时间上限（分钟）", DefaultValueFactory = _ => 20 };
        var intake = new Command("intake", "基准：市民提交诉求的吞吐、延迟、峰值内存，空端点与直接写库的上限，以及实时推送的端到端延迟")
        {
            requests, concurrency, db, connection, messages, hubClients, pushIntakes, pushRate, warmUp, minutes, set,
        };
        intake.SetAction(async (result, ct) =>
        {
            var postgres = result.GetValue(db) == "postgres";
            if (postgres && string.IsNullOrWhiteSpace(result.GetValue(connection)))
            {
                await Console.Error.WriteLineAsync("错误：--db postgres 需要 --connection \"Host=…;Username=…;Password=…\"。");
                return 1;
            }
            var settings = new Dictionary<string, string>();
            foreach (var pair in result.GetValue(set) ?? [])
            {
                if (pair.Split('=', 2) is not [{ Length: > 0 } key, var value])
                {
                    await Console.Error.WriteLineAsync($"错误：--set 应为 KEY=VALUE，而不是「{pair}」。");
                    return 1;
                }
                settings[key] = value;
            }
            var options = new IntakeBenchOptions(
                Math.Max(1, result.GetValue(requests)),
                Math.Max(1, result.GetValue(concurrency)),
                postgres,
                result.GetValue(connection),
                result.GetValue(messages) is { Length: > 0 } path ? Path.GetFullPath(path) : IntakeBench.DefaultMessages(),
                Math.Max(0, result.GetValue(hubClients)),
                Math.Max(0, result.GetValue(pushIntakes)),
                Math.Max(1, result.GetValue(pushRate)),
                Math.Max(0, result.GetValue(warmUp)),
                TimeSpan.FromMinutes(Math.Max(1, result.GetValue(minutes))),
                settings);
            try
            {
                return await IntakeBench.RunAsync(options, Console.Out, ct);
            }
            catch (DataFileException e)
            {
                await Console.Error.WriteLineAsync($"错误：{e.Message}");
                return 1;
            }
        });
        return new Command("bench", "基准测量") { intake };
    }
}
