using Hotline.Intake.Duplicates;
using NodaTime;

namespace Hotline.Intake.Tests.Duplicates;

/// <summary>Made-up tickets of a small city, and bigram statistics over them, for the examples in the unit tests.</summary>
internal static class SampleTickets
{
    public static readonly Instant Monday = Instant.FromUtc(2026, 3, 2, 1, 0);

    public const string LiftBroken = "幸福小区3栋电梯经常故障，上周困人两次，物业一直不维修。";
    public const string LiftReworded = "幸福小区3栋的电梯又故障了，今天早上把两位老人困在里面，物业还是不维修。";
    public const string NightStallNoise = "幸福小区门口的夜宵摊每天营业到凌晨两点，噪音很大，影响休息。";
    public const string WaterMainBurst = "人民路和解放路路口自来水管爆裂，路面大量积水，车辆无法通行。";

    /// <summary>What a city's hotline hears in a week, so that bigram weights are not all alike.</summary>
    public static readonly string[] Background =
    [
        LiftBroken,
        NightStallNoise,
        "人民路与解放路交叉口的红绿灯坏了，车辆乱行，很危险。",
        "阳光花园小区停水两天了，没有任何通知。",
        "星光培训学校收了一年学费后关门，老板失联，要求退费。",
        "建设大道工地夜间打桩施工，噪音很大，无法入睡。",
        "12路公交车经常不按时发车，早上等了半个小时。",
        "绿地公园的垃圾好几天无人清理，臭味很大。",
        "东门菜市场旁边占道经营，路面脏乱。",
        "咨询新生儿医保办理需要哪些材料。",
        "金星路下水道堵塞，污水漫到路面上。",
        "学校附近的网吧接纳未成年人上网。",
        "翠湖苑物业费上涨没有公示。",
        "幸福小区地下车库积水，车辆被泡。",
    ];

    public static TermStatistics Statistics { get; } = TermStatistics.From(Background);
}
