using Hotline.Intake.Storage;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Intake.Notifications;

/// <summary>
/// The Chinese texts Hotline sends citizens. Each has a built-in default; an admin may replace it (stored in MessageTemplates).
/// Placeholders in braces are filled in; unknown placeholders are left as they are, so a typo shows rather than vanishes.
/// </summary>
public sealed class MessageTemplates(IntakeDbContext db)
{
    public static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>
    {
        ["sms.new-ticket"] = "【12345】您的诉求已受理，查询码 {trackingCode}。可凭查询码和本手机号查询办理进度。回复“退订”不再接收短信。",
        ["sms.follow-up"] = "【12345】已将您的补充内容记入工单 {trackingCode}。",
        ["sms.empty"] = "【12345】未收到诉求内容，请用文字描述您的问题后再次发送。",
        ["sms.opt-out"] = "【12345】您已退订 12345 热线短信通知。回复“订阅”可恢复接收。",
        ["sms.opt-in"] = "【12345】您已恢复接收 12345 热线短信通知。",
        ["sms.already-rated"] = "【12345】您已评价过该工单，每件诉求只能评价一次。如有新的问题，请直接描述。",
        ["sms.rating-thanks"] = "【12345】感谢您对工单 {trackingCode} 的评价。",
        ["sms.receipt"] = "【12345】您反映的问题已受理，查询码 {trackingCode}。可凭查询码和本手机号查询办理进度。",
        ["sms.replied"] = "【12345】您的工单 {trackingCode} 已答复，详情请查看：{link}",
        ["sms.rating-invitation"] = "【12345】请对工单 {trackingCode} 的办理情况评价：回复 5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意，或打开 {link} 评价。",
        ["sms.rectification-report"] = "【12345】您对工单 {trackingCode} 的评价已转承办单位整改，整改情况：{report}",
        ["sms.follow-up-rating-invitation"] = "【12345】请对工单 {trackingCode} 的整改情况再评价一次：回复 5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意，或打开 {link} 评价。",
    };

    public async Task<string> RenderAsync(string key, IReadOnlyDictionary<string, string> values, CancellationToken ct)
    {
        var stored = await db.Templates.AsNoTracking().Where(t => t.Key == key).Select(t => t.Text).SingleOrDefaultAsync(ct);
        var text = stored ?? (Defaults.TryGetValue(key, out var builtIn) ? builtIn : throw new KeyNotFoundException($"No message template '{key}'."));
        return Fill(text, values);
    }

    public static string Fill(string template, IReadOnlyDictionary<string, string> values)
    {
        var text = template;
        foreach (var (name, value) in values)
        {
            text = text.Replace("{" + name + "}", value, StringComparison.Ordinal);
        }
        return text;
    }
}
