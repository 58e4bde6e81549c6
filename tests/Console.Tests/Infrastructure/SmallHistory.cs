using System.Text;
using System.Text.Json;
using Hotline.Routing.Outbox;

namespace Hotline.Console.Tests.Infrastructure;

/// <summary>
/// A small invented history of three categories, enough to train a model in a second: host tests of the routing engine that
/// are about the other members (catalogue, cases) use it instead of the real data set.
/// </summary>
public static class SmallHistory
{
    private static readonly (string Label, string[] Texts)[] Examples =
    [
        ("城乡建设",
        [
            "小区门口有流动摊贩占道经营，影响通行", "马路上摆摊卖菜的越来越多，占道严重", "物业公司不管小区卫生，垃圾成堆",
            "小区物业费上涨不合理，物业服务差", "楼顶有人违章搭建，存在安全隐患", "路面破损坑洼，雨天积水", "小区电梯经常坏，物业不维修",
            "夜市摊贩占用人行道经营，行人只能走机动车道", "楼道堆放杂物，物业不清理", "小区路灯不亮，物业推诿", "街边店铺店外经营占道摆摊",
            "老旧小区改造进度太慢，道路坑洼",
        ]),
        ("环境保护",
        [
            "化工厂排放废气，刺鼻异味", "河道污水直排，水体发黑发臭", "工厂烟囱冒黑烟，空气污染严重", "工地扬尘污染，周边居民受影响",
            "养殖场粪便污染河流", "饭店油烟直排污染环境", "企业偷排污水，河里死鱼", "垃圾焚烧厂臭气扰民，环境污染", "工业废渣随意倾倒污染土壤",
            "污水处理厂异味大，污染空气", "印染厂排放有色废水污染", "采石场粉尘污染，附近居民咳嗽",
        ]),
        ("交通运输",
        [
            "公交车班次太少，等车半小时", "出租车司机拒载绕路", "公交站点设置不合理，希望增设站点", "网约车乱收费，司机态度差",
            "地铁站出口少，换乘不便", "公交线路调整后上班不方便", "长途客车超载，司机超速", "公交车司机开车急刹车", "出租车打表乱收费",
            "希望开通到高铁站的公交线路", "公交车到站不停，司机不开门", "客运站售票窗口太少，排队时间长",
        ]),
    ];

    public static string Jsonl()
    {
        var text = new StringBuilder();
        foreach (var (label, texts) in Examples)
        {
            foreach (var t in texts)
            {
                text.Append(JsonSerializer.Serialize(new { text = t, label }, Api.Json)).Append('\n');
            }
        }
        return text.ToString();
    }

    /// <summary>Imports the history and trains; returns the admin client.</summary>
    public static async Task<HttpClient> TrainAsync(TestHost host)
    {
        var admin = await host.SignInAsync("admin");
        var imported = await admin.PostAsync("/api/admin/routing/training-data", new StringContent(Jsonl(), Encoding.UTF8, "application/x-ndjson"));
        Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());
        await admin.PostOkAsync("/api/admin/routing/retrain", new { });
        return admin;
    }

    /// <summary>Delivers every pending outbox message (the tests' hosts do not deliver on their own).</summary>
    public static async Task DeliverAllAsync(TestHost host)
    {
        var dispatcher = host.Get<OutboxDispatcher>();
        while (await dispatcher.DeliverPendingAsync(CancellationToken.None) > 0)
        {
        }
    }
}
