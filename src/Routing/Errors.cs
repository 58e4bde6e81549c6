using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Hotline.Routing;

/// <summary>
/// Expected failures are values, not exceptions. Each maps to one RFC 9457 problem in <see cref="Problems"/>, with a Chinese
/// title and a detail a person can act on. The other modules reuse these records for their own expected failures.
/// </summary>
public abstract record HotlineError(string Detail);

/// <summary>The request itself is malformed: field names map to what is wrong with each.</summary>
public sealed record ValidationFailed(IReadOnlyDictionary<string, string[]> Errors)
    : HotlineError("请求中有字段不符合要求，请按提示修改后重试。")
{
    public static ValidationFailed One(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>An id or code that names nothing the caller may see.</summary>
public sealed record NotFound(string Detail) : HotlineError(Detail);

/// <summary>The caller's role or department does not allow this.</summary>
public sealed record NotPermitted(string Detail) : HotlineError(Detail);

/// <summary>The action is not allowed in the ticket's current state.</summary>
public sealed record InvalidTransition(TicketState Current, string Action, string? Why = null)
    : HotlineError($"工单当前状态为「{TicketLabels.Of(Current)}」，不能{Action}。{Why}");

/// <summary>Someone else changed the ticket first; the caller gets the state it now has.</summary>
public sealed record ConcurrentChange(object CurrentTicket)
    : HotlineError("工单刚被他人修改，请查看最新状态后再操作。");

/// <summary>
/// The request conflicts with the current state of a record that is not a ticket (a rectification step out of order, a second
/// rating, an appeal on a good review): 409, with what the caller should do instead. <paramref name="Title"/> names the
/// situation when the generic title would mislead (another training running is no fault in the state of anything).
/// </summary>
public sealed record StateConflict(string Detail, string? Title = null) : HotlineError(Detail);

/// <summary>Someone else changed a record (a catalogue entry) since the caller read it; the detail says which version is current.</summary>
public sealed record EditConflict(string Detail) : HotlineError(Detail);

/// <summary>A business rule refuses the request (for example an extension longer than allowed).</summary>
public sealed record RuleViolated(string Detail) : HotlineError(Detail);

/// <summary>An upload larger than allowed (413): a file over the size limit.</summary>
public sealed record ContentTooLarge(string Detail) : HotlineError(Detail);

/// <summary>Content of a kind that is not accepted (415): judged by its bytes, never by its name or declared type.</summary>
public sealed record UnsupportedContent(string Detail) : HotlineError(Detail);

/// <summary>Too many requests from one client or for one phone number (429); the caller may retry after <paramref name="RetryAfter"/>.</summary>
public sealed record TooManyRequests(string Detail, TimeSpan RetryAfter) : HotlineError(Detail)
{
    /// <summary>Whole seconds, rounded up, as the <c>Retry-After</c> header and the problem's <c>retryAfter</c> carry them.</summary>
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}

/// <summary>A date outside the years for which the State Council has published a holiday notice.</summary>
public sealed record CalendarUnavailable(int Year)
    : HotlineError($"{Year} 年的节假日安排尚未录入，无法计算工作日时限。请管理员在「节假日」中录入国务院办公厅的通知。");

/// <summary>The one place expected failures become ProblemDetails.</summary>
public static class Problems
{
    public static ProblemHttpResult ToProblem(this HotlineError error)
    {
        var (status, title, type) = error switch
        {
            ValidationFailed => (StatusCodes.Status400BadRequest, "请求参数有误", "validation"),
            NotFound => (StatusCodes.Status404NotFound, "未找到", "not-found"),
            NotPermitted => (StatusCodes.Status403Forbidden, "无权操作", "forbidden"),
            InvalidTransition => (StatusCodes.Status409Conflict, "当前状态不允许此操作", "invalid-transition"),
            ConcurrentChange => (StatusCodes.Status409Conflict, "工单已被他人修改", "concurrent-change"),
            StateConflict c => (StatusCodes.Status409Conflict, c.Title ?? "当前状态不允许此操作", "state-conflict"),
            EditConflict => (StatusCodes.Status409Conflict, "内容已被他人修改", "edit-conflict"),
            RuleViolated => (StatusCodes.Status422UnprocessableEntity, "不符合业务规则", "rule-violated"),
            ContentTooLarge => (StatusCodes.Status413RequestEntityTooLarge, "内容过大", "content-too-large"),
            UnsupportedContent => (StatusCodes.Status415UnsupportedMediaType, "不支持的内容类型", "unsupported-content"),
            TooManyRequests => (StatusCodes.Status429TooManyRequests, "请求过于频繁", "too-many-requests"),
            CalendarUnavailable => (StatusCodes.Status503ServiceUnavailable, "工作日历缺少数据", "calendar-unavailable"),
            _ => (StatusCodes.Status500InternalServerError, "服务器内部错误", "internal"),
        };
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = error.Detail,
            Type = $"https://hotline.example/problems/{type}",
        };
        switch (error)
        {
            case ValidationFailed v:
                problem.Extensions["errors"] = v.Errors;
                break;
            case InvalidTransition t:
                problem.Extensions["currentState"] = t.Current.ToString();
                problem.Extensions["currentStateLabel"] = TicketLabels.Of(t.Current);
                break;
            case ConcurrentChange c:
                problem.Extensions["ticket"] = c.CurrentTicket;
                break;
            case CalendarUnavailable c:
                problem.Extensions["year"] = c.Year;
                break;
            case TooManyRequests t:
                problem.Extensions["retryAfter"] = t.RetryAfterSeconds;
                break;
        }
        return TypedResults.Problem(problem);
    }
}
