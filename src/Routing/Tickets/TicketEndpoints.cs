using System.Security.Claims;
using Hotline.Routing.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Hotline.Routing.Tickets;

public sealed record TicketPage(IReadOnlyList<TicketView> Items, int Page, int PageSize, int Total);

public sealed record RevealRequest(string? Purpose);

public sealed record CitizenContact(string Phone, string? Name, bool Anonymous);

/// <summary>Reading tickets: lists with filters and paging, one ticket, its timeline, and the logged reveal of contact data.</summary>
public static class TicketEndpoints
{
    /// <summary>Deep paging beyond this many rows is refused; filters narrow a list better than page 10,000 does.</summary>
    private const long MaxOffset = 1_000_000;

    public static RouteGroupBuilder MapTicketReading(this RouteGroupBuilder tickets)
    {
        tickets.MapGet("/", ListAsync).WithSummary("工单列表（按状态、承办单位、类型、是否超时、是否被催办、是否有待审批的延期筛选，分页；order=oldest 最早在前）");
        tickets.MapGet("/{id:guid}", GetAsync).WithSummary("工单详情");
        tickets.MapGet("/{id:guid}/timeline", TimelineAsync).WithSummary("工单流转记录");
        tickets.MapPost("/{id:guid}/citizen-contact", RevealAsync).WithSummary("查看市民联系方式（记录访问日志）");
        return tickets;
    }

    internal static Results<Ok<TicketView>, ProblemHttpResult> ToHttp(this Result<TicketView> result) =>
        result.Error is { } error ? error.ToProblem() : TypedResults.Ok(result.Value!);

    private static async Task<Results<Ok<TicketPage>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, RoutingDbContext db, TicketViews views, IClock clock,
        string? state, string? department, string? type, bool? overdue, bool? urged, bool? extensionRequested, int? page, int? pageSize,
        string? order, CancellationToken ct)
    {
        var actor = StaffPrincipal.ToActor(user);
        var input = new Input();
        var query = db.Tickets.AsNoTracking().Include(t => t.CoHandlers).AsQueryable();
        if (actor.Is(StaffRole.Department))
        {
            // Fail closed: a department account without a department sees nothing, as CanSee does for single tickets.
            var own = actor.Department ?? new DepartmentId("");
            query = query.Where(t => t.LeadDepartmentId == own || t.CoHandlers.Any(c => c.DepartmentId == own));
        }
        if (state is { Length: > 0 })
        {
            var states = new List<TicketState>();
            foreach (var name in state.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (Enum.TryParse<TicketState>(name, ignoreCase: true, out var s) && Enum.IsDefined(s))
                {
                    states.Add(s);
                }
                else
                {
                    input.Add("state", $"未知的状态「{name}」。可选：{string.Join("、", Enum.GetNames<TicketState>())}。");
                }
            }
            query = query.Where(t => states.Contains(t.State));
        }
        if (department is { Length: > 0 })
        {
            var dept = new DepartmentId(department);
            query = query.Where(t => t.LeadDepartmentId == dept || t.CoHandlers.Any(c => c.DepartmentId == dept));
        }
        if (type is { Length: > 0 })
        {
            if (TicketLabels.TryParseType(type, out var ticketType))
            {
                query = query.Where(t => t.Type == ticketType);
            }
            else
            {
                input.Add("type", $"未知的诉求类型「{type}」。");
            }
        }
        if (overdue == true)
        {
            var now = clock.GetCurrentInstant();
            query = query.Where(t =>
                (t.State == TicketState.Dispatched && t.SignDueAt < now)
                || ((t.State == TicketState.Dispatched || t.State == TicketState.Signed || t.State == TicketState.ReturnRequested)
                    && t.ReplyDueAt < now));
        }
        if (urged == true)
        {
            // 催办 that still concerns someone: the ticket is open (an urge on a replied or closed ticket is history).
            query = query.Where(t => t.UrgeCount > 0
                && (t.State == TicketState.PendingDispatch || t.State == TicketState.Dispatched || t.State == TicketState.Signed
                    || t.State == TicketState.ReturnRequested));
        }
        if (extensionRequested == true)
        {
            query = query.Where(t => t.PendingExtensionDays != null);
        }
        // Newest first by default (a search); a work queue asks for the oldest first, so the tickets waiting longest, nearest
        // their deadlines, are on its first page however many wait.
        var oldestFirst = false;
        if (order is { Length: > 0 })
        {
            if (order.Equals("oldest", StringComparison.OrdinalIgnoreCase))
            {
                oldestFirst = true;
            }
            else if (!order.Equals("newest", StringComparison.OrdinalIgnoreCase))
            {
                input.Add("order", "排序应为 newest（最新在前）或 oldest（最早在前）。");
            }
        }
        var size = pageSize ?? 20;
        var number = page ?? 1;
        if (size is < 1 or > 200)
        {
            input.Add("pageSize", "每页条数应在 1 到 200 之间。");
        }
        if (number < 1 || (long)(number - 1) * size > MaxOffset)
        {
            input.Add("page", $"页码应在 1 到 {MaxOffset / Math.Max(1, size) + 1} 之间。");
        }
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var total = await query.CountAsync(ct);
        // The id breaks ties, so paging never skips or repeats a ticket received in the same instant.
        var ordered = oldestFirst
            ? query.OrderBy(t => t.ReceivedAt).ThenBy(t => t.Id)
            : query.OrderByDescending(t => t.ReceivedAt).ThenByDescending(t => t.Id);
        var rows = await ordered.Skip((number - 1) * size).Take(size).ToListAsync(ct);
        var items = new List<TicketView>(rows.Count);
        foreach (var row in rows)
        {
            items.Add(await views.ForStaffAsync(row, actor, ct));
        }
        return TypedResults.Ok(new TicketPage(items, number, size, total));
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> GetAsync(
        Guid id, ClaimsPrincipal user, TicketWorkflow workflow, TicketViews views, CancellationToken ct)
    {
        var actor = StaffPrincipal.ToActor(user);
        var ticket = await workflow.LoadVisibleAsync(new TicketId(id), actor, ct);
        return ticket is null
            ? new NotFound("工单不存在，或您无权查看。").ToProblem()
            : TypedResults.Ok(await views.ForStaffAsync(ticket, actor, ct));
    }

    private static async Task<Results<Ok<TimelineEntryView[]>, ProblemHttpResult>> TimelineAsync(
        Guid id, ClaimsPrincipal user, TicketWorkflow workflow, RoutingDbContext db, TicketViews views, CancellationToken ct)
    {
        var actor = StaffPrincipal.ToActor(user);
        if (await workflow.LoadVisibleAsync(new TicketId(id), actor, ct) is null)
        {
            return new NotFound("工单不存在，或您无权查看。").ToProblem();
        }
        var ticketId = new TicketId(id);
        var entries = await db.Timeline.AsNoTracking().Where(e => e.TicketId == ticketId).OrderBy(e => e.Sequence).ToListAsync(ct);
        return TypedResults.Ok(entries.Select(e => views.ForStaff(e, actor)).ToArray());
    }

    private static async Task<Results<Ok<CitizenContact>, ProblemHttpResult>> RevealAsync(
        Guid id, RevealRequest request, ClaimsPrincipal user, TicketWorkflow workflow, RoutingDbContext db, IClock clock,
        CancellationToken ct)
    {
        var actor = StaffPrincipal.ToActor(user);
        if (!TicketAccess.MayRevealCitizen(actor))
        {
            return new NotPermitted("您的角色无权查看市民完整联系方式。").ToProblem();
        }
        var input = new Input();
        var purpose = input.Required(request.Purpose, "purpose", "查看事由", 500);
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var ticket = await workflow.LoadVisibleAsync(new TicketId(id), actor, ct);
        if (ticket is null)
        {
            return new NotFound("工单不存在，或您无权查看。").ToProblem();
        }
        db.PersonalDataAccess.Add(new PersonalDataAccess
        {
            At = clock.GetCurrentInstant(),
            StaffId = actor.Id,
            StaffName = actor.Name,
            StaffRole = actor.Role is { } r ? StaffRoles.NameOf(r) : "",
            TicketId = ticket.Id,
            Purpose = purpose,
        });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new CitizenContact(ticket.CitizenPhone, ticket.CitizenName, ticket.Anonymous));
    }
}
