using System.Net;
using Hotline.Console.Tests.Infrastructure;

namespace Hotline.Console.Tests;

/// <summary>Duplicate detection as agents and supervisors meet it through the API.</summary>
public sealed class DuplicateTests : HostTest
{
    [Fact]
    public async Task RepeatFromTheSameCitizen_IsSuggestedForMerging_OthersAreNot()
    {
        var agent = await Host.SignInAsync("agent");
        var (first, _) = await SubmitAsync("幸福里小区3栋电梯坏了一个星期，物业一直不修，老人上下楼很困难。", phone: "13812345678");
        var (unrelated, _) = await SubmitAsync("请问新生儿医保怎么办理？", phone: "13812345678", type: "咨询");
        var (otherCitizen, _) = await SubmitAsync("幸福里小区3栋电梯坏了一个星期，物业不修。", phone: "13900001111");
        var (repeat, _) = await SubmitAsync("再次反映：幸福里小区3栋的电梯还是坏的，物业不维修。", phone: "13812345678");

        var suggestions = (await agent.GetOkAsync($"/api/tickets/{repeat}/merge-suggestions")).AsArray();
        var top = Assert.Single(suggestions);
        Assert.Equal(first, top!.Str("ticketId"));
        Assert.Contains("电梯", top!.Str("reason"));
        Assert.DoesNotContain(suggestions, s => s!.Str("ticketId") == unrelated || s!.Str("ticketId") == otherCitizen);

        var housing = await Host.SignInAsync("housing");
        await (await housing.GetAsync($"/api/tickets/{repeat}/merge-suggestions")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ManyCitizensReportingOneEvent_AreGroupedForSupervisors()
    {
        var agent = await Host.SignInAsync("agent");
        // A month of ordinary background tickets: word weights come from recent tickets, as in production.
        string[] background =
        [
            "小区垃圾清运不及时，气味很大。", "请问居住证在哪里办理？", "公交车司机态度恶劣。", "楼上装修噪音太大。",
            "学校门口小摊贩占道经营。", "医院挂号难，排队时间长。", "公司拖欠工资三个月。", "河道里有人倾倒建筑垃圾。",
            "小区停车位被外来车辆占用。", "咨询社保卡补办流程。", "餐馆油烟扰民。", "出租车拒载。",
            "路灯不亮，晚上出行不便。", "供暖温度不达标。", "物业费上涨不合理。", "菜市场卫生差。",
        ];
        for (var i = 0; i < background.Length; i++)
        {
            await agent.PostOkAsync("/api/tickets", new { content = background[i], phone = $"1370000{i:D4}", areaId = i % 2 == 0 ? "chengxi-xishan" : "gaoxin-kechuang" });
        }
        Host.Clock.Advance(NodaTime.Duration.FromDays(5));
        string[] reports =
        [
            "人民路与解放路交叉口的红绿灯坏了，路口车辆拥堵。",
            "人民路解放路交叉口红绿灯坏了，请尽快维修。",
            "解放路人民路交叉口红绿灯坏了一上午了，很危险。",
        ];
        var ids = new List<string>();
        for (var i = 0; i < reports.Length; i++)
        {
            var created = await agent.PostOkAsync("/api/tickets", new { content = reports[i], phone = $"1380000000{i}", areaId = "chengdong-donghu" });
            ids.Add(created.Str("id"));
            Host.Clock.Advance(NodaTime.Duration.FromMinutes(20));
        }
        await agent.PostOkAsync("/api/tickets", new { content = "西山街道某餐馆卫生条件差。", phone = "13800000009", areaId = "chengxi-xishan" });
        // The same words in another district are another event.
        await agent.PostOkAsync("/api/tickets", new { content = "人民路解放路交叉口红绿灯坏了。", phone = "13800000008", areaId = "chengxi-hepan" });

        var supervisor = await Host.SignInAsync("supervisor");
        var events = (await supervisor.GetOkAsync("/api/supervision/events?hours=24")).AsArray();
        var evt = Assert.Single(events);
        Assert.Equal(3, evt!["reports"]!.GetValue<int>());
        Assert.Equal("chengdong-donghu", evt.Str("areaId"));
        Assert.Equal(ids.Order(), evt["tickets"]!.AsArray().Select(t => t!.Str("ticketId")).Order());

        await (await supervisor.GetAsync("/api/supervision/events?hours=0")).ProblemAsync(HttpStatusCode.BadRequest);
    }
}
