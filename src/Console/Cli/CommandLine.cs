using System.CommandLine;
using System.Globalization;
using Hotline.Host.Storage;
using Hotline.Knowledge;
using Hotline.Knowledge.Search;
using Hotline.Routing;
using Hotline.Routing.Calendar;
using Hotline.Routing.Classification;
using Hotline.Routing.Deadlines;
using Hotline.Routing.Storage;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace Hotline.Host.Cli;

/// <summary>
/// Command-line verbs for operators: <c>hotline calendar …</c>, <c>hotline routing …</c>, <c>hotline knowledge …</c> and
/// <c>hotline bench intake</c>. They read the same settings and database as the server, so a
/// holiday notice an admin recorded is honoured here too.
/// </summary>
public static class CommandLine
{
    private static readonly string[] Verbs = ["calendar", "routing", "knowledge", "audit", "backup", "bench"];

    /// <summary>Exit code for a date in a year with no published notice.</summary>
    public const int NoCalendarData = 2;

    public static bool Handles(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Hotline 12345 政务服务便民热线平台") { CalendarCommand(), RoutingCommand(), KnowledgeCommand() };
        root.Add(AuditCommand.Create());
        root.Add(BackupCommand.Create());
        root.Add(BenchCommand.Create());
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

    /// <summary>
    /// <c>hotline routing evaluate</c> and <c>bench</c>: thin wrappers over <see cref="Evaluation"/>, which tests call directly.
    /// They need no database. Exit codes: 0 done, 1 bad arguments or an unreadable file.
    /// </summary>
    private static Command RoutingCommand()
    {
        var train = new Option<string>("--train") { Description = "训练文件（JSONL，每行 {\"text\",\"label\"}）", Required = true };
        var test = new Option<string?>("--test") { Description = "待分类文件（JSONL，每行 {\"id\",\"text\"}，可带 \"label\"）" };
        var output = new Option<string?>("--output") { Description = "预测结果输出文件（JSONL，每行 {\"id\",\"label\",\"confidence\"}）" };
        var cv = new Option<int?>("--cv", "--folds") { Description = "只在训练文件上做 N 折交叉验证并报告" };
        var model = new Option<string?>("--model") { Description = "把训练好的模型另存到此文件" };
        var repeat = new Option<int>("--repeat")
        {
            Description = "交叉验证重复次数，每次换一种分折（1–20），报告各次与平均值",
            DefaultValueFactory = _ => 1,
        };
        var evaluate = new Command("evaluate", "在训练文件上训练，给待分类文件分类并评估（阈值只在训练文件上交叉验证选定）")
        {
            train, test, output, cv, model, repeat,
        };
        evaluate.SetAction((result, _) => RoutingAction(() =>
        {
            var trainPath = result.GetValue(train)!;
            if (result.GetValue(cv) is { } folds)
            {
                if (folds is < 2 or > 20)
                {
                    Console.Error.WriteLine("错误：--cv 应为 2 到 20 之间的折数。");
                    return 1;
                }
                if (result.GetValue(repeat) is < 1 or > 20)
                {
                    Console.Error.WriteLine("错误：--repeat 应为 1 到 20 之间的次数。");
                    return 1;
                }
                PrintCrossValidation(trainPath, folds, result.GetValue(repeat));
                if (result.GetValue(test) is null)
                {
                    return 0;
                }
            }
            if (result.GetValue(test) is not { } testPath || result.GetValue(output) is not { } outputPath)
            {
                Console.Error.WriteLine("错误：需要 --test 和 --output（或只用 --cv N 做交叉验证）。");
                return 1;
            }
            var report = Evaluation.Evaluate(trainPath, testPath, outputPath);
            if (result.GetValue(model) is { } modelPath)
            {
                report.Model.Save(modelPath);
                Console.WriteLine($"model saved: {modelPath}");
            }
            PrintEvaluation(report, outputPath);
            return 0;
        }));

        var benchTrain = new Option<string>("--train") { Description = "训练文件（JSONL，每行 {\"text\",\"label\"}）", Required = true };
        var samples = new Option<int>("--samples") { Description = "逐条分类计时的条数", DefaultValueFactory = _ => 2000 };
        var bench = new Command("bench", "基准：训练耗时、单条分类延迟 p50/p95、峰值内存") { benchTrain, samples };
        bench.SetAction((result, _) => RoutingAction(() =>
        {
            var report = Evaluation.Benchmark(result.GetValue(benchTrain)!, Math.Max(1, result.GetValue(samples)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                training: {report.Examples} tickets in {report.TrainingSeconds:0.0} s (5-fold calibration included)
                classify: {report.Classified} tickets one by one, p50 {report.P50Milliseconds:0.000} ms, p95 {report.P95Milliseconds:0.000} ms
                peak memory (working set): {report.PeakWorkingSetBytes / 1048576.0:0} MB
                """));
            return 0;
        }));
        return new Command("routing", "工单分类（派单模型）") { evaluate, bench };
    }

    /// <summary>Cross-validation, repeated over <paramref name="repeat"/> fold assignments: one assignment's dispatched share
    /// moves by a point or two with which tickets happen to share a fold, so figures to compare are means.</summary>
    private static void PrintCrossValidation(string trainPath, int folds, int repeat)
    {
        var training = Evaluation.ReadTraining(trainPath);
        PrintTraining(training);
        var defaults = new ClassifierOptions();
        var reports = new List<CrossValidationReport>();
        for (var r = 0; r < repeat; r++)
        {
            var report = ClassifierTrainer.CrossValidate(training.Examples, folds, defaults with { Seed = defaults.Seed + r });
            reports.Add(report);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                cross-validation ({folds} folds, identical texts kept in one fold{(repeat > 1 ? $", fold assignment {r + 1} of {repeat}" : "")}): {report.Figures.Count} tickets in {report.Seconds:0.0} s
                  accuracy {report.Figures.Accuracy:0.0000}, macro-F1 {report.Figures.MacroF1:0.0000}
                  auto-dispatch (threshold chosen by the training inside each fold): {report.Dispatch.Coverage:P1} of tickets at precision {report.Dispatch.Precision:0.0000}
                  best single threshold in hindsight: {report.BestDispatch.Coverage:P1} at {report.BestDispatch.Threshold:0.0000}
                """));
        }
        if (repeat > 1)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                mean of {repeat} fold assignments: accuracy {reports.Average(r => r.Figures.Accuracy):0.0000}, macro-F1 {reports.Average(r => r.Figures.MacroF1):0.0000}, auto-dispatch {reports.Average(r => r.Dispatch.Coverage):P1} at precision {reports.Average(r => r.Dispatch.Precision):0.0000}, in hindsight {reports.Average(r => r.BestDispatch.Coverage):P1}
                """));
        }
        PrintPerLabel(reports[0].Figures);
    }

    private static void PrintEvaluation(EvaluationReport report, string outputPath)
    {
        PrintTraining(report.Training);
        var model = report.Model;
        var estimate = model.Estimate;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            model {model.Version}: trained in {report.TrainingSeconds:0.0} s; {estimate.Folds}-fold estimate on TRAIN: accuracy {estimate.Accuracy:0.0000}, macro-F1 {estimate.MacroF1:0.0000}, auto-dispatch {estimate.Dispatch.Coverage:P1}
            threshold for {model.TargetPrecision:P0} precision (chosen on TRAIN by cross-validation): {model.Threshold:0.0000}
            predictions: {report.Tested} tickets → {outputPath} ({report.PredictionMilliseconds:0.000} ms per ticket)
            """));
        if (report.Figures is not { } figures)
        {
            Console.WriteLine("test file has no labels: nothing to measure.");
            return;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            test: {figures.Count} labelled tickets
              accuracy {figures.Accuracy:0.0000}
              macro-F1 {figures.MacroF1:0.0000}
              auto-dispatch at the TRAIN threshold: {report.Dispatch!.Coverage:P1} of tickets ({report.Dispatch.Dispatched}), precision {report.Dispatch.Precision:0.0000}
              (for comparison, best threshold chosen on TEST labels: {report.BestDispatch!.Coverage:P1} at {report.BestDispatch.Threshold:0.0000})
            """));
        if (report.UnknownLabels > 0)
        {
            Console.WriteLine($"  {report.UnknownLabels} test tickets have a label absent from TRAIN (counted as errors).");
        }
        PrintPerLabel(figures);
    }

    private static void PrintTraining(TrainingFile training)
    {
        Console.WriteLine($"train: {training.Examples.Count} tickets" +
            (training.SkippedBlankLabel + training.SkippedNoText > 0
                ? $" (skipped: {training.SkippedBlankLabel} with a blank label, {training.SkippedNoText} without text)"
                : ""));
    }

    private static void PrintPerLabel(ClassificationFigures figures) => Console.WriteLine(
        "  F1 by label: " + string.Join(", ", figures.F1ByLabel.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:0.000}"))));

    private static Task<int> RoutingAction(Func<int> action)
    {
        try
        {
            return Task.FromResult(action());
        }
        catch (DataFileException e)
        {
            Console.Error.WriteLine($"错误：{e.Message}");
            return Task.FromResult(1);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"错误：无法训练：{e.Message}");
            return Task.FromResult(1);
        }
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
