using System.Globalization;
using Hotline.Intake.Attachments;
using Hotline.Intake.Citizens;
using Hotline.Routing;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hotline.Intake.Web;

/// <summary>
/// The web form and app submission. Field names follow the published API: content, phone, name, title, type, address,
/// anonymous, channel, and an optional location point (latitude and longitude in WGS-84 degrees). The same fields arrive as JSON
/// or, with files attached, as multipart form fields.
/// </summary>
public sealed record CitizenSubmission(
    string? Content,
    string? Phone,
    string? Name,
    string? Title,
    string? Type,
    string? Address,
    bool? Anonymous,
    string? Channel,
    double? Latitude = null,
    double? Longitude = null);

public sealed record SubmissionReceipt(Guid Id, string TrackingCode);

/// <summary>
/// Citizen-facing endpoints (no sign-in): submit a request (JSON, or a multipart form with photos and PDFs), track it by
/// tracking code and phone number.
/// </summary>
public static class CitizenEndpoints
{
    public const int MaxContentLength = 10_000;
    /// <summary>The key is stored with a channel prefix in a 200-character column; 128 leaves room and is plenty for a UUID.</summary>
    public const int MaxIdempotencyKeyLength = 128;

    public static RouteGroupBuilder MapCitizenTickets(this RouteGroupBuilder citizen)
    {
        var attachments = ((IEndpointRouteBuilder)citizen).ServiceProvider.GetRequiredService<IOptions<AttachmentOptions>>().Value;
        // Two endpoints on one route, chosen by Content-Type; anything but JSON or multipart gets 415 from routing. The JSON one
        // also lists multipart so that the OpenAPI document shows one operation with both bodies (it keeps one per route and
        // method); the multipart one comes first (order -1), so routing never hands a form to the JSON binder.
        citizen.MapPost("/tickets", SubmitJsonAsync)
            .Accepts<CitizenSubmission>("application/json", "multipart/form-data")
            .WithSummary("提交诉求（网站、App；JSON，或 multipart/form-data 附带照片和 PDF）")
            .WithDescription($"multipart/form-data 的字段同 JSON，文件放在 files 字段：最多 {attachments.MaxFiles} 个，"
                + $"每个不超过 {attachments.MaxFileBytes} 字节，按文件内容判断类型（{attachments.AllowedTypes}）。");
        citizen.MapPost("/tickets", SubmitFormAsync)
            .Accepts<CitizenSubmission>("multipart/form-data")
            .WithOrder(-1)
            // Only this endpoint takes more than the host's 1 MB: every file at its largest, plus the text fields.
            .WithMetadata(new UploadSizeLimit(attachments.MaxRequestBytes))
            .ExcludeFromDescription();
        citizen.MapGet("/tickets/{trackingCode}", TrackAsync).WithSummary("凭查询码和手机号查询办理进度");
        return citizen;
    }

    private static async Task<Results<Created<SubmissionReceipt>, ProblemHttpResult>> SubmitJsonAsync(
        CitizenSubmission submission, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        CitizenSubmissionHandler handler, HttpResponse response, CancellationToken ct) =>
        ToHttp(await handler.SubmitAsync(submission, [], new Input(), idempotencyKey, ct), response);

    private static async Task<Results<Created<SubmissionReceipt>, ProblemHttpResult>> SubmitFormAsync(
        HttpRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CitizenSubmissionHandler handler,
        CancellationToken ct)
    {
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException || (e is IOException && e is not BadHttpRequestException))
        {
            // A broken multipart body (no boundary, truncated section). Too large a body stays a BadHttpRequestException: 413.
            return ValidationFailed.One("body", "表单格式不正确，无法读取。请以 multipart/form-data 提交，文件放在 files 字段。").ToProblem();
        }
        var input = new Input();
        var submission = ReadForm(form, input);
        return ToHttp(await handler.SubmitAsync(submission, [.. form.Files], input, idempotencyKey, ct), request.HttpContext.Response);
    }

    private static Results<Created<SubmissionReceipt>, ProblemHttpResult> ToHttp(Result<SubmissionReceipt> result, HttpResponse response)
    {
        switch (result.Error)
        {
            case TooManyRequests limited:
                CitizenRateLimits.SetRetryAfter(response, limited);
                return limited.ToProblem();
            case { } error:
                return error.ToProblem();
        }
        var receipt = result.Value!;
        return TypedResults.Created($"/api/citizen/tickets/{receipt.TrackingCode}", receipt);
    }

    /// <summary>The JSON fields as form fields. A field given twice, a flag that is not true/false, a coordinate that is not a number are refused.</summary>
    private static CitizenSubmission ReadForm(IFormCollection form, Input input)
    {
        string? Text(string field)
        {
            var values = form[field];
            if (values.Count > 1)
            {
                input.Add(field, "该字段只能填写一次。");
            }
            return values.Count == 0 ? null : values[0];
        }
        bool? Flag(string field)
        {
            var text = Text(field)?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                return null;
            }
            if (bool.TryParse(text, out var flag))
            {
                return flag;
            }
            if (text.Equals("on", StringComparison.OrdinalIgnoreCase))
            {
                return true; // an HTML checkbox
            }
            input.Add(field, "应为 true 或 false。");
            return null;
        }
        double? Number(string field)
        {
            var text = Text(field)?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                return null;
            }
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
                ? number
                : double.NaN;
        }
        return new CitizenSubmission(Text("content"), Text("phone"), Text("name"), Text("title"), Text("type"), Text("address"),
            Flag("anonymous"), Text("channel"), Number("latitude"), Number("longitude"));
    }

    private static async Task<Results<Ok<PublicTicketView>, ProblemHttpResult>> TrackAsync(
        string trackingCode, string? phone, RoutingDbContext db, TicketViews views, CancellationToken ct)
    {
        var found = await FindForCitizenAsync(trackingCode, phone, db, views, ct);
        return found.Error is { } error ? error.ToProblem() : TypedResults.Ok(found.Value!);
    }

    /// <summary>A ticket as its citizen may see it, by tracking code and the phone number it was submitted with (API and plain page).</summary>
    internal static async Task<Result<PublicTicketView>> FindForCitizenAsync(string trackingCode, string? phone, RoutingDbContext db,
        TicketViews views, CancellationToken ct)
    {
        // One message for a wrong code and a wrong number, so the endpoint cannot be used to probe which codes exist.
        var notFound = new Hotline.Routing.NotFound("未找到该工单，请核对查询码和提交时填写的手机号码。");
        if (!PhoneNumber.TryNormalize(phone, out var normalized) || trackingCode.Length > 16)
        {
            return phone is null
                ? ValidationFailed.One("phone", "请提供提交诉求时填写的手机号码。")
                : notFound;
        }
        var code = trackingCode.Trim().ToUpperInvariant();
        var ticket = await db.Tickets.AsNoTracking().SingleOrDefaultAsync(t => t.TrackingCode == code && t.CitizenPhone == normalized, ct);
        if (ticket is null)
        {
            return notFound;
        }
        var timeline = await db.Timeline.AsNoTracking().Where(e => e.TicketId == ticket.Id).OrderBy(e => e.Sequence).ToListAsync(ct);
        return await views.ForCitizenAsync(ticket, timeline, ct);
    }
}

/// <summary>The request-body limit of one endpoint (honoured by routing before the body is read).</summary>
internal sealed record UploadSizeLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
