using System.Security.Cryptography;
using System.Text;
using Hotline.Intake.Citizens;
using Hotline.Routing;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Intake.Web;

/// <summary>The web form and app submission. Field names follow the published API: content, phone, name, title, type, address, anonymous.</summary>
public sealed record CitizenSubmission(
    string? Content,
    string? Phone,
    string? Name,
    string? Title,
    string? Type,
    string? Address,
    bool? Anonymous,
    string? Channel);

public sealed record SubmissionReceipt(Guid Id, string TrackingCode);

/// <summary>Citizen-facing endpoints (no sign-in): submit a request, track it by tracking code and phone number.</summary>
public static class CitizenEndpoints
{
    public const int MaxContentLength = 10_000;
    /// <summary>The key is stored with a channel prefix in a 200-character column; 128 leaves room and is plenty for a UUID.</summary>
    public const int MaxIdempotencyKeyLength = 128;

    public static RouteGroupBuilder MapCitizenTickets(this RouteGroupBuilder citizen)
    {
        citizen.MapPost("/tickets", SubmitAsync).WithSummary("提交诉求（网站、App）");
        citizen.MapGet("/tickets/{trackingCode}", TrackAsync).WithSummary("凭查询码和手机号查询办理进度");
        return citizen;
    }

    private static async Task<Results<Created<SubmissionReceipt>, ProblemHttpResult>> SubmitAsync(
        CitizenSubmission submission, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, TicketWorkflow workflow,
        CancellationToken ct)
    {
        var input = new Input();
        var content = input.Required(submission.Content, "content", "诉求内容", MaxContentLength);
        var name = input.Optional(submission.Name, "name", "姓名", 50);
        var title = input.Optional(submission.Title, "title", "标题", 200);
        var address = input.Optional(submission.Address, "address", "地址", 500);
        if (!PhoneNumber.TryNormalize(submission.Phone, out var phone))
        {
            input.Add("phone", string.IsNullOrWhiteSpace(submission.Phone) ? "请填写联系电话，用于查询进度和回访。" : PhoneNumber.Invalid);
        }
        var type = TicketType.Consultation;
        if (submission.Type is { Length: > 0 } && !TicketLabels.TryParseType(submission.Type, out type))
        {
            input.Add("type", "诉求类型应为咨询、求助、投诉、举报、建议或表扬之一。");
        }
        var channel = Channel.Web;
        if (submission.Channel is { Length: > 0 } && !(Enum.TryParse(submission.Channel, ignoreCase: true, out channel)
            && channel is Channel.Web or Channel.App))
        {
            input.Add("channel", "渠道应为 web 或 app。");
        }
        if (idempotencyKey is not null && (idempotencyKey.Length is 0 or > MaxIdempotencyKeyLength || idempotencyKey.Any(char.IsControl)))
        {
            input.Add("Idempotency-Key", $"Idempotency-Key 应为 1 到 {MaxIdempotencyKeyLength} 个可见字符。");
        }
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var draft = new NewTicket(channel, phone, content, title ?? DefaultTitle(content), type,
            Name: name, Anonymous: submission.Anonymous ?? false, Address: address,
            IntakeKey: idempotencyKey is null ? null : $"{channel.ToString().ToLowerInvariant()}:{idempotencyKey}",
            IntakeFingerprint: Fingerprint(content, phone, name, title, type, address, submission.Anonymous ?? false));
        var result = await workflow.RegisterAsync(draft, Actor.Citizen(channel == Channel.App ? "市民（App）" : "市民（网站）"), ct);
        if (result.Error is { } error)
        {
            return error.ToProblem();
        }
        var registration = result.Value!;
        if (!registration.SameRequest)
        {
            return new RuleViolated("这个 Idempotency-Key 已用于另一份内容不同的诉求。重试时请保持内容不变，提交新诉求请使用新的 Key。").ToProblem();
        }
        return TypedResults.Created($"/api/citizen/tickets/{registration.TrackingCode}",
            new SubmissionReceipt(registration.Id.Value, registration.TrackingCode));
    }

    private static async Task<Results<Ok<PublicTicketView>, ProblemHttpResult>> TrackAsync(
        string trackingCode, string? phone, RoutingDbContext db, TicketViews views, CancellationToken ct)
    {
        // One message for a wrong code and a wrong number, so the endpoint cannot be used to probe which codes exist.
        var notFound = new Hotline.Routing.NotFound("未找到该工单，请核对查询码和提交时填写的手机号码。");
        if (!PhoneNumber.TryNormalize(phone, out var normalized) || trackingCode.Length > 16)
        {
            return phone is null
                ? ValidationFailed.One("phone", "请提供提交诉求时填写的手机号码。").ToProblem()
                : notFound.ToProblem();
        }
        var code = trackingCode.Trim().ToUpperInvariant();
        var ticket = await db.Tickets.AsNoTracking().SingleOrDefaultAsync(t => t.TrackingCode == code && t.CitizenPhone == normalized, ct);
        if (ticket is null)
        {
            return notFound.ToProblem();
        }
        var timeline = await db.Timeline.AsNoTracking().Where(e => e.TicketId == ticket.Id).OrderBy(e => e.Sequence).ToListAsync(ct);
        return TypedResults.Ok(await views.ForCitizenAsync(ticket, timeline, ct));
    }

    internal static string DefaultTitle(string content)
    {
        var firstLine = content.Split('\n', 2)[0].Trim();
        return firstLine.Length <= 30 ? firstLine : firstLine[..30] + "…";
    }

    private static string Fingerprint(params object?[] parts)
    {
        var joined = string.Join('\u001f', parts.Select(p => p?.ToString() ?? ""));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(joined)));
    }
}
