using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hotline.Intake.Attachments;
using Hotline.Intake.Citizens;
using Hotline.Routing;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Hotline.Intake.Web;

/// <summary>
/// A web or app submission, from JSON or from a multipart form with files. Everything is checked before anything is written:
/// the fields, then the files (count, size, kind by their bytes), then an earlier request with the same Idempotency-Key, then
/// the phone number's rate limit. Only then are the files stored (by hash) and the ticket registered.
/// </summary>
internal sealed class CitizenSubmissionHandler(TicketWorkflow workflow, AttachmentStore store, CitizenPhoneLimiter phones,
    IOptions<AttachmentOptions> attachmentOptions)
{
    private const int MaxContentLength = CitizenEndpoints.MaxContentLength;
    private const int MaxIdempotencyKeyLength = CitizenEndpoints.MaxIdempotencyKeyLength;

    /// <summary>
    /// Checks and registers one submission; <paramref name="input"/> carries problems already found while reading the request
    /// (a multipart form's unparseable fields), reported together with the rest.
    /// </summary>
    public async Task<Result<SubmissionReceipt>> SubmitAsync(CitizenSubmission submission, IReadOnlyList<IFormFile> files,
        Input input, string? idempotencyKey, CancellationToken ct)
    {
        var content = input.Required(submission.Content, "content", "诉求内容", MaxContentLength);
        var name = input.Optional(submission.Name, "name", "姓名", 50);
        var title = input.Optional(submission.Title, "title", "标题", 200);
        var address = input.Optional(submission.Address, "address", "地址", 500);
        var coordinates = Coordinates(submission.Latitude, submission.Longitude, input);
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
        var options = attachmentOptions.Value;
        AttachmentUploads.CheckCount(files, options, input);
        if (!input.Ok)
        {
            return input.Failure;
        }
        var inspected = await AttachmentUploads.InspectAsync(files, options, ct);
        if (inspected.Error is { } fileError)
        {
            return fileError;
        }
        var attachments = inspected.Value!;

        var anonymous = submission.Anonymous ?? false;
        var intakeKey = idempotencyKey is null ? null : $"{channel.ToString().ToLowerInvariant()}:{idempotencyKey}";
        var fingerprint = Fingerprint([content, phone, name, title, type, address, anonymous,
            // Appended only when present, so a JSON retry keeps the fingerprint it had before locations and files existed.
            .. coordinates is { } point ? [$"geo:{Invariant(point.Latitude)},{Invariant(point.Longitude)}"] : Array.Empty<object?>(),
            .. attachments.Select(a => (object?)$"file:{a.Sha256}")]);
        // A retry is answered before anything lasting happens: no files stored twice, no rate-limit permit spent.
        if (intakeKey is not null && await workflow.FindByIntakeKeyAsync(intakeKey, fingerprint, ct) is { } earlier)
        {
            return Receipt(earlier);
        }
        if (phones.TryAcquire(phone) is { } limited)
        {
            return limited;
        }
        for (var i = 0; i < files.Count; i++)
        {
            await using var stream = files[i].OpenReadStream();
            await store.SaveAsync(stream, attachments[i].Sha256, ct);
        }
        var draft = new NewTicket(channel, phone, content, title ?? NewTicket.DefaultTitle(content), type,
            Name: name, Anonymous: anonymous, Address: address, IntakeKey: intakeKey, IntakeFingerprint: fingerprint)
        {
            Attachments = attachments,
            Coordinates = coordinates,
        };
        var result = await workflow.RegisterAsync(draft, Actor.Citizen(channel == Channel.App ? "市民（App）" : "市民（网站）"), ct,
            keyLookedUp: intakeKey is not null);
        if (result.Error is { } error)
        {
            return error;
        }
        return Receipt(result.Value!);
    }

    private static Result<SubmissionReceipt> Receipt(Registration registration)
    {
        if (!registration.SameRequest)
        {
            return new RuleViolated("这个 Idempotency-Key 已用于另一份内容不同的诉求。重试时请保持内容和附件不变，提交新诉求请使用新的 Key。");
        }
        return new SubmissionReceipt(registration.Id.Value, registration.TrackingCode);
    }

    /// <summary>Both or neither; degrees in range. A multipart field that is not a number arrives here as NaN.</summary>
    private static GeoPoint? Coordinates(double? latitude, double? longitude, Input input)
    {
        if (latitude is null && longitude is null)
        {
            return null;
        }
        if (latitude is null || longitude is null)
        {
            input.Add(latitude is null ? "latitude" : "longitude", "请同时填写纬度和经度，或都不填。");
            return null;
        }
        var ok = true;
        if (!(latitude.Value is >= -90 and <= 90))
        {
            input.Add("latitude", "纬度应为 -90 到 90 之间的数字（度）。");
            ok = false;
        }
        if (!(longitude.Value is >= -180 and <= 180))
        {
            input.Add("longitude", "经度应为 -180 到 180 之间的数字（度）。");
            ok = false;
        }
        return ok ? new GeoPoint(latitude.Value, longitude.Value) : null;
    }

    private static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Fingerprint(object?[] parts)
    {
        var joined = string.Join('\u001f', parts.Select(p => p?.ToString() ?? ""));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(joined)));
    }
}
