using Hotline.Routing.Tickets;
using NodaTime;

namespace Hotline.Routing.Tests;

public sealed class TicketTransitionTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 11, 23, 2, 0);
    private static readonly DepartmentId Housing = new("city-housing");
    private static readonly DepartmentId Environment = new("city-environment");
    private static readonly Actor Agent = Actor.Staff("a1", "王芳", StaffRole.Agent);
    private static readonly Actor Dispatcher = Actor.Staff("d1", "李强", StaffRole.Dispatcher);
    private static readonly Actor Supervisor = Actor.Staff("s1", "陈静", StaffRole.Supervisor);
    private static readonly Actor HousingHandler = Actor.Staff("h1", "张伟", StaffRole.Department, Housing);
    private static readonly Actor EnvironmentHandler = Actor.Staff("e1", "赵敏", StaffRole.Department, Environment);

    private static readonly DeadlineSet Deadlines = new(T0.Plus(Duration.FromDays(1)), T0.Plus(Duration.FromDays(15)), T0.Plus(Duration.FromDays(2)));

    private static Ticket NewTicket() => Ticket.Register(
        new NewTicket(Channel.Web, "+8613812345678", "路灯不亮", "路灯不亮", TicketType.Complaint), "ABCDEFGHJK", Actor.Citizen("市民"), T0);

    private static Ticket Dispatched(DepartmentId? lead = null, params DepartmentId[] coHandlers)
    {
        var ticket = NewTicket();
        Assert.Null(ticket.Dispatch(Agent, T0, new DispatchPlan(lead ?? Housing, coHandlers, Deadlines)));
        return ticket;
    }

    [Fact]
    public void Register_StartsPendingDispatch_WithOneTimelineEntry()
    {
        var ticket = NewTicket();
        Assert.Equal(TicketState.PendingDispatch, ticket.State);
        var entry = Assert.Single(ticket.NewTimelineEntries);
        Assert.Equal(TimelineEventKind.Registered, entry.Kind);
        Assert.Equal(1, entry.Sequence);
    }

    [Fact]
    public void Sign_BeforeDispatch_IsRefused_NamingTheCurrentState()
    {
        var ticket = NewTicket();
        var error = Assert.IsType<InvalidTransition>(ticket.Sign(HousingHandler, T0));
        Assert.Equal(TicketState.PendingDispatch, error.Current);
        Assert.Contains("待派单", error.Detail);
        Assert.Equal(TicketState.PendingDispatch, ticket.State);
    }

    [Fact]
    public void Sign_ByAnotherDepartment_IsNotPermitted()
    {
        var ticket = Dispatched();
        Assert.IsType<NotPermitted>(ticket.Sign(EnvironmentHandler, T0));
        Assert.Equal(TicketState.Dispatched, ticket.State);
    }

    [Fact]
    public void Sign_AfterDeadline_RecordsLateSign()
    {
        var ticket = Dispatched();
        ticket.ClearNewTimelineEntries();
        Assert.Null(ticket.Sign(HousingHandler, Deadlines.SignDue.Plus(Duration.FromMinutes(1))));
        var entry = Assert.Single(ticket.NewTimelineEntries);
        Assert.Equal("超时签收", entry.Note);
        Assert.Contains("\"late\":true", entry.Data);
    }

    [Fact]
    public void Dispatch_ByDepartmentHandler_IsNotPermitted()
    {
        var ticket = NewTicket();
        Assert.IsType<NotPermitted>(ticket.Dispatch(HousingHandler, T0, new DispatchPlan(Housing, [], Deadlines)));
    }

    [Fact]
    public void Return_AfterReturnDeadline_IsRefused()
    {
        var ticket = Dispatched();
        Assert.IsType<RuleViolated>(ticket.RequestReturn(HousingHandler, Deadlines.ReturnDue.Plus(Duration.FromSeconds(1)), "不归我们管"));
        Assert.Equal(TicketState.Dispatched, ticket.State);
    }

    [Fact]
    public void ReturnRejected_GoesBackToTheStateBeforeTheReturn()
    {
        var ticket = Dispatched();
        Assert.Null(ticket.Sign(HousingHandler, T0));
        Assert.Null(ticket.RequestReturn(HousingHandler, T0, "不属于本单位职责"));
        Assert.Null(ticket.ReviewReturn(Dispatcher, T0, approve: false, "属于住建职责"));
        Assert.Equal(TicketState.Signed, ticket.State);
    }

    [Fact]
    public void ReturnApproved_ClearsTheDepartment_ForRedispatch()
    {
        var ticket = Dispatched();
        Assert.Null(ticket.RequestReturn(HousingHandler, T0, "不属于本单位职责"));
        Assert.Null(ticket.ReviewReturn(Dispatcher, T0, approve: true, null));
        Assert.Equal(TicketState.PendingDispatch, ticket.State);
        Assert.Null(ticket.LeadDepartmentId);
        Assert.Equal(1, ticket.ApprovedReturnCount);
        Assert.False(TicketAccess.CanSee(HousingHandler, ticket));
    }

    [Fact]
    public void DesignatedTicket_CannotBeReturnedAgain()
    {
        var ticket = NewTicket();
        Assert.Null(ticket.Dispatch(Dispatcher, T0, new DispatchPlan(Housing, [], Deadlines, Designated: true)));
        Assert.IsType<RuleViolated>(ticket.RequestReturn(HousingHandler, T0, "还是不归我们"));
    }

    [Fact]
    public void Extension_BeyondTheMaximum_IsRefused_AndOnlyOneMayBePending()
    {
        var ticket = Dispatched();
        Assert.Null(ticket.Sign(HousingHandler, T0));
        Assert.IsType<RuleViolated>(ticket.RequestExtension(HousingHandler, T0, 11, "需要更多时间", maxTotalDays: 10));
        Assert.Null(ticket.RequestExtension(HousingHandler, T0, 5, "需要现场勘查", maxTotalDays: 10));
        Assert.IsType<RuleViolated>(ticket.RequestExtension(HousingHandler, T0, 1, "再延一天", maxTotalDays: 10));
    }

    [Fact]
    public void ExtensionApproved_MovesTheReplyDeadline()
    {
        var ticket = Dispatched();
        Assert.Null(ticket.Sign(HousingHandler, T0));
        Assert.Null(ticket.RequestExtension(HousingHandler, T0, 3, "需要现场勘查", maxTotalDays: 10));
        Assert.IsType<NotPermitted>(ticket.ReviewExtension(Dispatcher, T0, true, null, (due, days) => due));
        Assert.Null(ticket.ReviewExtension(Supervisor, T0, true, "同意", (due, days) => due.Plus(Duration.FromDays(days))));
        Assert.Equal(Deadlines.ReplyDue.Plus(Duration.FromDays(3)), ticket.ReplyDueAt);
        Assert.Equal(3, ticket.ExtensionDaysGranted);
        Assert.Null(ticket.PendingExtensionDays);
    }

    [Fact]
    public void CoHandler_MayGiveAnOpinion_ButNotReply()
    {
        var ticket = Dispatched(Housing, Environment);
        Assert.True(TicketAccess.CanSee(EnvironmentHandler, ticket));
        Assert.Null(ticket.AddCoHandlerOpinion(EnvironmentHandler, T0, "已安排执法检查"));
        Assert.Null(ticket.Sign(HousingHandler, T0));
        Assert.IsType<NotPermitted>(ticket.Reply(EnvironmentHandler, T0, "已处理", null));
    }

    [Fact]
    public void Dispatch_WithLeadAlsoAsCoHandler_IsRefused()
    {
        var ticket = NewTicket();
        Assert.IsType<RuleViolated>(ticket.Dispatch(Agent, T0, new DispatchPlan(Housing, [Housing], Deadlines)));
    }

    [Fact]
    public void Callback_NotReached_KeepsWaiting_ReachedNeedsSolved()
    {
        var ticket = Dispatched();
        Assert.Null(ticket.Sign(HousingHandler, T0));
        Assert.Null(ticket.Reply(HousingHandler, T0, "已修复", null));
        Assert.Null(ticket.RecordCallback(Agent, T0, reached: false, null, null, "无人接听"));
        Assert.Equal(TicketState.Replied, ticket.State);
        Assert.IsType<ValidationFailed>(ticket.RecordCallback(Agent, T0, reached: true, solved: null, 5, null));
        Assert.IsType<ValidationFailed>(ticket.RecordCallback(Agent, T0, reached: true, solved: true, 6, null));
        Assert.Null(ticket.RecordCallback(Agent, T0, reached: true, solved: false, 2, "未修好"));
        Assert.Equal(TicketState.CalledBack, ticket.State);
        Assert.Null(ticket.Rehandle(Supervisor, T0, "回访未解决", Deadlines));
        Assert.Equal(TicketState.Dispatched, ticket.State);
        Assert.Equal(2, ticket.DispatchCount);
    }

    [Fact]
    public void Merge_IntoClosedTicket_IsRefused_IntoOpenTicket_RecordsBothSides()
    {
        var target = Dispatched();
        var source = NewTicket();
        Assert.IsType<RuleViolated>(source.MergeInto(Agent, T0, source, null));
        target.ClearNewTimelineEntries();
        source.ClearNewTimelineEntries();
        Assert.Null(source.MergeInto(Agent, T0, target, "同一事项"));
        Assert.Equal(TicketState.Merged, source.State);
        Assert.Equal(target.Id, source.MergedIntoId);
        Assert.Equal(TimelineEventKind.MergedFrom, Assert.Single(target.NewTimelineEntries).Kind);

        var closed = NewTicket();
        Assert.Null(closed.DirectAnswer(Agent, T0, "请携带身份证到政务大厅办理。"));
        Assert.IsType<RuleViolated>(NewTicket().MergeInto(Agent, T0, closed, null));
    }

    [Fact]
    public void OverdueMarks_AreWrittenOnce()
    {
        var ticket = Dispatched();
        var late = Deadlines.ReplyDue.Plus(Duration.FromHours(1));
        Assert.True(ticket.MarkSignOverdue(late));
        Assert.False(ticket.MarkSignOverdue(late));
        Assert.True(ticket.MarkReplyOverdue(late));
        Assert.False(ticket.MarkReplyOverdue(late.Plus(Duration.FromDays(1))));
    }

    [Fact]
    public void TerminalStates_RefuseFurtherChanges()
    {
        var ticket = NewTicket();
        Assert.Null(ticket.TransferToEmergency(Agent, T0, TransferTarget.Fire119, "起火"));
        Assert.Equal(TicketState.Transferred, ticket.State);
        Assert.IsType<InvalidTransition>(ticket.Dispatch(Agent, T0, new DispatchPlan(Housing, [], Deadlines)));
        Assert.IsType<InvalidTransition>(ticket.Close(Agent, T0, null));
        Assert.IsType<InvalidTransition>(ticket.AddFollowUp(Actor.Citizen("市民"), T0, "还有"));
    }

    [Fact]
    public void Extension_OfAbsurdLength_CannotOverflowTheCap()
    {
        var ticket = Dispatched();
        Assert.Null(ticket.Sign(HousingHandler, T0));
        Assert.Null(ticket.RequestExtension(HousingHandler, T0, 3, "勘查", maxTotalDays: 10));
        Assert.Null(ticket.ReviewExtension(Supervisor, T0, true, null, (due, days) => due));
        Assert.IsType<RuleViolated>(ticket.RequestExtension(HousingHandler, T0, int.MaxValue, "无限延期", maxTotalDays: 10));
        Assert.Null(ticket.PendingExtensionDays);
    }

    [Fact]
    public void ExtensionReview_OnAFinishedTicket_IsRefused()
    {
        var ticket = Dispatched();
        Assert.Null(ticket.Sign(HousingHandler, T0));
        Assert.Null(ticket.RequestExtension(HousingHandler, T0, 3, "勘查", maxTotalDays: 10));
        var target = Dispatched();
        Assert.Null(ticket.MergeInto(Agent, T0, target, null));
        Assert.Null(ticket.PendingExtensionDays);
        Assert.IsType<InvalidTransition>(ticket.ReviewExtension(Supervisor, T0, true, null, (due, days) => due.Plus(Duration.FromDays(days))));
        Assert.Equal(Deadlines.ReplyDue, ticket.ReplyDueAt);
    }

    [Fact]
    public void ExtensionRejected_LeavesTheDeadline()
    {
        var ticket = Dispatched();
        Assert.Null(ticket.Sign(HousingHandler, T0));
        Assert.Null(ticket.RequestExtension(HousingHandler, T0, 3, "勘查", maxTotalDays: 10));
        Assert.Null(ticket.ReviewExtension(Supervisor, T0, false, "理由不充分", (due, days) => due.Plus(Duration.FromDays(days))));
        Assert.Equal(Deadlines.ReplyDue, ticket.ReplyDueAt);
        Assert.Equal(0, ticket.ExtensionDaysGranted);
        Assert.Null(ticket.PendingExtensionDays);
    }

    [Fact]
    public void Rehandle_OnlyAfterAnUnsolvedOrUnsatisfiedCallback()
    {
        var ticket = Dispatched();
        Assert.Null(ticket.Sign(HousingHandler, T0));
        Assert.Null(ticket.Reply(HousingHandler, T0, "已修复", null));
        Assert.IsType<InvalidTransition>(ticket.Rehandle(Supervisor, T0, "再办一次", Deadlines));
        Assert.Null(ticket.RecordCallback(Agent, T0, reached: true, solved: true, 5, null));
        Assert.IsType<RuleViolated>(ticket.Rehandle(Supervisor, T0, "再办一次", Deadlines));
        Assert.Equal(TicketState.CalledBack, ticket.State);
    }

    [Fact]
    public void Rehandled_Ticket_ClearsTheOldReply_AndCannotBeReturned()
    {
        var ticket = Dispatched();
        Assert.Null(ticket.Sign(HousingHandler, T0));
        Assert.Null(ticket.Reply(HousingHandler, T0, "已修复", null));
        Assert.Null(ticket.RecordCallback(Agent, T0, reached: true, solved: true, 2, "态度不好"));
        Assert.Null(ticket.Rehandle(Supervisor, T0, "市民不满意", Deadlines));
        Assert.Null(ticket.PublicReply);
        Assert.IsType<RuleViolated>(ticket.RequestReturn(HousingHandler, T0.Plus(Duration.FromMinutes(1)), "不归我们"));
    }

    [Theory]
    [InlineData("楼道灯坏了\n三楼到五楼都不亮", "楼道灯坏了")]
    [InlineData("  前后有空格  ", "前后有空格")]
    [InlineData("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十多出来的", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十…")]
    // The 30th character is the first half of an emoji: the cut steps back rather than keep half of it.
    [InlineData("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九😀后面", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九…")]
    public void ATitleMadeFromTheContent_IsItsFirstLine_CutAt30Characters_NeverInsideACharacter(string content, string title)
    {
        var made = Hotline.Routing.Tickets.NewTicket.DefaultTitle(content);
        Assert.Equal(title, made);
        Assert.DoesNotContain(made, char.IsSurrogate);
    }
}
