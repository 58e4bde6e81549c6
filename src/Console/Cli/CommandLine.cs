using System.CommandLine;
using Hotline.Host.Storage;
using Hotline.Knowledge.Search;
using Hotline.Routing;
using Hotline.Routing.Calendar;
using Hotline.Routing.Deadlines;
using Hotline.Routing.Storage;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace Hotline.Host.Cli;

/// <summary>
/// Command-line verbs for operators: <c>hotline calendar …</c>. They read the same settings and database as the server, so a
/// holiday notice an admin recorded is honoured here too.
/// </summary>
public static class CommandLine
{
    private static readonly string[] Verbs = ["calendar", "knowledge"];

    /// <summary>Exit code for a date in a year with no published notice.</summary>
    public const int NoCalendarData = 2;

    public static bool Handles(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Hotline 12345 政务服务便民热线平台") { CalendarCommand(), KnowledgeCommand() };
        return await root.Parse(args).InvokeAsync();
    }

    private static Command CalendarCommand()
    {
        var from = new Option<string>("--from") { Description = "起算日期 yyyy-MM-dd", Required = true };
        var days = new Option<int>("--days") { Description = "工作日数", Required = true };
        var add = new Command("add-working-days", "推算 N 个工作日后的到期日（按设置的计日规则，默认受理当日不计）") { from, days };
        add.SetAction((result, ct) => WithCalendarAsync(async (calendar, sla) =>
        {
            if (!TryParseDate(result.GetValue(from), out var start))
            {
                return 1;
            }
            var count = result.GetValue(days);
            if (count < 0)
            {
                await Console.Error.WriteLineAsync("错误：--days 不能为负数。");
                return 1;
            }
            Console.WriteLine(NoticeJson.Format(calendar.AddWorkingDays(start, count, sla.Counting)));
            return 0;
        }, ct));

        var date = new Option<string>("--date") { Description = "日期 yyyy-MM-dd", Required = true };
        var isWorking = new Command("is-working-day", "判断某日是否为工作日（含调休上班日）") { date };
        isWorking.SetAction((result, ct) => WithCalendarAsync(async (calendar, _) =>
        {
            if (!TryParseDate(result.GetValue(date), out var day))
            {
                return 1;
            }
            Console.WriteLine(calendar.IsWorkingDay(day) ? "true" : "false");
            await Task.CompletedTask;
            return 0;
        }, ct));

        return new Command("calendar", "工作日历") { add, isWorking };
    }

    private static async Task<int> WithCalendarAsync(Func<WorkingDayCalendar, SlaOptions, Task<int>> action, CancellationToken ct)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IClock>(SystemClock.Instance);
        services.AddSingleton(DatabaseSettings.From(configuration));
        services.AddRouting(configuration, (sp, options) =>
            sp.GetRequiredService<DatabaseSettings>().Configure(options, RoutingDbContext.HistoryTable));
        await using var provider = services.BuildServiceProvider();
        using (var scope = provider.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
            await provider.GetRequiredService<DatabaseSettings>().PrepareAsync(db, ct);
            await RoutingDatabase.MigrateAsync(db, SystemClock.Instance, ct);
        }
        var calendar = await provider.GetRequiredService<CalendarProvider>().GetAsync(ct);
        try
        {
            return await action(calendar, provider.GetRequiredService<IOptions<SlaOptions>>().Value);
        }
        catch (CalendarYearMissingException missing)
        {
            await Console.Error.WriteLineAsync(
                $"错误：{missing.Year} 年的节假日安排尚未录入（国务院办公厅通知），无法判断工作日。请管理员录入后重试。");
            return NoCalendarData;
        }
    }

    private static bool TryParseDate(string? text, out LocalDate date)
    {
        var parsed = LocalDatePattern.Iso.Parse(text ?? "");
        date = parsed.Success ? parsed.Value : default;
        if (!parsed.Success)
        {
            Console.Error.WriteLine($"错误：「{text}」不是 yyyy-MM-dd 格式的日期。");
        }
        return parsed.Success;
    }

    /// <summary><c>hotline knowledge evaluate|bench|tune</c>: measure the embedded search index on JSONL files (no database needed).</summary>
    private static Command KnowledgeCommand()
    {
        Option<string> Docs() => new("--docs") { Description = "文档 JSONL，每行 {\"id\",\"title\",\"body\"}", Required = true };
        Option<string> Queries() => new("--queries") { Description = "查询 JSONL，每行 {\"id\",\"text\"}，可带 \"relevant\": [文档 id]", Required = true };
        Option<string> Half()
        {
            var half = new Option<string>("--half") { Description = "只用部分查询：all、tuning（调参用的一半）、held-out（留出的一半）", DefaultValueFactory = _ => "all" };
            half.AcceptOnlyFromAmong("all", "tuning", "held-out");
            return half;
        }
        static QueryHalf ParseHalf(string? half) => half switch
        {
            "tuning" => QueryHalf.Tuning,
            "held-out" => QueryHalf.HeldOut,
            _ => QueryHalf.All,
        };

        var (docs, queries, half) = (Docs(), Queries(), Half());
        var output = new Option<string>("--output") { Description = "命中结果 JSONL，每行 {\"id\",\"hits\":[文档 id]}", Required = true };
        var top = new Option<int>("--top") { Description = "每个查询写出的命中数（1–100）", DefaultValueFactory = _ => 10 };
        var evaluate = new Command("evaluate", "把文档建入临时内嵌索引，逐条检索，写出命中；有相关性标注时打印 recall@1/5/10 与 MRR@10")
            { docs, queries, output, top, half };
        evaluate.SetAction((result, ct) => RunKnowledgeAsync(() => RetrievalEvaluation.EvaluateAsync(result.GetValue(docs)!,
            result.GetValue(queries)!, result.GetValue(output)!, result.GetValue(top), ParseHalf(result.GetValue(half)), Console.Out, ct)));

        var (benchDocs, benchQueries) = (Docs(), Queries());
        var documents = new Option<int>("--documents") { Description = "基准语料的文档数（不足时以新 id 重复文档补足）", DefaultValueFactory = _ => RetrievalEvaluation.BenchmarkDocuments };
        var limit = new Option<int>("--limit") { Description = "最多使用的查询数", DefaultValueFactory = _ => 1000 };
        var bench = new Command("bench", "检索延迟 p50/p95 与峰值内存") { benchDocs, benchQueries, documents, limit };
        bench.SetAction((result, ct) => RunKnowledgeAsync(() => RetrievalEvaluation.BenchAsync(result.GetValue(benchDocs)!,
            result.GetValue(benchQueries)!, result.GetValue(documents), result.GetValue(limit), Console.Out, ct)));

        var (tuneDocs, tuneQueries, tuneHalf) = (Docs(), Queries(), Half());
        var tune = new Command("tune", "在带标注的查询上拟合重排序权重并交叉验证（只在不用于报告的查询上拟合）") { tuneDocs, tuneQueries, tuneHalf };
        tune.SetAction((result, ct) => RunKnowledgeAsync(() => RetrievalEvaluation.TuneAsync(result.GetValue(tuneDocs)!,
            result.GetValue(tuneQueries)!, ParseHalf(result.GetValue(tuneHalf)), Console.Out, ct)));

        return new Command("knowledge", "知识库检索：评测、基准、调参") { evaluate, bench, tune };
    }

    private static async Task<int> RunKnowledgeAsync(Func<Task> action)
    {
        try
        {
            await action();
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"错误：{e.Message}");
            return 1;
        }
    }
}
