namespace Hotline.Routing.Tickets;

/// <summary>What the citizen wants (诉求类型). Closed set; the reply deadline depends on it.</summary>
public enum TicketType
{
    Consultation, // 咨询
    Help,         // 求助
    Complaint,    // 投诉
    Report,       // 举报
    Suggestion,   // 建议
    Praise,       // 表扬
}

/// <summary>How urgent the matter is; emergencies and utilities have minute-based sign deadlines.</summary>
public enum Urgency
{
    Normal,
    Utilities, // 水电气热
    Emergency, // 危及生命财产
}

/// <summary>The channel a contact arrived on.</summary>
public enum Channel
{
    Phone,
    Sms,
    Web,
    App,
}

/// <summary>Where a ticket stands in its life (工单流转).</summary>
public enum TicketState
{
    PendingDispatch,   // 待派单
    Dispatched,        // 已派单，待签收
    Signed,            // 已签收，办理中
    ReturnRequested,   // 退单待审核
    Replied,           // 已答复，待回访
    CalledBack,        // 已回访
    Closed,            // 已办结
    Merged,            // 已并单
    NotAccepted,       // 不予受理
    Transferred,       // 已转110/119/120/122
}

/// <summary>How a closed ticket ended.</summary>
public enum ClosureKind
{
    Handled,      // 承办单位办理并答复
    DirectAnswer, // 直接办结
}

/// <summary>Emergency services a call can be handed to (国办发〔2022〕12号).</summary>
public enum TransferTarget
{
    Police110,
    Fire119,
    Ambulance120,
    Traffic122,
}

/// <summary>Why a contact is not accepted as a 12345 ticket; each has a route the caller is told.</summary>
public enum NotAcceptedReason
{
    Litigation,   // 涉诉
    Arbitration,  // 仲裁
    Petition,     // 已进入信访程序
    StateSecret,  // 涉密
    Other,
}

/// <summary>The kinds of entries in a ticket's timeline.</summary>
public enum TimelineEventKind
{
    Registered,
    DirectlyAnswered,
    Dispatched,
    Signed,
    ReturnRequested,
    ReturnApproved,
    ReturnRejected,
    ExtensionRequested,
    ExtensionApproved,
    ExtensionRejected,
    Urged,
    CoHandlerOpinion,
    Replied,
    CallbackAttempted,
    CalledBack,
    Closed,
    Rehandled,
    MergedInto,
    MergedFrom,
    NotAccepted,
    Transferred,
    SignOverdue,
    ReplyOverdue,
    FollowUp,
    RatingReceived,
    Classified,
}

/// <summary>Chinese labels shown to citizens and staff.</summary>
public static class TicketLabels
{
    public static string Of(TicketType type) => type switch
    {
        TicketType.Consultation => "咨询",
        TicketType.Help => "求助",
        TicketType.Complaint => "投诉",
        TicketType.Report => "举报",
        TicketType.Suggestion => "建议",
        TicketType.Praise => "表扬",
    };

    public static string Of(TicketState state) => state switch
    {
        TicketState.PendingDispatch => "待派单",
        TicketState.Dispatched => "待签收",
        TicketState.Signed => "办理中",
        TicketState.ReturnRequested => "退单审核中",
        TicketState.Replied => "已答复",
        TicketState.CalledBack => "已回访",
        TicketState.Closed => "已办结",
        TicketState.Merged => "已并单",
        TicketState.NotAccepted => "不予受理",
        TicketState.Transferred => "已转交紧急服务",
    };

    public static string Of(Urgency urgency) => urgency switch
    {
        Urgency.Normal => "一般",
        Urgency.Utilities => "水电气热",
        Urgency.Emergency => "紧急",
    };

    public static string Of(TransferTarget target) => target switch
    {
        TransferTarget.Police110 => "110",
        TransferTarget.Fire119 => "119",
        TransferTarget.Ambulance120 => "120",
        TransferTarget.Traffic122 => "122",
    };

    public static string Of(NotAcceptedReason reason) => reason switch
    {
        NotAcceptedReason.Litigation => "涉及诉讼",
        NotAcceptedReason.Arbitration => "涉及仲裁",
        NotAcceptedReason.Petition => "已进入信访程序",
        NotAcceptedReason.StateSecret => "涉及国家秘密",
        NotAcceptedReason.Other => "其他不予受理情形",
    };

    public static string Of(TimelineEventKind kind) => kind switch
    {
        TimelineEventKind.Registered => "登记受理",
        TimelineEventKind.DirectlyAnswered => "直接答复",
        TimelineEventKind.Dispatched => "派单",
        TimelineEventKind.Signed => "签收",
        TimelineEventKind.ReturnRequested => "申请退单",
        TimelineEventKind.ReturnApproved => "退单通过",
        TimelineEventKind.ReturnRejected => "退单驳回",
        TimelineEventKind.ExtensionRequested => "申请延期",
        TimelineEventKind.ExtensionApproved => "延期批准",
        TimelineEventKind.ExtensionRejected => "延期驳回",
        TimelineEventKind.Urged => "督办催办",
        TimelineEventKind.CoHandlerOpinion => "协办意见",
        TimelineEventKind.Replied => "答复",
        TimelineEventKind.CallbackAttempted => "回访未接通",
        TimelineEventKind.CalledBack => "回访",
        TimelineEventKind.Closed => "办结",
        TimelineEventKind.Rehandled => "重办",
        TimelineEventKind.MergedInto => "并入他单",
        TimelineEventKind.MergedFrom => "合并来单",
        TimelineEventKind.NotAccepted => "不予受理",
        TimelineEventKind.Transferred => "转紧急服务",
        TimelineEventKind.SignOverdue => "签收超时",
        TimelineEventKind.ReplyOverdue => "办理超时",
        TimelineEventKind.FollowUp => "市民追加诉求",
        TimelineEventKind.RatingReceived => "收到评价",
        TimelineEventKind.Classified => "智能分拨",
    };

    /// <summary>Parses a type given either as its code (complaint) or its Chinese name (投诉).</summary>
    public static bool TryParseType(string? text, out TicketType type)
    {
        foreach (var candidate in Enum.GetValues<TicketType>())
        {
            if (string.Equals(text, candidate.ToString(), StringComparison.OrdinalIgnoreCase) || text == Of(candidate))
            {
                type = candidate;
                return true;
            }
        }
        type = default;
        return false;
    }

    public static bool TryParseUrgency(string? text, out Urgency urgency)
    {
        foreach (var candidate in Enum.GetValues<Urgency>())
        {
            if (string.Equals(text, candidate.ToString(), StringComparison.OrdinalIgnoreCase) || text == Of(candidate))
            {
                urgency = candidate;
                return true;
            }
        }
        urgency = default;
        return false;
    }
}
