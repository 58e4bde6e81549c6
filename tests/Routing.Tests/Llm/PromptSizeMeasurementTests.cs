using System.Globalization;
using System.Text.Json.Nodes;
using Hotline.Routing.Llm;

namespace Hotline.Routing.Tests.Llm;

/// <summary>
/// How large the routing prompt gets on real citizen messages (the long TipDM texts, read in place, never copied), with the demo
/// city's 17 departments and 7 categories and five precedents of the longest kind: the cost and latency of one consultation
/// grow with it. Print the figures with
/// <c>dotnet test tests/Routing.Tests --filter "FullyQualifiedName~PromptSizeMeasurementTests" --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class PromptSizeMeasurementTests(ITestOutputHelper output)
{
    [Fact]
    public void Prompt_OnRealMessages_StaysWithinItsBudget()
    {
        var texts = File.ReadLines(DatasetFile("routing-long-train.jsonl"))
            .Select(line => JsonNode.Parse(line)!["text"]!.GetValue<string>())
            .ToList();
        var replies = File.ReadLines(DatasetFile("kb-replies.jsonl"))
            .Select(line => JsonNode.Parse(line)!["body"]!.GetValue<string>())
            .Take(5)
            .ToList();
        var precedents = texts.Take(5).Select((t, i) => new SimilarCase(t, "城乡建设", "市住房和城乡建设局", replies[i])).ToList();

        var sizes = texts.Select(text =>
        {
            var newline = text.IndexOf('\n', StringComparison.Ordinal);
            var question = new LlmRoutingQuestion(newline < 0 ? "" : text[..newline], newline < 0 ? text : text[(newline + 1)..],
                null, "城东区", DemoDepartments, DemoCategories, precedents);
            var (messages, options) = RoutingPrompt.Build(question, maxSimilarCases: 5);
            var schema = ((Microsoft.Extensions.AI.ChatResponseFormatJson)options.ResponseFormat!).Schema!.Value.GetRawText();
            return messages.Sum(m => m.Text.Length) + schema.Length;
        }).Order().ToList();

        var p50 = sizes[sizes.Count / 2];
        var p95 = sizes[(int)(sizes.Count * 0.95)];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{sizes.Count} messages: prompt + schema characters p50 {p50}, p95 {p95}, max {sizes[^1]}"));
        // With these departments: title 200 + content 2,000 + precedents 5 × 500, the rules and the schema; no message can go past it.
        Assert.True(sizes[^1] <= 9_000, $"max {sizes[^1]}");
    }

    private static readonly CandidateDepartment[] DemoDepartments =
    [
        new("city-housing", "市住房和城乡建设局", "房屋建设、物业管理、城市建设、燃气与供热行业监管。"),
        new("city-environment", "市生态环境局", "大气、水、噪声、固体废物污染防治与环境执法。"),
        new("city-transport", "市交通运输局", "公共交通、出租车、道路运输与交通基础设施。"),
        new("city-education", "市教育局", "学校管理、招生入学、校外培训监管。"),
        new("city-culture-tourism", "市文化广电和旅游局", "文化、体育场馆、旅游市场监管。"),
        new("city-hrss", "市人力资源和社会保障局", "就业、社会保险、劳动关系与欠薪处置。"),
        new("city-commerce", "市商务局", "商贸流通、消费市场、商业网点管理。"),
        new("city-health", "市卫生健康委员会", "医疗机构、公共卫生、计划生育服务。"),
        new("city-water", "市水务集团", "城市供水、排水与管网抢修。"),
        new("chengdong-gov", "城东区人民政府", "城东区属地事项。"),
        new("chengxi-gov", "城西区人民政府", "城西区属地事项。"),
        new("gaoxin-gov", "高新区管委会", "高新区属地事项。"),
        new("donghu-office", "东湖街道办事处", "东湖街道辖区事项。"),
        new("wenchang-office", "文昌街道办事处", "文昌街道辖区事项。"),
        new("xishan-office", "西山街道办事处", "西山街道辖区事项。"),
        new("hepan-office", "河畔街道办事处", "河畔街道辖区事项。"),
        new("kechuang-office", "科创街道办事处", "科创街道辖区事项。"),
    ];

    private static readonly CandidateCategory[] DemoCategories =
    [
        new("urban-construction", "城乡建设", "city-housing"),
        new("environment", "环境保护", "city-environment"),
        new("transport", "交通运输", "city-transport"),
        new("education-culture-sports", "教育文体", "city-education"),
        new("labour-social-security", "劳动和社会保障", "city-hrss"),
        new("commerce-tourism", "商贸旅游", "city-commerce"),
        new("health", "卫生计生", "city-health"),
    ];

    private static string DatasetFile(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Hotline.sln")))
            {
                var path = Path.Combine(directory.FullName, "..", "shared", "datasets", "tipdm2020", name);
                if (!File.Exists(path))
                {
                    Assert.Skip($"The TipDM 2020 dataset is not at {path}.");
                }
                return path;
            }
        }
        Assert.Skip("No Hotline.sln above the test binaries, so no ../shared/datasets.");
        return "";
    }
}
