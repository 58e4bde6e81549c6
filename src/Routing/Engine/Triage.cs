using Hotline.Routing.Tickets;

namespace Hotline.Routing.Engine;

/// <summary>What the triage rule read in a text: an urgency and a type, each with the word that decided it (null: no word found).</summary>
public sealed record TriageResult(Urgency? Urgency, string? UrgencyWord, TicketType? Type, string? TypeWord)
{
    public string? Explain() => (Urgency, Type) switch
    {
        (null, null) => null,
        _ => string.Join("；", new[]
        {
            Urgency is { } u ? $"文本中有「{UrgencyWord}」，紧急程度为「{TicketLabels.Of(u)}」" : null,
            Type is { } t ? $"「{TypeWord}」表明诉求类型为「{TicketLabels.Of(t)}」" : null,
        }.OfType<string>()),
    };
}

/// <summary>
/// Urgency and type by keyword, the way a trained agent reads a message: danger to life or property (燃气泄漏, 触电, 坍塌) is
/// an emergency, an interrupted utility (停水, 停电, 停暖) a utilities matter, and the verbs citizens use (投诉, 举报, 建议,
/// 咨询) name the type. The first listed word found wins, most severe first. A rule, not a model: every result names its word.
/// </summary>
public static class Triage
{
    private static readonly string[] EmergencyWords =
        ["燃气泄漏", "煤气泄漏", "天然气泄漏", "闻到煤气", "闻到燃气", "漏气", "触电", "电线掉落", "着火", "起火", "火灾", "爆炸", "坍塌", "塌陷",
         "倒塌", "被困", "困人", "溺水", "井盖丢失", "井盖缺失"];

    private static readonly string[] UtilitiesWords =
        ["停水", "断水", "没有水", "没水", "水压低", "水管爆裂", "爆管", "停电", "断电", "没有电", "没电", "停气", "停暖", "暖气不热", "供暖不热", "没有暖气"];

    private static readonly (string Word, TicketType Type)[] TypeWords =
    [
        ("举报", TicketType.Report), ("投诉", TicketType.Complaint), ("表扬", TicketType.Praise), ("感谢信", TicketType.Praise),
        ("建议", TicketType.Suggestion), ("求助", TicketType.Help), ("请帮忙", TicketType.Help), ("咨询", TicketType.Consultation),
        ("请问", TicketType.Consultation), ("如何办理", TicketType.Consultation), ("怎么办理", TicketType.Consultation),
    ];

    public static TriageResult Assess(string? text)
    {
        var t = text ?? "";
        var emergency = EmergencyWords.FirstOrDefault(w => t.Contains(w, StringComparison.Ordinal));
        var utilities = emergency is null ? UtilitiesWords.FirstOrDefault(w => t.Contains(w, StringComparison.Ordinal)) : null;
        var type = TypeWords.FirstOrDefault(w => t.Contains(w.Word, StringComparison.Ordinal));
        return new TriageResult(
            emergency is not null ? Urgency.Emergency : utilities is not null ? Urgency.Utilities : null,
            emergency ?? utilities,
            type.Word is null ? null : type.Type,
            type.Word);
    }

    /// <summary>The more urgent of the two (urgency is only ever raised by the rule, never lowered).</summary>
    public static Urgency Raise(Urgency current, Urgency? suggested) =>
        suggested is { } s && Rank(s) > Rank(current) ? s : current;

    private static int Rank(Urgency u) => u switch
    {
        Urgency.Normal => 0,
        Urgency.Utilities => 1,
        Urgency.Emergency => 2,
    };
}
