using System.CommandLine;
using Hotline.Host.Storage;
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
    private static readonly string[] Verbs = ["calendar"];

    /// <summary>Exit code for a date in a year with no published notice.</summary>
    public const int NoCalendarData = 2;

    public static bool Handles(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Hotline 12345 政务服务便民热线平台") { CalendarCommand() };
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
}
