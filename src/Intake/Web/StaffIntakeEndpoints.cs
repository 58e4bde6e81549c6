using System.Security.Claims;
using Hotline.Intake.Citizens;
using Hotline.Intake.Storage;
using Hotline.Intake.Voice;
using Hotline.Routing;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Intake.Web;

public sealed record AgentIntakeRequest(
    string? Content,
    string? Phone,
    string? Name,
    string? Title,
    string? Type,
    string? Urgency,
    string? Address,
    bool? Anonymous,
    string? CategoryId,
    string? AreaId,
    string? Channel,
    string? CallSid = null);

/// <summary>
/// An agent registers a contact taken on the phone (or typed in from another channel). With <c>callSid</c> (the screen pop of a
/// ringing call, or a missed call being called back) the ticket belongs to that call: the number is the call's when none is
/// typed (agents see it masked), the intake key is the one the IVR uses (<c>call:{CallSid}</c>), so a call never becomes two
/// tickets, and the call record points at the ticket (it leaves the missed-call list and lists under the ticket's calls).
/// </summary>
public static class StaffIntakeEndpoints
{
    public static RouteGroupBuilder MapAgentIntake(this RouteGroupBuilder tickets)
    {
        tickets.MapPost("/", RegisterAsync).WithSummary("话务员登记工单");
        return tickets;
    }

    private static async Task<Results<Created<TicketView>, ProblemHttpResult>> RegisterAsync(
        AgentIntakeRequest request, ClaimsPrincipal user, TicketWorkflow workflow, TicketViews views, RoutingDbContext db,
        IntakeDbContext intake, CancellationToken ct)
    {
        var actor = StaffPrincipal.ToActor(user);
        if (!actor.IsAnyOf(StaffRole.Agent, StaffRole.Dispatcher, StaffRole.Supervisor))
        {
            return new NotPermitted("只有话务员、派单员或督办人员可以登记工单。").ToProblem();
        }
        var input = new Input();
        var content = input.Required(request.Content, "content", "诉求内容", CitizenEndpoints.MaxContentLength);
        var name = input.Optional(request.Name, "name", "姓名", 50);
        var title = input.Optional(request.Title, "title", "标题", 200);
        var address = input.Optional(request.Address, "address", "地址", 500);
        Call? call = null;
        if (request.CallSid is { Length: > 0 } callSid)
        {
            call = await intake.Calls.SingleOrDefaultAsync(c => c.CallSid == callSid, ct);
            if (call is null)
            {
                input.Add("callSid", "来电记录不存在。");
            }
        }
        var typedPhone = string.IsNullOrWhiteSpace(request.Phone) && call is { From.Length: > 0 } ? call.From : request.Phone;
        if (!PhoneNumber.TryNormalize(typedPhone, out var phone))
        {
            input.Add("phone", string.IsNullOrWhiteSpace(typedPhone) ? "请填写来电号码或联系电话。" : PhoneNumber.Invalid);
        }
        var type = TicketType.Consultation;
        if (request.Type is { Length: > 0 } && !TicketLabels.TryParseType(request.Type, out type))
        {
            input.Add("type", "诉求类型应为咨询、求助、投诉、举报、建议或表扬之一。");
        }
        var urgency = Urgency.Normal;
        if (request.Urgency is { Length: > 0 } && !TicketLabels.TryParseUrgency(request.Urgency, out urgency))
        {
            input.Add("urgency", "紧急程度应为 Normal（一般）、Utilities（水电气热）或 Emergency（紧急）。");
        }
        var channel = Channel.Phone;
        if (request.Channel is { Length: > 0 } && !(Enum.TryParse(request.Channel, ignoreCase: true, out channel) && Enum.IsDefined(channel)))
        {
            input.Add("channel", "渠道应为 Phone、Sms、Web 或 App。");
        }
        await input.CheckCategoryAndAreaAsync(db, request.CategoryId, request.AreaId, ct);
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var draft = new NewTicket(channel, phone, content, title ?? NewTicket.DefaultTitle(content), type, urgency, name,
            request.Anonymous ?? false, address,
            request.CategoryId is { Length: > 0 } ? request.CategoryId : null,
            request.AreaId is { Length: > 0 } ? request.AreaId : null, IntakeKey: call is null ? null : $"call:{call.CallSid}");
        var result = await workflow.RegisterAsync(draft, actor, ct);
        if (result.Error is { } error)
        {
            return error.ToProblem();
        }
        if (call is { TicketId: null })
        {
            // A second write: if it is lost, the call's end finds the ticket by its intake key (CallDesk.EndedAsync).
            call.TicketId = result.Value!.Id.Value;
            if (call.Outcome == CallOutcome.InProgress)
            {
                call.Outcome = CallOutcome.TicketCreated;
            }
            await intake.SaveChangesAsync(ct);
        }
        var ticket = await workflow.LoadVisibleAsync(result.Value!.Id, actor, ct);
        return TypedResults.Created($"/api/tickets/{result.Value.Id}", await views.ForStaffAsync(ticket!, actor, ct));
    }
}
